-- tasks-service: what the deployed GPU fleet's protocol needs of the queue (docs/worker-compat.md).
--
-- An orchestrator waiting for its children. The fleet's orchestrators create their children, report
-- "orchestrating" and go back to polling; the platform completes the orchestrator when its last child
-- completes (or fails it when a child ends badly). While it waits it stays In Progress, but no worker
-- holds it: no lease that could expire (the reaper leaves it alone, so it burns no attempt), no worker
-- whose crash would hand it back. awaiting_children_since marks that state; it stays on the row after
-- the orchestrator ended, as a record of when it started waiting.
ALTER TABLE tasks ADD COLUMN awaiting_children_since timestamptz;
COMMENT ON COLUMN tasks.awaiting_children_since IS
  'Set when an orchestrator In Progress was handed to the platform to wait for its children (no lease, no worker).';

-- In Progress means held by a worker under a lease, or (orchestrators only) waiting for children with neither.
ALTER TABLE tasks DROP CONSTRAINT tasks_in_progress_has_lease;
ALTER TABLE tasks ADD CONSTRAINT tasks_in_progress_has_lease CHECK (
  status <> 'In Progress'
  OR (awaiting_children_since IS NULL AND lease_token IS NOT NULL AND lease_expires_at IS NOT NULL)
  OR (awaiting_children_since IS NOT NULL AND is_orchestrator AND lease_token IS NULL AND lease_expires_at IS NULL
      AND worker_id IS NULL));

-- The reaper's backstop finds waiting orchestrators whose children have all ended.
CREATE INDEX tasks_awaiting_children ON tasks (awaiting_children_since)
  WHERE status = 'In Progress' AND awaiting_children_since IS NOT NULL;

-- get-completed-segments: a run's Complete segments by the run id the fleet puts in their params,
-- without reading every task.
CREATE INDEX tasks_complete_segments_by_run
  ON tasks ((coalesce(params ->> 'orchestrator_run_id', params #>> '{orchestration_contract,run_id}')))
  WHERE task_type = 'travel_segment' AND status = 'Complete';
