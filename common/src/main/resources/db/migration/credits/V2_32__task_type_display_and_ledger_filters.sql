-- credits-service: what the web app shows of a task type, and the ledger page's filter.

-- The registry of task types is also what the web app lists (its task_types table): the tool a type
-- belongs to, whether the task pane shows it, and whether its tasks report progress (orchestrators
-- whose sub-tasks can be counted). None of these prices anything, so the versions table (pricing
-- history) does not record them.
ALTER TABLE task_cost_configs
  ADD COLUMN tool_type text CHECK (tool_type ~ '^[a-z0-9][a-z0-9_.-]{0,99}$'),
  ADD COLUMN is_visible boolean NOT NULL DEFAULT true,
  ADD COLUMN supports_progress boolean NOT NULL DEFAULT false;

-- The seed's types, as the web app groups them. Sub-task types are not shown in the task pane (their
-- orchestrator is); orchestrators report progress. Display fields are not pricing: this backfill must
-- not make new pricing versions, so the versioning triggers are off for this one statement.
ALTER TABLE task_cost_configs DISABLE TRIGGER task_cost_configs_version;
ALTER TABLE task_cost_configs DISABLE TRIGGER task_cost_configs_history;
UPDATE task_cost_configs SET tool_type = v.tool_type, is_visible = v.is_visible, supports_progress = v.supports_progress
FROM (VALUES
  ('single_image',            'image-generation',      true,  false),
  ('qwen_image',              'image-generation',      true,  false),
  ('z_image_turbo',           'image-generation',      true,  false),
  ('image_edit',              'edit-images',           true,  false),
  ('image_upscale',           'edit-images',           true,  false),
  ('wan_2_2_i2v',             'travel-between-images', true,  false),
  ('travel_orchestrator',     'travel-between-images', true,  true),
  ('travel_segment',          'travel-between-images', false, false),
  ('travel_stitch',           'travel-between-images', false, false),
  ('join_clips_orchestrator', 'join-clips',            true,  true),
  ('edit_video_orchestrator', 'edit-video',            true,  true),
  ('join_clips_segment',      'join-clips',            false, false),
  ('join_final_stitch',       'join-clips',            false, false),
  ('lora_training',           'training-data-helper',  true,  false)
) AS v(task_type, tool_type, is_visible, supports_progress)
WHERE task_cost_configs.task_type = v.task_type;
ALTER TABLE task_cost_configs ENABLE TRIGGER task_cost_configs_version;
ALTER TABLE task_cost_configs ENABLE TRIGGER task_cost_configs_history;

-- The ledger page lists every entry but spends (top-ups, grants, refunds): few rows among many spends,
-- read newest first through this partial index instead of skipping spends one by one.
CREATE INDEX credits_ledger_user_non_spend_newest_first ON credits_ledger (user_id, created_at DESC, id DESC)
  WHERE type <> 'spend';
