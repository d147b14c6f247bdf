-- Roles and the acting context every transaction states (who is acting, in which role).
--
-- The migration user (the schema owner, reigh_owner on the embedded setup) owns every object. Each
-- service connects as its own login role and may write only the tables it owns; the grants at the
-- end of each owner's migration are the ownership map (see README "Ownership").
--
-- On Kubernetes the roles are created by CloudNativePG (managed roles, with passwords); here they
-- are created only when missing, so the same history works in both places.

DO $$
DECLARE
  service_role text;
BEGIN
  FOREACH service_role IN ARRAY ARRAY['reigh_projects', 'reigh_tasks', 'reigh_credits', 'reigh_storage'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = service_role) THEN
      EXECUTE format('CREATE ROLE %I LOGIN', service_role);
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', service_role);
  END LOOP;
END
$$;

-- Nothing is granted by default: every table below grants exactly what its readers need.
REVOKE ALL ON SCHEMA public FROM PUBLIC;

-- The acting context, set per transaction by common's Db (set_config(..., is_local => true)).
-- Unset or empty means nobody: policies compare against NULL and see no rows (fail closed).
CREATE FUNCTION reigh_acting_user() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('reigh.user_id', true), '')::uuid $$;

CREATE FUNCTION reigh_acting_role() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('reigh.role', true), '') $$;

-- Services acting for the platform (the claim, the reaper, charges) and admins act across users.
-- Only a service that has already checked the caller's role may state these.
CREATE FUNCTION reigh_acts_for_all() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(nullif(current_setting('reigh.role', true), '') IN ('service', 'admin'), false) $$;

REVOKE ALL ON FUNCTION reigh_acting_user(), reigh_acting_role(), reigh_acts_for_all() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reigh_acting_user(), reigh_acting_role(), reigh_acts_for_all()
  TO reigh_projects, reigh_tasks, reigh_credits, reigh_storage;

-- Shared trigger function: keeps updated_at honest without every UPDATE having to say it.
CREATE FUNCTION reigh_touch_updated_at() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
REVOKE ALL ON FUNCTION reigh_touch_updated_at() FROM PUBLIC;
