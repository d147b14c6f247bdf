-- projects-service: the web app's profile fields, and the users' keys for third-party model providers.

-- The profile: a username (referral links show it; unique whatever the case), an avatar image URL and
-- whether the onboarding was completed.
ALTER TABLE users
  ADD COLUMN username text CHECK (username ~ '^[A-Za-z0-9_.-]{3,30}$'),
  ADD COLUMN avatar_url text CHECK (char_length(avatar_url) <= 2048),
  ADD COLUMN onboarding_completed boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX users_username_unique ON users (lower(username)) WHERE username IS NOT NULL;
GRANT UPDATE (username, avatar_url, onboarding_completed) ON users TO reigh_projects;

-- A user's key for a model provider (fal, openai, replicate, huggingface, ...): write-only. The key
-- is encrypted by projects-service with AES-256-GCM under a key from its configuration, which the
-- database never sees: a dump, a replica or a backup holds ciphertext only. The user and the service
-- are the cipher's associated data, so a ciphertext moved to another row does not decrypt. key_id
-- names the encryption key (a digest of it), so the service can re-encrypt rows under a new key.
-- masked is what the user is shown (a prefix and the last four characters).
CREATE TABLE user_api_keys (
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  service    text NOT NULL CHECK (service ~ '^[a-z0-9_-]{1,50}$'),
  ciphertext bytea NOT NULL CHECK (octet_length(ciphertext) BETWEEN 17 AND 8192),
  nonce      bytea NOT NULL CHECK (octet_length(nonce) = 12),
  key_id     text NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),
  masked     text NOT NULL CHECK (char_length(masked) <= 20),
  metadata   jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, service)
);
-- Re-encryption finds the rows still under an older key.
CREATE INDEX user_api_keys_by_encryption_key ON user_api_keys (key_id);
CREATE TRIGGER user_api_keys_touch BEFORE UPDATE ON user_api_keys FOR EACH ROW EXECUTE FUNCTION reigh_touch_updated_at();

ALTER TABLE user_api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY user_api_keys_own ON user_api_keys
  USING (reigh_acts_for_all() OR user_id = reigh_acting_user())
  WITH CHECK (reigh_acts_for_all() OR user_id = reigh_acting_user());

-- Only projects-service reads or writes them; no other role is granted anything.
GRANT SELECT, INSERT, UPDATE, DELETE ON user_api_keys TO reigh_projects;
