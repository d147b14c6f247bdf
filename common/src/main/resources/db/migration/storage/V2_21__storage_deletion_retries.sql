-- Deleting an object is two steps (the stored bytes, then the row). A row in status 'deleting' is the
-- record that the bytes still have to go: storage-service retries the store with a growing delay until
-- it succeeds, so nothing is ever left behind, and a store that is down for hours is not hammered.

ALTER TABLE storage_objects
  ADD COLUMN delete_attempts integer NOT NULL DEFAULT 0 CHECK (delete_attempts >= 0),
  ADD COLUMN next_delete_at  timestamptz;

-- The retrier's queue: deletions that are due, oldest first.
CREATE INDEX storage_objects_deletion_due ON storage_objects (next_delete_at) WHERE status = 'deleting';
