-- The web app's media model, generations half (projects-service owns both tables):
--
--  * generations gain the columns the app reads and writes: params (the inputs that made it),
--    a nullable url (a placeholder whose media comes later), lineage (based_on), parent/child
--    segments (parent_generation_id, is_child, child_order, pair_shot_generation_id), the producing
--    task ids (tasks, the app's name; task_id stays the task that created the row and is always in
--    it) and primary_variant_id;
--  * generation_variants: alternative outputs of a generation (original, upscaled, edits, trims...).
--    Exactly one is primary whenever a generation has any, and the generation's url and
--    thumbnail_url are then the primary's: the database refuses any commit where that is not so.
--
-- Existing rows keep working: every generation with a url gets its 'original' variant (primary,
-- carrying its url, thumbnail, object and producing task), the params of task-made generations
-- are their task's params (until now kept in metadata, which keeps them too), and tasks = {task_id}.

-- Row-level security is forced on these tables for their owner too: the backfill acts for the
-- platform, for this transaction only (as every service transaction states who acts).
SELECT set_config('reigh.role', 'service', true);

-- Text search over prompts: trigram indexes make ILIKE '%words%' an index scan. pg_trgm ships with
-- PostgreSQL (Debian's postgresql-15, CloudNativePG's images) and is a trusted extension: the
-- database owner (the schema owner here) may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- ---- generations -----------------------------------------------------------------------------------

ALTER TABLE generations
  ALTER COLUMN url DROP NOT NULL,
  ADD COLUMN params jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(params) = 'object'),
  ADD COLUMN based_on uuid,
  ADD COLUMN parent_generation_id uuid,
  -- Derived, so that it can never disagree with the parent: a child is a generation with a parent.
  ADD COLUMN is_child boolean GENERATED ALWAYS AS (parent_generation_id IS NOT NULL) STORED,
  ADD COLUMN child_order integer CHECK (child_order BETWEEN 0 AND 100000),
  ADD COLUMN pair_shot_generation_id uuid REFERENCES shot_generations (id) ON DELETE SET NULL,
  ADD COLUMN tasks uuid[] NOT NULL DEFAULT '{}',
  ADD COLUMN primary_variant_id uuid,
  -- Idempotent uploads: the key the client sent (scoped to the project) and a hash of its request.
  ADD COLUMN idempotency_key text CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
  ADD COLUMN request_hash text CHECK (char_length(request_hash) <= 64),
  ADD CONSTRAINT generations_not_based_on_itself CHECK (based_on <> id),
  ADD CONSTRAINT generations_not_its_own_parent CHECK (parent_generation_id <> id);

-- The target of the same-project foreign keys below (lineage, segments, variants).
ALTER TABLE generations ADD CONSTRAINT generations_project_id_id_key UNIQUE (project_id, id);
-- Lineage and segments stay inside a project; a deleted source leaves its derivatives (based_on is
-- cleared), a deleted parent takes its segments with it.
ALTER TABLE generations ADD CONSTRAINT generations_based_on_fkey
  FOREIGN KEY (project_id, based_on) REFERENCES generations (project_id, id) ON DELETE SET NULL (based_on);
ALTER TABLE generations ADD CONSTRAINT generations_parent_generation_fkey
  FOREIGN KEY (project_id, parent_generation_id) REFERENCES generations (project_id, id) ON DELETE CASCADE;

-- ---- generation_variants ---------------------------------------------------------------------------

