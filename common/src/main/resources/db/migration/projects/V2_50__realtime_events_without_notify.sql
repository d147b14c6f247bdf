-- The realtime triggers of generations, their variants and shot links publish their events without
-- NOTIFY: tasks-service's feed reads realtime_events on a short timer while anyone is subscribed (see
-- V2_49, which did the same for tasks, and docs/performance.md). The bodies are V2_12's and V2_13's
-- without their pg_notify('reigh_events').

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
    RETURN NULL;
  END $$;

CREATE OR REPLACE FUNCTION reigh_publish_variant_events() RETURNS trigger
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
    RETURN NULL;
  END $$;

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
    RETURN NULL;
  END $$;
