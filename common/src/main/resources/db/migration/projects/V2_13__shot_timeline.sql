-- The web app's media model, timeline half (projects-service owns both tables):
--
--  * shot_generations: position is a frame on the shot's timeline (any non-negative integer, spaced 50
--    by default, NULL = unpositioned) and a link carries a metadata object (pair prompts, frame counts,
--    per-pair overrides). The same generation may be linked to a shot more than once: there never was
--    a one-link-per-generation rule here, and none is added.
--  * Positions stay unique per shot, but the rule is now a constraint checked at the end of each
--    statement (DEFERRABLE INITIALLY IMMEDIATE) instead of a unique index checked row by row: one
--    UPDATE can then swap two frames or shift a whole timeline, which the row-by-row check refused
--    halfway through. A two-phase update (park rows at NULL, then place them) would do the same with
--    twice the writes, twice the realtime events and an intermediate state; a constraint deferred to
--    COMMIT would report a collision only at commit, after the service has answered its checks. NULLs
--    are distinct in a unique constraint, so unpositioned links never collide.
--  * shots gain aspect_ratio (NULL: the project's) and parent_generation_id: the video generation that
--    a shot's segments hang from and that becomes its final video. It is created with the shot as a
--    placeholder (url NULL, no variant yet) and stays inside the shot's project.
--
-- Existing rows keep working: links keep their positions and timestamps (metadata '{}'), shots keep
-- every field and get their parent placeholder; none of this is published as a realtime event.

-- Row-level security is forced on these tables for their owner too: the backfill acts for the
-- platform, for this transaction only.
SELECT set_config('reigh.role', 'service', true);

-- ---- shot_generations -------------------------------------------------------------------------------

ALTER TABLE shot_generations
  ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object');

-- The previous index guaranteed unique non-NULL positions, so the constraint holds for existing rows.
-- Its index (shot_id, position) also serves the timeline's ORDER BY position.
DROP INDEX shot_generations_unique_position;
ALTER TABLE shot_generations ADD CONSTRAINT shot_generations_unique_position
  UNIQUE (shot_id, position) DEFERRABLE INITIALLY IMMEDIATE;

-- ---- shots --------------------------------------------------------------------------------------------

ALTER TABLE shots
  ADD COLUMN aspect_ratio text CHECK (char_length(aspect_ratio) <= 20),
  ADD COLUMN parent_generation_id uuid,
  -- The parent is a generation of the shot's own project; deleting it leaves the shot without one
  -- (a new one is made on demand), never deletes the shot.
  ADD CONSTRAINT shots_parent_generation_fkey FOREIGN KEY (project_id, parent_generation_id)
    REFERENCES generations (project_id, id) ON DELETE SET NULL (parent_generation_id);
-- Deleting a generation looks up the shots that name it as parent.
CREATE INDEX shots_by_parent_generation ON shots (parent_generation_id) WHERE parent_generation_id IS NOT NULL;

-- ---- existing shots get their parent --------------------------------------------------------------

-- A representation change, not an edit: no realtime event, updated_at kept.
ALTER TABLE generations DISABLE TRIGGER generations_publish_inserts;
ALTER TABLE shots DISABLE TRIGGER shots_touch;

WITH parents AS (
  INSERT INTO generations (project_id, type, params, created_at, updated_at)
  SELECT s.project_id, 'video',
         jsonb_build_object('tool_type', 'travel-between-images', 'created_from', 'shot_parent_generation',
                            'orchestrator_details', jsonb_build_object('shot_id', s.id)),
         s.created_at, s.created_at
  FROM shots s
  WHERE s.parent_generation_id IS NULL
  RETURNING id, (params #>> '{orchestrator_details,shot_id}')::uuid AS shot_id
)
UPDATE shots s SET parent_generation_id = parents.id FROM parents WHERE s.id = parents.shot_id;
-- The new generations' deferred checks (V2_12: no variant, no primary) run now: a table with pending
-- trigger events cannot have its triggers switched back on.
SET CONSTRAINTS ALL IMMEDIATE;

ALTER TABLE generations ENABLE TRIGGER generations_publish_inserts;
ALTER TABLE shots ENABLE TRIGGER shots_touch;

-- ---- realtime: the link's row, as its owner may see it ---------------------------------------------

-- One contract with generations (V2_12): events carry the cheap columns the web app's handlers read
-- (which shot, which generation, which frame), never metadata (up to 64 KiB, stored per event): a
-- client refetches the link for that.
CREATE FUNCTION reigh_shot_generation_event_row(sg shot_generations) RETURNS jsonb
  LANGUAGE sql STABLE
  AS $$ SELECT jsonb_build_object('id', sg.id, 'shot_id', sg.shot_id, 'generation_id', sg.generation_id,
         'position', sg.position, 'created_at', sg.created_at, 'updated_at', sg.updated_at) $$;

-- Links carry no project id; it is the shot's. A link deleted with its shot's project (cascade) has
-- no shot left to ask, and the project's deletion is the event that matters: not published.
CREATE OR REPLACE FUNCTION reigh_publish_shot_generation_events() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id, new_row)
        SELECT s.project_id, 'shot_generation.created', 'shot_generations', 'INSERT', n.id,
               reigh_shot_generation_event_row(n)
        FROM new_rows n JOIN shots s ON s.id = n.shot_id;
    ELSIF TG_OP = 'UPDATE' THEN
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id, new_row, old_row)
        SELECT s.project_id, 'shot_generation.updated', 'shot_generations', 'UPDATE', n.id,
               reigh_shot_generation_event_row(n), reigh_shot_generation_event_row(o)
        FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN shots s ON s.id = n.shot_id;
    ELSE
      INSERT INTO realtime_events (project_id, event, table_name, op, row_id, old_row)
        SELECT s.project_id, 'shot_generation.deleted', 'shot_generations', 'DELETE', o.id,
               reigh_shot_generation_event_row(o)
        FROM old_rows o JOIN shots s ON s.id = o.shot_id;
    END IF;
    PERFORM pg_notify('reigh_events', '');
    RETURN NULL;
  END $$;
DROP TRIGGER shot_generations_publish_updates ON shot_generations;
CREATE TRIGGER shot_generations_publish_updates AFTER UPDATE ON shot_generations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION reigh_publish_shot_generation_events();

REVOKE ALL ON FUNCTION reigh_shot_generation_event_row(shot_generations) FROM PUBLIC;
