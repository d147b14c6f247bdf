-- A personal access token speaks for one worker of the deployed GPU fleet (docs/worker-compat.md). That
-- fleet sends no lease token: the fence of its writes is its credential, one credential per worker. The
-- first worker id a token names (its claim, heartbeat or model switch) is recorded with it; any other id
-- on the same token is refused from then on.
ALTER TABLE personal_access_tokens ADD COLUMN worker_id text CHECK (char_length(worker_id) BETWEEN 1 AND 128);
COMMENT ON COLUMN personal_access_tokens.worker_id IS
  'The fleet worker this token speaks for: bound by its first use with a worker id (reigh_pat_worker).';

-- The worker a token speaks for, binding it to p_worker_id on first use (p_worker_id NULL: only read).
-- The binding is one guarded UPDATE; when it matches nothing (already bound, or bound by a concurrent
-- first use that committed while this one waited for the row), the SELECT after it is a new statement
-- with a new snapshot and answers the id that won. Authentication (reigh_authenticate_pat) has already
-- checked that the token is live.
CREATE FUNCTION reigh_pat_worker(p_token_hash text, p_worker_id text) RETURNS text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    bound text;
  BEGIN
    IF p_worker_id IS NOT NULL THEN
      UPDATE personal_access_tokens SET worker_id = p_worker_id
        WHERE token_hash = p_token_hash AND worker_id IS NULL
        RETURNING worker_id INTO bound;
      IF bound IS NOT NULL THEN
        RETURN bound;
      END IF;
    END IF;
    SELECT worker_id INTO bound FROM personal_access_tokens WHERE token_hash = p_token_hash;
    RETURN bound;
  END $$;
REVOKE ALL ON FUNCTION reigh_pat_worker(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reigh_pat_worker(text, text) TO reigh_tasks;
