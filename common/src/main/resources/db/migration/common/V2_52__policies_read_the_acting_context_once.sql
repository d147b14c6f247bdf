-- Row-level security reads the acting context once per statement, not once per row.
--
-- reigh_acts_for_all() and reigh_acting_user() are SQL functions that PostgreSQL inlines into the
-- policy: written bare, every row a statement reads paid a current_setting() lookup (two for a user):
-- half of a large scan (a user's count over a million own tasks: 330-450 ms, 165-175 ms in this form;
-- docs/performance.md). Wrapped in a sub-select,
-- each becomes an init plan, evaluated once when the statement starts, and the rows compare against
-- its result. The meaning is the same: the context is set before a statement by common's Db and never
-- changes while one runs (only migrations set it otherwise). The EXISTS policies compare the projects'
-- (or the training videos') owner against the same once-read value.
--
-- ALTER POLICY takes each table's exclusive lock for a moment; no row changes. A lock that cannot be had
-- within 5 s (a long transaction on the table) fails the migration, to be run again, rather than queue
-- every request to the table behind it while it waits.
SET LOCAL lock_timeout = '5s';

-- Owned through a user_id (or owner_id) column.
ALTER POLICY users_own ON users
  USING ((SELECT reigh_acts_for_all()) OR id = (SELECT reigh_acting_user()))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR id = (SELECT reigh_acting_user()));
ALTER POLICY projects_own ON projects
  USING ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()));
ALTER POLICY training_data_batches_own ON training_data_batches
  USING ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()));
ALTER POLICY training_data_own ON training_data
  USING ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()));
ALTER POLICY personal_access_tokens_own ON personal_access_tokens
  USING ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()));
ALTER POLICY user_api_keys_own ON user_api_keys
  USING ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()));
ALTER POLICY tasks_own ON tasks
  USING ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()));
ALTER POLICY storage_objects_own ON storage_objects
  USING ((SELECT reigh_acts_for_all()) OR owner_id = (SELECT reigh_acting_user()))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR owner_id = (SELECT reigh_acting_user()));
ALTER POLICY credits_checkout_sessions_own ON credits_checkout_sessions
  USING ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()));
ALTER POLICY credits_auto_top_ups_own ON credits_auto_top_ups
  USING ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()));
ALTER POLICY credits_auto_top_up_charges_own ON credits_auto_top_up_charges
  USING ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()));
ALTER POLICY credits_ledger_read_own ON credits_ledger
  USING ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()));
ALTER POLICY credits_ledger_insert ON credits_ledger
  WITH CHECK ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()));

-- Resources: public ones readable by every signed-in user, writes the owner's only.
ALTER POLICY resources_read ON resources
  USING ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user())
         OR (is_public AND (SELECT reigh_acting_user()) IS NOT NULL));
ALTER POLICY resources_insert ON resources
  WITH CHECK ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()));
ALTER POLICY resources_update ON resources
  USING ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()));
ALTER POLICY resources_delete ON resources
  USING ((SELECT reigh_acts_for_all()) OR user_id = (SELECT reigh_acting_user()));

-- Owned through the project (or the training video) a row belongs to.
ALTER POLICY shots_own ON shots
  USING ((SELECT reigh_acts_for_all()) OR EXISTS (
    SELECT 1 FROM projects p WHERE p.id = shots.project_id AND p.user_id = (SELECT reigh_acting_user())))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR EXISTS (
    SELECT 1 FROM projects p WHERE p.id = shots.project_id AND p.user_id = (SELECT reigh_acting_user())));
ALTER POLICY generations_own ON generations
  USING ((SELECT reigh_acts_for_all()) OR EXISTS (
    SELECT 1 FROM projects p WHERE p.id = generations.project_id AND p.user_id = (SELECT reigh_acting_user())))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR EXISTS (
    SELECT 1 FROM projects p WHERE p.id = generations.project_id AND p.user_id = (SELECT reigh_acting_user())));
ALTER POLICY generation_variants_own ON generation_variants
  USING ((SELECT reigh_acts_for_all()) OR EXISTS (
    SELECT 1 FROM projects p WHERE p.id = generation_variants.project_id AND p.user_id = (SELECT reigh_acting_user())))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR EXISTS (
    SELECT 1 FROM projects p WHERE p.id = generation_variants.project_id AND p.user_id = (SELECT reigh_acting_user())));
ALTER POLICY shot_generations_own ON shot_generations
  USING ((SELECT reigh_acts_for_all()) OR EXISTS (
    SELECT 1 FROM shots s JOIN projects p ON p.id = s.project_id
    WHERE s.id = shot_generations.shot_id AND p.user_id = (SELECT reigh_acting_user())))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR EXISTS (
    SELECT 1 FROM shots s JOIN projects p ON p.id = s.project_id
    WHERE s.id = shot_generations.shot_id AND p.user_id = (SELECT reigh_acting_user())));
ALTER POLICY training_data_segments_own ON training_data_segments
  USING ((SELECT reigh_acts_for_all()) OR EXISTS (
    SELECT 1 FROM training_data v
    WHERE v.id = training_data_segments.training_data_id AND v.user_id = (SELECT reigh_acting_user())))
  WITH CHECK ((SELECT reigh_acts_for_all()) OR EXISTS (
    SELECT 1 FROM training_data v
    WHERE v.id = training_data_segments.training_data_id AND v.user_id = (SELECT reigh_acting_user())));
ALTER POLICY realtime_events_own ON realtime_events
  USING ((SELECT reigh_acts_for_all()) OR EXISTS (
    SELECT 1 FROM projects p WHERE p.id = realtime_events.project_id AND p.user_id = (SELECT reigh_acting_user())));

-- Operators only.
ALTER POLICY task_history_operators ON task_history
  USING ((SELECT reigh_acts_for_all()));