CREATE TABLE generation_variants (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  generation_id  uuid NOT NULL,
  -- The generation's project, kept here for project-wide lists and for row-level security; the
  -- foreign key below makes it the generation's.
  project_id     uuid NOT NULL,
  url            text NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2048),
  thumbnail_url  text CHECK (char_length(thumbnail_url) <= 2048),
  -- The storage object behind url, when the platform stores it.
  object_id      uuid,
  params         jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(params) = 'object'),
  -- 'original', 'upscaled', 'magic_edit', 'trimmed', ...: a label, free but shaped.
  variant_type   text CHECK (variant_type ~ '^[a-z0-9][a-z0-9_-]{0,49}$'),
  name           text CHECK (char_length(name) <= 200),
  is_primary     boolean NOT NULL DEFAULT false,
  starred        boolean NOT NULL DEFAULT false,
  viewed_at      timestamptz,
  -- The task that produced it (NULL for the user's own): the completion pipeline's exactly-once key.
  task_id        uuid,
  idempotency_key text CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
  request_hash   text CHECK (char_length(request_hash) <= 64),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT generation_variants_generation_fkey FOREIGN KEY (project_id, generation_id)
    REFERENCES generations (project_id, id) ON DELETE CASCADE,
  -- The target of generations.primary_variant_id: a generation's primary is one of its own variants.
  CONSTRAINT generation_variants_generation_id_id_key UNIQUE (generation_id, id)
);
-- At most one primary per generation (at least one whenever it has variants: checked at commit below).
CREATE UNIQUE INDEX generation_variants_one_primary ON generation_variants (generation_id) WHERE is_primary;
-- One variant per task: a completion delivered twice adds one variant.
CREATE UNIQUE INDEX generation_variants_one_per_task ON generation_variants (task_id) WHERE task_id IS NOT NULL;
CREATE UNIQUE INDEX generation_variants_idempotency ON generation_variants (generation_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX generation_variants_by_generation_newest_first ON generation_variants (generation_id, created_at DESC, id DESC);
CREATE INDEX generation_variants_project_newest_first ON generation_variants (project_id, created_at DESC, id DESC);
CREATE INDEX generation_variants_unviewed ON generation_variants (generation_id) WHERE viewed_at IS NULL;
CREATE INDEX generation_variants_by_object ON generation_variants (object_id) WHERE object_id IS NOT NULL;
-- Hash, not btree: a 2048-character URL of multi-byte characters is larger than a btree entry may be.
CREATE INDEX generation_variants_by_url ON generation_variants USING hash (url);

CREATE TRIGGER generation_variants_touch BEFORE UPDATE ON generation_variants
  FOR EACH ROW EXECUTE FUNCTION reigh_touch_updated_at();

ALTER TABLE generation_variants ENABLE ROW LEVEL SECURITY;
ALTER TABLE generation_variants FORCE ROW LEVEL SECURITY;
CREATE POLICY generation_variants_own ON generation_variants
  USING (reigh_acts_for_all() OR EXISTS (
    SELECT 1 FROM projects p WHERE p.id = generation_variants.project_id AND p.user_id = reigh_acting_user()))
  WITH CHECK (reigh_acts_for_all() OR EXISTS (
    SELECT 1 FROM projects p WHERE p.id = generation_variants.project_id AND p.user_id = reigh_acting_user()));

GRANT SELECT, INSERT, UPDATE, DELETE ON generation_variants TO reigh_projects;

-- ---- existing rows ---------------------------------------------------------------------------------

-- A representation change, not an edit: no realtime event per row, updated_at kept.
ALTER TABLE generations DISABLE TRIGGER generations_publish_updates;
ALTER TABLE generations DISABLE TRIGGER generations_touch;

UPDATE generations SET tasks = ARRAY[task_id], params = metadata WHERE task_id IS NOT NULL;

-- Existing media is not news: the originals count as seen.
INSERT INTO generation_variants (generation_id, project_id, url, thumbnail_url, object_id, params, variant_type,
                                 is_primary, task_id, viewed_at, created_at, updated_at)
SELECT id, project_id, url, thumbnail_url, object_id, params, 'original', true, task_id, created_at, created_at,
       created_at
FROM generations WHERE url IS NOT NULL;

UPDATE generations g SET primary_variant_id = v.id FROM generation_variants v WHERE v.generation_id = g.id;

ALTER TABLE generations ENABLE TRIGGER generations_publish_updates;
ALTER TABLE generations ENABLE TRIGGER generations_touch;

-- ---- constraints that hold from now on ------------------------------------------------------------

ALTER TABLE generations
  -- The creating task is always among the producing ones; NULLs and runaway lists are refused.
  ADD CONSTRAINT generations_tasks_has_task_id CHECK (task_id IS NULL OR tasks @> ARRAY[task_id]),
  ADD CONSTRAINT generations_tasks_bounded CHECK (cardinality(tasks) <= 1000 AND array_position(tasks, NULL) IS NULL),
  -- Deferred: a transaction may create a generation and its first variant in either order.
  ADD CONSTRAINT generations_primary_variant_fkey FOREIGN KEY (id, primary_variant_id)
    REFERENCES generation_variants (generation_id, id) ON DELETE SET NULL (primary_variant_id)
    DEFERRABLE INITIALLY DEFERRED;

-- Checked when the transaction commits, for every generation it touched: if it has variants, exactly
-- one is primary, primary_variant_id names it and the generation shows its media; without variants,
-- no primary_variant_id. Deferred, so that a transaction may switch the primary in several steps.
CREATE FUNCTION reigh_check_generation_media() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    target uuid;
    generation record;
    variant_count integer;
    primary_count integer;
    chosen record;
  BEGIN
    IF TG_TABLE_NAME = 'generations' THEN
      target := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
      target := OLD.generation_id;
    ELSE
      target := NEW.generation_id;
    END IF;
    SELECT g.url, g.thumbnail_url, g.primary_variant_id INTO generation FROM generations g WHERE g.id = target;
    IF NOT FOUND THEN
      RETURN NULL; -- deleted, its variants with it
    END IF;
    SELECT count(*), count(*) FILTER (WHERE v.is_primary) INTO variant_count, primary_count
      FROM generation_variants v WHERE v.generation_id = target;
    IF variant_count = 0 THEN
      IF generation.primary_variant_id IS NOT NULL THEN
        RAISE EXCEPTION 'generation % has no variants but a primary variant id', target
          USING ERRCODE = 'check_violation', CONSTRAINT = 'generations_media_is_primary_variant';
      END IF;
      RETURN NULL;
    END IF;
    IF primary_count <> 1 THEN
      RAISE EXCEPTION 'generation % has % primary variants among %', target, primary_count, variant_count
        USING ERRCODE = 'check_violation', CONSTRAINT = 'generation_variants_one_primary';
    END IF;
    SELECT v.id, v.url, v.thumbnail_url INTO chosen FROM generation_variants v
      WHERE v.generation_id = target AND v.is_primary;
    IF generation.primary_variant_id IS DISTINCT FROM chosen.id OR generation.url IS DISTINCT FROM chosen.url
       OR generation.thumbnail_url IS DISTINCT FROM chosen.thumbnail_url THEN
      RAISE EXCEPTION 'generation % does not show its primary variant %', target, chosen.id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'generations_media_is_primary_variant';
    END IF;
    RETURN NULL;
  END $$;
REVOKE ALL ON FUNCTION reigh_check_generation_media() FROM PUBLIC;

CREATE CONSTRAINT TRIGGER generation_variants_primary_checked AFTER INSERT OR UPDATE OR DELETE ON generation_variants
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reigh_check_generation_media();
CREATE CONSTRAINT TRIGGER generations_media_checked AFTER INSERT OR UPDATE OF url, thumbnail_url, primary_variant_id
  ON generations DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reigh_check_generation_media();

-- ---- indexes of the list filters -------------------------------------------------------------------

-- The prompt of a generation's params, where the platform's and the web app's task params keep it.
CREATE FUNCTION reigh_generation_prompt(params jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(params ->> 'prompt', params #>> '{orchestrator_details,prompt}',
                        params #>> '{originalParams,orchestrator_details,prompt}') $$;
REVOKE ALL ON FUNCTION reigh_generation_prompt(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reigh_generation_prompt(jsonb) TO reigh_projects;

CREATE INDEX generations_prompt_trigrams ON generations USING gin (reigh_generation_prompt(params) gin_trgm_ops);
CREATE INDEX generations_project_top_level_newest_first ON generations (project_id, created_at DESC, id DESC)
  WHERE parent_generation_id IS NULL;
CREATE INDEX generations_project_tool_type_newest_first
  ON generations (project_id, (params ->> 'tool_type'), created_at DESC, id DESC);
CREATE INDEX generations_by_parent ON generations (parent_generation_id, child_order) WHERE parent_generation_id IS NOT NULL;
CREATE INDEX generations_by_based_on ON generations (based_on) WHERE based_on IS NOT NULL;
-- Deleting a shot link clears the references to it: without this, a scan of every generation.
CREATE INDEX generations_by_pair_shot_generation ON generations (pair_shot_generation_id)
  WHERE pair_shot_generation_id IS NOT NULL;
CREATE INDEX generations_by_task ON generations USING gin (tasks);
CREATE INDEX generations_by_url ON generations USING hash (url);
CREATE UNIQUE INDEX generations_idempotency ON generations (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- ---- realtime: the changed row, as its owner may see it --------------------------------------------

-- Events now carry the row (and, for updates, the row before): the columns the web app's handlers
-- read. Never params or metadata (up to 64 KiB each, stored per event): a client refetches those.
ALTER TABLE realtime_events ADD COLUMN new_row jsonb, ADD COLUMN old_row jsonb;

CREATE FUNCTION reigh_generation_event_row(g generations) RETURNS jsonb
  LANGUAGE sql STABLE
  AS $$ SELECT jsonb_build_object('id', g.id, 'project_id', g.project_id, 'type', g.type, 'url', g.url,
         'thumbnail_url', g.thumbnail_url, 'name', g.name, 'starred', g.starred, 'based_on', g.based_on,
         'parent_generation_id', g.parent_generation_id, 'is_child', g.is_child, 'child_order', g.child_order,
         'pair_shot_generation_id', g.pair_shot_generation_id, 'primary_variant_id', g.primary_variant_id,
         'task_id', g.task_id, 'created_at', g.created_at, 'updated_at', g.updated_at) $$;

CREATE FUNCTION reigh_variant_event_row(v generation_variants) RETURNS jsonb
  LANGUAGE sql STABLE
  AS $$ SELECT jsonb_build_object('id', v.id, 'generation_id', v.generation_id, 'project_id', v.project_id,
         'url', v.url, 'thumbnail_url', v.thumbnail_url, 'variant_type', v.variant_type, 'name', v.name,
         'is_primary', v.is_primary, 'starred', v.starred, 'viewed_at', v.viewed_at, 'task_id', v.task_id,
         'created_at', v.created_at, 'updated_at', v.updated_at) $$;

CREATE OR REPLACE FUNCTION reigh_publish_generation_events() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id, new_row)
        SELECT n.project_id, 'generation.created', 'generations', 'INSERT', n.id, reigh_generation_event_row(n)
        FROM new_rows n;
    ELSIF TG_OP = 'UPDATE' THEN
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id, new_row, old_row)
        SELECT n.project_id, 'generation.updated', 'generations', 'UPDATE', n.id, reigh_generation_event_row(n),
               reigh_generation_event_row(o)
        FROM new_rows n JOIN old_rows o ON o.id = n.id;
    ELSE
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id, old_row)
        SELECT o.project_id, 'generation.deleted', 'generations', 'DELETE', o.id, reigh_generation_event_row(o)
        FROM old_rows o;
    END IF;
    PERFORM pg_notify('reigh_events', '');
    RETURN NULL;
  END $$;
DROP TRIGGER generations_publish_updates ON generations;
CREATE TRIGGER generations_publish_updates AFTER UPDATE ON generations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION reigh_publish_generation_events();

-- A variant deleted with its project (cascade) is published like its generation: the project's
-- events are readable only by its owner, and nothing else would tell a subscriber.
CREATE FUNCTION reigh_publish_variant_events() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id, new_row)
        SELECT n.project_id, 'generation_variant.created', 'generation_variants', 'INSERT', n.id,
               reigh_variant_event_row(n)
        FROM new_rows n;
    ELSIF TG_OP = 'UPDATE' THEN
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id, new_row, old_row)
        SELECT n.project_id, 'generation_variant.updated', 'generation_variants', 'UPDATE', n.id,
               reigh_variant_event_row(n), reigh_variant_event_row(o)
        FROM new_rows n JOIN old_rows o ON o.id = n.id;
    ELSE
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id, old_row)
        SELECT o.project_id, 'generation_variant.deleted', 'generation_variants', 'DELETE', o.id,
               reigh_variant_event_row(o)
        FROM old_rows o;
    END IF;
    PERFORM pg_notify('reigh_events', '');
    RETURN NULL;
  END $$;
CREATE TRIGGER generation_variants_publish_inserts AFTER INSERT ON generation_variants
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reigh_publish_variant_events();
CREATE TRIGGER generation_variants_publish_updates AFTER UPDATE ON generation_variants
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reigh_publish_variant_events();
CREATE TRIGGER generation_variants_publish_deletes AFTER DELETE ON generation_variants
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reigh_publish_variant_events();

REVOKE ALL ON FUNCTION reigh_generation_event_row(generations), reigh_variant_event_row(generation_variants),
  reigh_publish_variant_events() FROM PUBLIC;
