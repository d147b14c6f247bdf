-- The web app's task pane counts, per project, what finished in the last hour (Complete by
-- generation_processed_at; Failed and Cancelled by updated_at) besides what is still running. These
-- partial indexes cover terminal rows only: a task enters one once, when it finishes, and is never
-- updated afterwards (terminal states do not change), so the hot path's updates (claims, heartbeats,
-- lease renewals) never touch them.
CREATE INDEX tasks_project_completed_by_processing ON tasks (project_id, generation_processed_at DESC, id DESC)
  WHERE status = 'Complete';
CREATE INDEX tasks_project_failed_by_update ON tasks (project_id, updated_at)
  WHERE status IN ('Failed', 'Cancelled');
