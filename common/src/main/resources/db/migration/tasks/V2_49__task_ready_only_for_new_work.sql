-- tasks-service: NOTIFY out of the per-task transactions (docs/performance.md, round 2).
--
-- In PostgreSQL 15 a transaction that has called pg_notify takes one database-wide lock at commit and
-- holds it until the commit is flushed, so the commits of notifying transactions queue behind each
-- other and group commit is lost. The task trigger notified on every claim and every completion;
-- measured on this machine, dropping those notifies raised claim→complete from 155/214/309 to
-- 236/404/430 tasks/s at 4/16/64 workers. Now:
--   * reigh_events is no longer sent (here, nor by the generation, variant and shot link triggers,
--     V2_50): tasks-service's realtime feed reads realtime_events on a short timer while anyone is
--     subscribed, one indexed read per interval per replica.
--   * reigh_task_ready is sent only for new work: tasks inserted, a task queued again. A claim, a
--     start, a completion, a failure send nothing. Claimers parked with no work are also woken by a
--     poll tick (1 s), which is how a task whose dependency completed reaches a parked claimer.
-- A replica of the previous release, during the rollout, hears no reigh_events: its feed falls back to
-- its 2 s poll until it is replaced.
CREATE OR REPLACE FUNCTION reigh_publish_task_events() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id, status)
        SELECT n.project_id, 'task.created', 'tasks', 'INSERT', n.id, n.status FROM new_rows n;
      -- New work: wake parked claimers (one signal per statement, whatever the batch size).
      PERFORM pg_notify('reigh_task_ready', '');
    ELSE
      -- Only status changes are events; lease renewals and the like are not.
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id, status)
        SELECT n.project_id, 'task.updated', 'tasks', 'UPDATE', n.id, n.status
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE o.status IS DISTINCT FROM n.status;
      -- A requeue makes work claimable again. (A completion may too, for a task that depends on it, but
      -- finding one costs more than the signal saves: the GIN index cannot serve a query under the
      -- tasks' row-level security, so it walks the queue, 100 ms at 200k queued. The completing worker
      -- claims again at once, and a parked claimer finds the dependant at its next poll tick.)
      IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
                 WHERE n.status = 'Queued' AND o.status IS DISTINCT FROM n.status) THEN
        PERFORM pg_notify('reigh_task_ready', '');
      END IF;
    END IF;
    RETURN NULL;
  END $$;
