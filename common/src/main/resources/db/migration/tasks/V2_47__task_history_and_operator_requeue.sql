-- tasks-service: a task's history (every status change: created, claimed by which worker, requeued
-- or failed and why, completed, cancelled and by whom), for the operator console's task page and its
-- per-minute claims/completions/failures; and the operator's requeue of a Failed task.
--
-- Written by one statement-level trigger (one INSERT per statement, whatever the batch size), like
-- the realtime feed: no code path can change a status without leaving its line. The reason of a
-- requeue or failure is the task's error_message (the reaper, the worker and a crash report all write
-- one), or the reason an operator gave (reigh.transition_reason, set for the statement's transaction).
-- Who: the acting context of the transaction (role and user), so an operator's cancel or requeue is
-- audited by the same line that records it.
CREATE TABLE task_history (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_id     uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  -- NULL: the task was created.
  from_status text,
  to_status   text NOT NULL,
  worker_id   text,
  attempt     integer NOT NULL,
  reason      text CHECK (char_length(reason) <= 4000),
  actor_role  text,
  actor_id    uuid,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_history_by_task ON task_history (task_id, id);
-- Rows arrive in time order: a BRIN index serves "the last hour" for a fraction of a B-tree's upkeep.
CREATE INDEX task_history_by_time ON task_history USING brin (at);

CREATE FUNCTION reigh_record_task_history() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    given_reason text := nullif(current_setting('reigh.transition_reason', true), '');
  BEGIN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO task_history (task_id, from_status, to_status, worker_id, attempt, reason, actor_role, actor_id)
        SELECT n.id, NULL, n.status, n.worker_id, n.attempts, given_reason, reigh_acting_role(), reigh_acting_user()
        FROM new_rows n;
    ELSE
      INSERT INTO task_history (task_id, from_status, to_status, worker_id, attempt, reason, actor_role, actor_id)
        SELECT n.id, o.status, n.status, coalesce(n.worker_id, o.worker_id), n.attempts,
               coalesce(given_reason, CASE WHEN n.status IN ('Queued', 'Failed') THEN n.error_message END),
               reigh_acting_role(), reigh_acting_user()
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE o.status IS DISTINCT FROM n.status;
    END IF;
    RETURN NULL;
  END $$;
CREATE TRIGGER tasks_history_inserts AFTER INSERT ON tasks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reigh_record_task_history();
CREATE TRIGGER tasks_history_updates AFTER UPDATE ON tasks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reigh_record_task_history();

-- Terminal states still never change, with one exception: an operator (acting as admin) may put a
-- Failed task back in the queue. Nothing else can, whatever a bug in a service does.
CREATE OR REPLACE FUNCTION reigh_guard_task_transition() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF OLD.status IS DISTINCT FROM NEW.status AND NOT (
         (OLD.status = 'Queued' AND NEW.status IN ('In Progress', 'Cancelled', 'Failed'))
      OR (OLD.status = 'In Progress' AND NEW.status IN ('Complete', 'Failed', 'Cancelled', 'Queued'))
      OR (OLD.status = 'Failed' AND NEW.status = 'Queued' AND reigh_acting_role() = 'admin')) THEN
      RAISE check_violation USING
        MESSAGE = format('task %s: %s -> %s is not allowed', OLD.id, OLD.status, NEW.status),
        CONSTRAINT = 'tasks_valid_transition';
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
  END $$;

-- The console's list of every task, newest first (the owners' lists have their own indexes).
CREATE INDEX tasks_newest_first ON tasks (created_at DESC, id DESC);

-- Operators' reading only (tasks-service reads it in admin transactions); the trigger writes.
ALTER TABLE task_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE task_history FORCE ROW LEVEL SECURITY;
CREATE POLICY task_history_operators ON task_history USING (reigh_acts_for_all()) WITH CHECK (true);
GRANT SELECT ON task_history TO reigh_tasks;
