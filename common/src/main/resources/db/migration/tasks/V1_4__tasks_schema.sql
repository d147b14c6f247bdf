-- tasks-service owns: tasks, workers, task_outbox (the completion pipeline) and realtime_events
-- (the feed behind GET /v1/events).
--
-- Task states (the seed's): Queued -> In Progress -> Complete | Failed | Cancelled, with
-- In Progress -> Queued on a requeue. Terminal states never change (enforced below).

CREATE TABLE tasks (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id              uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  -- The project's owner, copied at creation: the claim's per-owner rules read it without a join.
  user_id                 uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  task_type               text NOT NULL REFERENCES task_cost_configs (task_type),
  params                  jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(params) = 'object'),
  status                  text NOT NULL DEFAULT 'Queued'
                            CHECK (status IN ('Queued', 'In Progress', 'Complete', 'Failed', 'Cancelled')),
  -- Tasks of the same project that must be Complete first.
  dependant_on            uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(dependant_on) <= 50),
  -- Orchestrators create sub-tasks; a sub-task is identified by this column.
  parent_task_id          uuid REFERENCES tasks (id) ON DELETE CASCADE,
  -- Copied from the task type at creation (claim filters on them without a join).
  run_type                text NOT NULL DEFAULT 'gpu' CHECK (run_type IN ('gpu', 'api')),
  is_orchestrator         boolean NOT NULL DEFAULT false,
  model_name              text GENERATED ALWAYS AS (params ->> 'model_name') STORED,
  output_location         text CHECK (char_length(output_location) <= 2048),
  result_data             jsonb,
  error_message           text CHECK (char_length(error_message) <= 4000),
  worker_id               text CHECK (char_length(worker_id) <= 128),
  -- Claims so far: a claim sets n+1, a requeue keeps it.
  attempts                integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts            integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 20),
  -- The fence of every worker write: a fresh token per claim.
  lease_token             uuid,
  lease_expires_at        timestamptz,
  -- Retry backoff: not claimable before.
  run_after               timestamptz,
  generation_started_at   timestamptz,
  generation_processed_at timestamptz,
  -- Idempotent creation: the key and a hash of the request that used it (another body -> 409).
  idempotency_key         text CHECK (char_length(idempotency_key) <= 200),
  request_hash            text,
  -- Idempotent completion: a replay by the same lease with the same body returns the first result.
  completion_hash         text,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tasks_lease_only_in_progress CHECK (status = 'In Progress' OR lease_token IS NULL),
  CONSTRAINT tasks_in_progress_has_lease CHECK (status <> 'In Progress' OR (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL)),
  CONSTRAINT tasks_attempts_bounded CHECK (attempts <= max_attempts)
);
CREATE UNIQUE INDEX tasks_unique_idempotency_key ON tasks (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- The claimable set: small and ordered the way the claim reads it (oldest first per run type).
CREATE INDEX tasks_claimable ON tasks (run_type, created_at, id) WHERE status = 'Queued';
CREATE INDEX tasks_claimable_by_model ON tasks (run_type, model_name, created_at, id) WHERE status = 'Queued';
CREATE INDEX tasks_claimable_by_owner ON tasks (user_id, run_type, created_at, id) WHERE status = 'Queued';
-- Leases the reaper looks at, and the per-owner cap.
CREATE INDEX tasks_in_progress_lease ON tasks (lease_expires_at) WHERE status = 'In Progress';
CREATE INDEX tasks_in_progress_by_owner ON tasks (user_id) WHERE status = 'In Progress' AND NOT is_orchestrator;
CREATE INDEX tasks_in_progress_by_worker ON tasks (worker_id) WHERE status = 'In Progress';
CREATE INDEX tasks_project_newest_first ON tasks (project_id, created_at DESC, id DESC);
CREATE INDEX tasks_user_newest_first ON tasks (user_id, created_at DESC, id DESC);
CREATE INDEX tasks_by_parent ON tasks (parent_task_id) WHERE parent_task_id IS NOT NULL;
CREATE INDEX tasks_dependants ON tasks USING gin (dependant_on) WHERE status = 'Queued';

-- The state machine, in the database as well as in the service: terminal states never change.
CREATE FUNCTION reigh_guard_task_transition() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF OLD.status IS DISTINCT FROM NEW.status AND NOT (
         (OLD.status = 'Queued' AND NEW.status IN ('In Progress', 'Cancelled', 'Failed'))
      OR (OLD.status = 'In Progress' AND NEW.status IN ('Complete', 'Failed', 'Cancelled', 'Queued'))) THEN
      RAISE check_violation USING
        MESSAGE = format('task %s: %s -> %s is not allowed', OLD.id, OLD.status, NEW.status),
        CONSTRAINT = 'tasks_valid_transition';
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
  END $$;
CREATE TRIGGER tasks_valid_transition BEFORE UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION reigh_guard_task_transition();

-- Fewer than 5 non-orchestrator tasks In Progress per owner, whatever the number of concurrent
-- claimers: one claimer at a time may start an owner's tasks (a transaction-scoped advisory lock;
-- another claimer skips that owner's rows rather than wait, like SKIP LOCKED, so two claimers can
-- never deadlock on two owners), the count is read after the lock (a fresh snapshot, since this
-- function is volatile), and a row over the cap is skipped (RETURN NULL): the claim statement
-- simply returns fewer tasks.
CREATE FUNCTION reigh_cap_owner_in_progress() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    in_progress integer;
  BEGIN
    IF NEW.status = 'In Progress' AND OLD.status = 'Queued' AND NOT NEW.is_orchestrator THEN
      IF NOT pg_try_advisory_xact_lock(hashtextextended('reigh.owner-cap:' || NEW.user_id::text, 0)) THEN
        RETURN NULL;
      END IF;
      SELECT count(*) INTO in_progress FROM tasks
        WHERE user_id = NEW.user_id AND status = 'In Progress' AND NOT is_orchestrator;
      IF in_progress >= 5 THEN
        RETURN NULL;
      END IF;
    END IF;
    RETURN NEW;
  END $$;
