-- Worker ids live in namespaces. A local worker's id (a personal access token, or a worker token bound
-- to an owner by its reigh_owner claim) is its owner's; cloud workers' ids are the platform's
-- (user_id NULL). Until now `id` was unique across both, so a local worker could register an id first
-- (gpu-1) and every cloud worker of that name was refused with a 409, and two users' local workers
-- could not both be called gpu-1.
--
-- A worker is (user_id, id), NULL user_id included (NULLS NOT DISTINCT: one cloud gpu-1). Every
-- statement that matches tasks to a worker (claim, heartbeat renewal and cancellations, crash release,
-- the admin view's counts) matches both, through tasks.worker_user_id, so that a cloud gpu-1 can never
-- renew or release a local gpu-1's tasks, and the reverse.

-- Before the key changes, while an id still names one worker: the tasks held by local workers.
ALTER TABLE tasks ADD COLUMN worker_user_id uuid;
UPDATE tasks t SET worker_user_id = w.user_id
  FROM workers w
  WHERE w.id = t.worker_id AND w.user_id IS NOT NULL AND w.user_id = t.user_id;
-- A local worker takes only its owner's tasks (the claim's rule, also kept by the schema).
ALTER TABLE tasks ADD CONSTRAINT tasks_local_worker_is_the_owners
  CHECK (worker_user_id IS NULL OR worker_user_id = user_id);
COMMENT ON COLUMN tasks.worker_user_id IS
  'With worker_id, the worker that holds (or last held) the task, as in workers (user_id, id): the owner of a local worker, NULL for a cloud worker.';

ALTER TABLE workers DROP CONSTRAINT workers_pkey;
ALTER TABLE workers ADD CONSTRAINT workers_id_per_owner UNIQUE NULLS NOT DISTINCT (user_id, id);
COMMENT ON COLUMN workers.user_id IS
  'The owner of a local worker (personal access token, or a worker token bound by reigh_owner); NULL for cloud workers. Ids are unique per owner (and among cloud workers).';

-- Heartbeats and crash releases find a worker's tasks In Progress by both columns.
DROP INDEX tasks_in_progress_by_worker;
CREATE INDEX tasks_in_progress_by_worker ON tasks (worker_id, worker_user_id) WHERE status = 'In Progress';
