-- storage-service owns storage_objects: the metadata of every object it signed. Buckets are
-- configuration (storage-service's application.properties), not rows.

CREATE TABLE storage_objects (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  bucket       text NOT NULL CHECK (char_length(bucket) BETWEEN 1 AND 63),
  -- Built by the server: {owner_id}/{kind}/{uuid}.{ext}; a client file name never becomes part of it.
  key          text NOT NULL CHECK (char_length(key) <= 1024),
  kind         text NOT NULL CHECK (kind ~ '^[a-z0-9_-]{1,32}$'),
  content_type text NOT NULL CHECK (char_length(content_type) <= 255),
  size_bytes   bigint NOT NULL CHECK (size_bytes >= 0),
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ready', 'deleting')),
  -- The client's file name, kept as metadata only (sanitised by the service).
  filename     text CHECK (char_length(filename) <= 255),
  -- Set for task outputs uploaded by a worker (POST /v1/workers/uploads).
  task_id      uuid,
  -- A pending upload not confirmed by then is removed (row and any partial object).
  expires_at   timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  confirmed_at timestamptz,
  CONSTRAINT storage_objects_unique_key UNIQUE (bucket, key),
  CONSTRAINT storage_objects_key_starts_with_owner CHECK (starts_with(key, owner_id::text || '/'))
);
CREATE INDEX storage_objects_owner_newest_first ON storage_objects (owner_id, created_at DESC, id DESC);
CREATE INDEX storage_objects_pending_expiry ON storage_objects (expires_at) WHERE status = 'pending';
CREATE INDEX storage_objects_deleting ON storage_objects (updated_at) WHERE status = 'deleting';
CREATE INDEX storage_objects_by_task ON storage_objects (task_id) WHERE task_id IS NOT NULL;
-- The per-user quota counts ready bytes.
CREATE INDEX storage_objects_owner_ready ON storage_objects (owner_id) INCLUDE (size_bytes) WHERE status = 'ready';

CREATE TRIGGER storage_objects_touch BEFORE UPDATE ON storage_objects FOR EACH ROW EXECUTE FUNCTION reigh_touch_updated_at();

ALTER TABLE storage_objects ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage_objects FORCE ROW LEVEL SECURITY;
CREATE POLICY storage_objects_own ON storage_objects
  USING (reigh_acts_for_all() OR owner_id = reigh_acting_user())
  WITH CHECK (reigh_acts_for_all() OR owner_id = reigh_acting_user());

GRANT SELECT, INSERT, UPDATE, DELETE ON storage_objects TO reigh_storage;