CREATE TRIGGER tasks_owner_in_progress_cap BEFORE UPDATE OF status ON tasks
  FOR EACH ROW EXECUTE FUNCTION reigh_cap_owner_in_progress();

CREATE TABLE workers (
  id             text PRIMARY KEY CHECK (char_length(id) BETWEEN 1 AND 128),
  -- The owner of a local worker (personal access token); NULL for cloud workers.
  user_id        uuid REFERENCES users (id) ON DELETE CASCADE,
  status         text NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'inactive', 'crashed', 'spawning', 'terminating', 'terminated')),
  instance_type  text CHECK (char_length(instance_type) <= 100),
  current_model  text CHECK (char_length(current_model) <= 200),
  vram_total_mb  integer CHECK (vram_total_mb >= 0),
  vram_used_mb   integer CHECK (vram_used_mb >= 0),
  last_heartbeat timestamptz NOT NULL DEFAULT now(),
  metadata       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workers_active_by_heartbeat ON workers (last_heartbeat) WHERE status = 'active';
CREATE TRIGGER workers_touch BEFORE UPDATE ON workers FOR EACH ROW EXECUTE FUNCTION reigh_touch_updated_at();

-- The completion pipeline: written in the transaction that completes the task, delivered by the
-- relay (at least once) to receivers that are idempotent on task_id (exactly-once effects).
-- No foreign key to tasks: a charge must survive the deletion of its task's project.
CREATE TABLE task_outbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_id         uuid NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('generation', 'charge')),
  payload         jsonb NOT NULL,
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  CONSTRAINT task_outbox_one_per_kind UNIQUE (task_id, kind)
);
CREATE INDEX task_outbox_due ON task_outbox (next_attempt_at, id) WHERE delivered_at IS NULL;

-- The realtime feed: one row per change of a project's tasks, generations and shot links, written
-- by statement-level triggers (one NOTIFY per statement, never per row), read by every replica.
CREATE TABLE realtime_events (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id uuid NOT NULL,
  event      text NOT NULL,
  table_name text NOT NULL,
  op         text NOT NULL CHECK (op IN ('INSERT', 'UPDATE', 'DELETE')),
  row_id     uuid NOT NULL,
  status     text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX realtime_events_by_project ON realtime_events (project_id, id);
CREATE INDEX realtime_events_by_age ON realtime_events (created_at);

ALTER TABLE realtime_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE realtime_events FORCE ROW LEVEL SECURITY;
CREATE POLICY realtime_events_own ON realtime_events
  USING (reigh_acts_for_all() OR EXISTS (
    SELECT 1 FROM projects p WHERE p.id = realtime_events.project_id AND p.user_id = reigh_acting_user()))
  WITH CHECK (true);

CREATE FUNCTION reigh_publish_task_events() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    published integer;
  BEGIN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id, status)
        SELECT n.project_id, 'task.created', 'tasks', 'INSERT', n.id, n.status FROM new_rows n;
      GET DIAGNOSTICS published = ROW_COUNT;
      -- New work: wake parked claimers (one signal per statement, whatever the batch size).
      PERFORM pg_notify('reigh_task_ready', '');
    ELSE
      -- Only status changes are events; lease renewals and the like are not.
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id, status)
        SELECT n.project_id, 'task.updated', 'tasks', 'UPDATE', n.id, n.status
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE o.status IS DISTINCT FROM n.status;
      GET DIAGNOSTICS published = ROW_COUNT;
      -- A requeue or a completion (which may unblock dependants) makes work claimable.
      IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
                 WHERE n.status IN ('Queued', 'Complete') AND o.status IS DISTINCT FROM n.status) THEN
        PERFORM pg_notify('reigh_task_ready', '');
      END IF;
    END IF;
    IF published > 0 THEN
      PERFORM pg_notify('reigh_events', '');
    END IF;
    RETURN NULL;
  END $$;
