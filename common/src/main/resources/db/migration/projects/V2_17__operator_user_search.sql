-- projects-service: the operator console finds a user by the start of their email or username,
-- whatever the case (GET /v1/admin/users?q=). text_pattern_ops serves LIKE 'prefix%' on lower(...);
-- the username's unique index (V2_15) is a plain one and serves only equality.
CREATE INDEX users_email_prefix ON users (lower(email) text_pattern_ops);
CREATE INDEX users_username_prefix ON users (lower(username) text_pattern_ops) WHERE username IS NOT NULL;
