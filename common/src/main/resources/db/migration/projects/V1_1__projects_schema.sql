-- projects-service owns: users, projects, shots, generations, shot_generations, resources,
-- training_data_batches, training_data, training_data_segments, personal_access_tokens, and its own
-- delivery queue storage_deletion_outbox. Column names follow the seed (Supabase) schema.

CREATE TABLE users (
  id            uuid PRIMARY KEY,
  name          text CHECK (char_length(name) <= 200),
  email         text CHECK (char_length(email) <= 320),
  api_keys      jsonb,
  settings      jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
  -- Moved only by the credits_ledger trigger (credits folder), by + amount, never written directly.
  total_credits numeric(12,3) NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projects (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  aspect_ratio text CHECK (char_length(aspect_ratio) <= 20),
  settings     jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX projects_user_newest_first ON projects (user_id, created_at DESC, id DESC);

CREATE TABLE shots (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  "order"    integer NOT NULL CHECK ("order" >= 0),
  settings   jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Deferred so that a reorder can renumber every shot in one transaction.
  CONSTRAINT shots_unique_order_per_project UNIQUE (project_id, "order") DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE generations (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id    uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  -- The task that produced it (NULL for user uploads). No foreign key: tasks belong to tasks-service.
  task_id       uuid,
  type          text NOT NULL CHECK (type IN ('image', 'video')),
  url           text NOT NULL CHECK (char_length(url) <= 2048),
  thumbnail_url text CHECK (char_length(thumbnail_url) <= 2048),
  -- The storage object behind url, when the platform stores it (deleted with the project).
  object_id     uuid,
  metadata      jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
  name          text CHECK (char_length(name) <= 200),
  starred       boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
-- One generation per task: the completion pipeline delivers at least once, this makes it exactly once.
CREATE UNIQUE INDEX generations_one_per_task ON generations (task_id) WHERE task_id IS NOT NULL;
CREATE INDEX generations_project_newest_first ON generations (project_id, created_at DESC, id DESC);
CREATE INDEX generations_project_type_newest_first ON generations (project_id, type, created_at DESC, id DESC);
CREATE INDEX generations_project_starred ON generations (project_id, created_at DESC, id DESC) WHERE starred;

CREATE TABLE shot_generations (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  shot_id       uuid NOT NULL REFERENCES shots (id) ON DELETE CASCADE,
  generation_id uuid NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
  -- NULL: associated with the shot but not shown in the shot editor (the seed's semantics).
  position      integer CHECK (position >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX shot_generations_unique_position ON shot_generations (shot_id, position) WHERE position IS NOT NULL;
CREATE INDEX shot_generations_by_shot ON shot_generations (shot_id, created_at, id);
CREATE INDEX shot_generations_by_generation ON shot_generations (generation_id);

CREATE TABLE resources (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type       text NOT NULL CHECK (char_length(type) BETWEEN 1 AND 50),
  name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  url        text CHECK (char_length(url) <= 2048),
  object_id  uuid,
  metadata   jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
  is_public  boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resources_user_newest_first ON resources (user_id, created_at DESC, id DESC);
CREATE INDEX resources_public_newest_first ON resources (created_at DESC, id DESC) WHERE is_public;

CREATE TABLE training_data_batches (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  metadata   jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX training_data_batches_user_newest_first ON training_data_batches (user_id, created_at DESC, id DESC);

-- A training video. API names: filename = original_filename, url = storage_location.
CREATE TABLE training_data (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  batch_id          uuid NOT NULL REFERENCES training_data_batches (id) ON DELETE CASCADE,
  original_filename text NOT NULL CHECK (char_length(original_filename) BETWEEN 1 AND 255),
  storage_location  text NOT NULL,
  object_id         uuid NOT NULL,
  duration          integer CHECK (duration >= 0),
  metadata          jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX training_data_by_batch ON training_data (batch_id, created_at DESC, id DESC);
CREATE INDEX training_data_by_user ON training_data (user_id);

-- API name: video_id = training_data_id. Seconds, millisecond precision.
CREATE TABLE training_data_segments (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  training_data_id uuid NOT NULL REFERENCES training_data (id) ON DELETE CASCADE,
  start_time       numeric(10,3) NOT NULL,
  end_time         numeric(10,3) NOT NULL,
  segment_location text,
  description      text,
  metadata         jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT training_data_segments_valid_range CHECK (start_time >= 0 AND start_time < end_time)
);
CREATE INDEX training_data_segments_by_video ON training_data_segments (training_data_id, start_time);

-- Personal access tokens for local workers: only a SHA-256 of the secret is stored.
CREATE TABLE personal_access_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  token_hash   text NOT NULL UNIQUE,
  -- The first characters of the secret, so a user can tell tokens apart in a list.
  token_prefix text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  expires_at   timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX personal_access_tokens_by_user ON personal_access_tokens (user_id, created_at DESC, id DESC);

-- Objects to delete from storage after a project (or generation) delete: delivered to storage-service
-- by a relay, retried until acknowledged, so that a delete never waits on (or fails with) storage.
CREATE TABLE storage_deletion_outbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  object_id       uuid NOT NULL,
  reason          text NOT NULL,
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz
);
CREATE INDEX storage_deletion_outbox_due ON storage_deletion_outbox (next_attempt_at) WHERE delivered_at IS NULL;

CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION reigh_touch_updated_at();
CREATE TRIGGER projects_touch BEFORE UPDATE ON projects FOR EACH ROW EXECUTE FUNCTION reigh_touch_updated_at();
CREATE TRIGGER shots_touch BEFORE UPDATE ON shots FOR EACH ROW EXECUTE FUNCTION reigh_touch_updated_at();
CREATE TRIGGER generations_touch BEFORE UPDATE ON generations FOR EACH ROW EXECUTE FUNCTION reigh_touch_updated_at();
CREATE TRIGGER shot_generations_touch BEFORE UPDATE ON shot_generations FOR EACH ROW EXECUTE FUNCTION reigh_touch_updated_at();
CREATE TRIGGER resources_touch BEFORE UPDATE ON resources FOR EACH ROW EXECUTE FUNCTION reigh_touch_updated_at();
CREATE TRIGGER training_data_batches_touch BEFORE UPDATE ON training_data_batches FOR EACH ROW EXECUTE FUNCTION reigh_touch_updated_at();
CREATE TRIGGER training_data_touch BEFORE UPDATE ON training_data FOR EACH ROW EXECUTE FUNCTION reigh_touch_updated_at();
CREATE TRIGGER training_data_segments_touch BEFORE UPDATE ON training_data_segments FOR EACH ROW EXECUTE FUNCTION reigh_touch_updated_at();

-- Row-level security, as in the seed: forced (applies to the owner too), own rows only, fail closed.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_own ON users
  USING (reigh_acts_for_all() OR id = reigh_acting_user())
  WITH CHECK (reigh_acts_for_all() OR id = reigh_acting_user());

ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
CREATE POLICY projects_own ON projects
  USING (reigh_acts_for_all() OR user_id = reigh_acting_user())
  WITH CHECK (reigh_acts_for_all() OR user_id = reigh_acting_user());

ALTER TABLE shots ENABLE ROW LEVEL SECURITY;
ALTER TABLE shots FORCE ROW LEVEL SECURITY;
CREATE POLICY shots_own ON shots
  USING (reigh_acts_for_all() OR EXISTS (
    SELECT 1 FROM projects p WHERE p.id = shots.project_id AND p.user_id = reigh_acting_user()))
  WITH CHECK (reigh_acts_for_all() OR EXISTS (
    SELECT 1 FROM projects p WHERE p.id = shots.project_id AND p.user_id = reigh_acting_user()));

ALTER TABLE generations ENABLE ROW LEVEL SECURITY;
ALTER TABLE generations FORCE ROW LEVEL SECURITY;
CREATE POLICY generations_own ON generations
  USING (reigh_acts_for_all() OR EXISTS (
    SELECT 1 FROM projects p WHERE p.id = generations.project_id AND p.user_id = reigh_acting_user()))
  WITH CHECK (reigh_acts_for_all() OR EXISTS (
    SELECT 1 FROM projects p WHERE p.id = generations.project_id AND p.user_id = reigh_acting_user()));

ALTER TABLE shot_generations ENABLE ROW LEVEL SECURITY;
ALTER TABLE shot_generations FORCE ROW LEVEL SECURITY;
CREATE POLICY shot_generations_own ON shot_generations
  USING (reigh_acts_for_all() OR EXISTS (
    SELECT 1 FROM shots s JOIN projects p ON p.id = s.project_id
    WHERE s.id = shot_generations.shot_id AND p.user_id = reigh_acting_user()))
  WITH CHECK (reigh_acts_for_all() OR EXISTS (
    SELECT 1 FROM shots s JOIN projects p ON p.id = s.project_id
    WHERE s.id = shot_generations.shot_id AND p.user_id = reigh_acting_user()));

-- Resources: public ones are readable by every signed-in user; writes are the owner's only.
ALTER TABLE resources ENABLE ROW LEVEL SECURITY;
ALTER TABLE resources FORCE ROW LEVEL SECURITY;
CREATE POLICY resources_read ON resources FOR SELECT
  USING (reigh_acts_for_all() OR user_id = reigh_acting_user() OR (is_public AND reigh_acting_user() IS NOT NULL));
CREATE POLICY resources_insert ON resources FOR INSERT
  WITH CHECK (reigh_acts_for_all() OR user_id = reigh_acting_user());
CREATE POLICY resources_update ON resources FOR UPDATE
  USING (reigh_acts_for_all() OR user_id = reigh_acting_user())
  WITH CHECK (reigh_acts_for_all() OR user_id = reigh_acting_user());
CREATE POLICY resources_delete ON resources FOR DELETE
  USING (reigh_acts_for_all() OR user_id = reigh_acting_user());

ALTER TABLE training_data_batches ENABLE ROW LEVEL SECURITY;
ALTER TABLE training_data_batches FORCE ROW LEVEL SECURITY;
CREATE POLICY training_data_batches_own ON training_data_batches
  USING (reigh_acts_for_all() OR user_id = reigh_acting_user())
  WITH CHECK (reigh_acts_for_all() OR user_id = reigh_acting_user());

ALTER TABLE training_data ENABLE ROW LEVEL SECURITY;
ALTER TABLE training_data FORCE ROW LEVEL SECURITY;
CREATE POLICY training_data_own ON training_data
  USING (reigh_acts_for_all() OR user_id = reigh_acting_user())
  WITH CHECK (reigh_acts_for_all() OR user_id = reigh_acting_user());

ALTER TABLE training_data_segments ENABLE ROW LEVEL SECURITY;
ALTER TABLE training_data_segments FORCE ROW LEVEL SECURITY;
CREATE POLICY training_data_segments_own ON training_data_segments
  USING (reigh_acts_for_all() OR EXISTS (
    SELECT 1 FROM training_data v WHERE v.id = training_data_segments.training_data_id AND v.user_id = reigh_acting_user()))
  WITH CHECK (reigh_acts_for_all() OR EXISTS (
    SELECT 1 FROM training_data v WHERE v.id = training_data_segments.training_data_id AND v.user_id = reigh_acting_user()));

ALTER TABLE personal_access_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE personal_access_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY personal_access_tokens_own ON personal_access_tokens
  USING (reigh_acts_for_all() OR user_id = reigh_acting_user())
  WITH CHECK (reigh_acts_for_all() OR user_id = reigh_acting_user());

-- Provisioning: any service may make sure the acting user's row exists (first call with a new
-- token). The definer owns users; the row-level policy still requires the id to be the acting user's.
CREATE FUNCTION reigh_ensure_user(p_id uuid, p_email text) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public
  AS $$ INSERT INTO users (id, email) VALUES (p_id, p_email) ON CONFLICT (id) DO NOTHING $$;

-- PAT authentication for tasks-service and storage-service: returns the owner of a live token and
-- records its use (at most once a minute, so a busy worker does not write on every call).
CREATE FUNCTION reigh_authenticate_pat(p_token_hash text) RETURNS uuid
  LANGUAGE sql SECURITY DEFINER SET search_path = public
  AS $$
    WITH live AS (
      SELECT id, user_id, last_used_at FROM personal_access_tokens
      WHERE token_hash = p_token_hash AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
    ), touched AS (
      UPDATE personal_access_tokens t SET last_used_at = now()
      FROM live WHERE t.id = live.id AND (live.last_used_at IS NULL OR live.last_used_at < now() - interval '1 minute')
    )
    SELECT user_id FROM live
  $$;

REVOKE ALL ON FUNCTION reigh_ensure_user(uuid, text), reigh_authenticate_pat(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reigh_ensure_user(uuid, text) TO reigh_projects, reigh_tasks, reigh_credits, reigh_storage;
GRANT EXECUTE ON FUNCTION reigh_authenticate_pat(text) TO reigh_tasks, reigh_storage;

-- Ownership: projects-service writes its tables; users.total_credits is not among its columns.
GRANT SELECT, DELETE ON users TO reigh_projects;
GRANT INSERT (id, name, email, settings) ON users TO reigh_projects;
GRANT UPDATE (name, settings) ON users TO reigh_projects;
GRANT SELECT, INSERT, UPDATE, DELETE ON projects, shots, generations, shot_generations, resources,
  training_data_batches, training_data, training_data_segments, personal_access_tokens,
  storage_deletion_outbox TO reigh_projects;