CREATE TRIGGER tasks_publish_inserts AFTER INSERT ON tasks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reigh_publish_task_events();
CREATE TRIGGER tasks_publish_updates AFTER UPDATE ON tasks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reigh_publish_task_events();

CREATE FUNCTION reigh_publish_generation_events() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id)
        SELECT project_id, 'generation.created', 'generations', 'INSERT', id FROM new_rows;
    ELSIF TG_OP = 'UPDATE' THEN
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id)
        SELECT project_id, 'generation.updated', 'generations', 'UPDATE', id FROM new_rows;
    ELSE
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id)
        SELECT project_id, 'generation.deleted', 'generations', 'DELETE', id FROM old_rows;
    END IF;
    PERFORM pg_notify('reigh_events', '');
    RETURN NULL;
  END $$;
CREATE TRIGGER generations_publish_inserts AFTER INSERT ON generations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reigh_publish_generation_events();
CREATE TRIGGER generations_publish_updates AFTER UPDATE ON generations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reigh_publish_generation_events();
CREATE TRIGGER generations_publish_deletes AFTER DELETE ON generations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reigh_publish_generation_events();

-- Shot links carry no project id; it is the shot's. A link deleted with its project (cascade) has no
-- shot left to ask, and its project's deletion is the event that matters, so it is not published.
CREATE FUNCTION reigh_publish_shot_generation_events() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id)
        SELECT s.project_id, 'shot_generation.created', 'shot_generations', 'INSERT', n.id
        FROM new_rows n JOIN shots s ON s.id = n.shot_id;
    ELSIF TG_OP = 'UPDATE' THEN
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id)
        SELECT s.project_id, 'shot_generation.updated', 'shot_generations', 'UPDATE', n.id
        FROM new_rows n JOIN shots s ON s.id = n.shot_id;
    ELSE
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id)
        SELECT s.project_id, 'shot_generation.deleted', 'shot_generations', 'DELETE', o.id
        FROM old_rows o JOIN shots s ON s.id = o.shot_id;
    END IF;
    PERFORM pg_notify('reigh_events', '');
    RETURN NULL;
  END $$;
CREATE TRIGGER shot_generations_publish_inserts AFTER INSERT ON shot_generations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reigh_publish_shot_generation_events();
CREATE TRIGGER shot_generations_publish_updates AFTER UPDATE ON shot_generations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reigh_publish_shot_generation_events();
CREATE TRIGGER shot_generations_publish_deletes AFTER DELETE ON shot_generations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reigh_publish_shot_generation_events();

-- A queue table lives on churn: vacuum it early and without throttling (see docs/performance.md).
ALTER TABLE tasks SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
  autovacuum_vacuum_cost_delay = 0, autovacuum_analyze_scale_factor = 0.02, fillfactor = 90);
ALTER TABLE task_outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
  autovacuum_vacuum_cost_delay = 0);

ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY tasks_own ON tasks
  USING (reigh_acts_for_all() OR user_id = reigh_acting_user())
  WITH CHECK (reigh_acts_for_all() OR user_id = reigh_acting_user());

REVOKE ALL ON FUNCTION reigh_guard_task_transition(), reigh_cap_owner_in_progress(), reigh_publish_task_events(),
  reigh_publish_generation_events(), reigh_publish_shot_generation_events() FROM PUBLIC;

GRANT SELECT, INSERT, UPDATE, DELETE ON tasks, workers, task_outbox TO reigh_tasks;
GRANT SELECT, DELETE ON realtime_events TO reigh_tasks;
-- Reads across owners, explicit: what is claimable depends on the owner's credits and settings,
-- the project's owner, and the task type's registry entry.
GRANT SELECT (id, total_credits, settings) ON users TO reigh_tasks;
GRANT SELECT (id, user_id) ON projects TO reigh_tasks;
GRANT SELECT ON task_cost_configs TO reigh_tasks;
-- credits-service prices an orchestrator by the seconds of its sub-tasks.
GRANT SELECT (id, user_id, task_type, status, parent_task_id, generation_started_at, generation_processed_at)
  ON tasks TO reigh_credits;
