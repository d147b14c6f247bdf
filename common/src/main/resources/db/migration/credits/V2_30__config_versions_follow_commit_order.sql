-- A task is priced with the config version in force when it started: the newest version whose
-- valid_from is not after started_at. That only works if valid_from rises with the version.
--
-- V1_3 stamped an update with now(), the start of the writing transaction. Two admins updating one
-- task type at once: the one that started first waits for the other's row lock, commits second and
-- gets the higher version with the *older* valid_from, so a task could be priced with the rate the
-- later version had already replaced. A BEFORE UPDATE row trigger runs after the row lock is held,
-- i.e. after the previous writer committed, so clock_timestamp() there is later than the previous
-- version's valid_from; greatest() keeps the order even if the clock steps backwards.
CREATE OR REPLACE FUNCTION reigh_version_task_cost_config() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF TG_OP = 'UPDATE' THEN
      NEW.version := OLD.version + 1;
      NEW.updated_at := greatest(clock_timestamp(), OLD.updated_at + interval '1 microsecond');
    END IF;
    RETURN NEW;
  END $$;
