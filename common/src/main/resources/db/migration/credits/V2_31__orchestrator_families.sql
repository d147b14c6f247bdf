-- The task types the deployed GPU worker's orchestrators spawn, so that tasks-service's families
-- (reigh.tasks.families, security review finding 1) name only registered types:
--   travel_orchestrator     -> travel_segment, travel_stitch, join_clips_orchestrator
--   join_clips_orchestrator -> join_clips_segment, join_final_stitch
--   edit_video_orchestrator -> join_clips_segment, join_final_stitch
-- Every Complete task of a non-orchestration type is charged on its own; an orchestrator's own time is
-- not billed (it waits on its children), so the orchestrators' per_second rate prices nothing today and
-- is recorded only as the standard GPU rate, like travel_orchestrator's.
--
-- Versions are recorded as for every config: the AFTER INSERT trigger (V1_3) writes version 1 with
-- valid_from = updated_at (the migration's transaction time). A type an operator already created through
-- the admin API is left exactly as it is (its own versions stand).
INSERT INTO task_cost_configs (task_type, billing_type, base_cost_per_second, unit_cost, cost_factors, run_type, category, content_type, display_name) VALUES
  ('join_clips_orchestrator', 'per_second', 0.0278, 0, '{}', 'gpu', 'orchestration', 'video', 'Join clips orchestrator'),
  ('edit_video_orchestrator', 'per_second', 0.0278, 0, '{}', 'gpu', 'orchestration', 'video', 'Edit video orchestrator'),
  ('join_clips_segment',      'per_second', 0.0278, 0, '{}', 'gpu', 'generation',    'video', 'Join clips segment')
ON CONFLICT (task_type) DO NOTHING;

-- A charge is now checked against its own task's row only (id, user_id, task_type, status, and
-- parent_task_id for the spend's metadata): credits no longer prices an orchestrator by its sub-tasks'
-- timings, so it no longer reads them (V1_4 granted them for that).
REVOKE SELECT (generation_started_at, generation_processed_at) ON tasks FROM reigh_credits;
