-- tasks-service: an outbox row a receiver refuses (a 4xx other than 408/429) is parked, never dropped:
-- it keeps its payload and error, is no longer retried on its own, is counted and listed for an admin,
-- who replays it once the cause is fixed (a price for a new task type, a user row). Replays are audited
-- on the row: who replayed it last, when, and how many times.
ALTER TABLE task_outbox
  ADD COLUMN parked_at   timestamptz,
  ADD COLUMN replayed_at timestamptz,
  ADD COLUMN replayed_by uuid,
  ADD COLUMN replays     integer NOT NULL DEFAULT 0 CHECK (replays >= 0);

-- Rows the previous release rejected "for good" are parked, with everything they had (payload, error,
-- attempts, and rejected_at itself). A parked row is due at 'infinity': no relay of any release takes it.
UPDATE task_outbox SET parked_at = rejected_at, next_attempt_at = 'infinity'
WHERE rejected_at IS NOT NULL AND delivered_at IS NULL;

-- The due index covers every undelivered row again (as V1_4's did); parked rows sit at its far end
-- ('infinity'), past every relay's "next_attempt_at <= now()". It serves this release's reservation
-- (delivered_at IS NULL AND parked_at IS NULL) and, during a rolling upgrade, the previous release's
-- (delivered_at IS NULL AND rejected_at IS NULL), which a predicate on parked_at would leave to a
-- sequential scan. rejected_at stays for that release: this one never reads or writes it.
DROP INDEX task_outbox_due;
CREATE INDEX task_outbox_due ON task_outbox (next_attempt_at, id) WHERE delivered_at IS NULL;

-- The admin's list of parked rows, newest first (keyset on created_at, id).
CREATE INDEX task_outbox_parked ON task_outbox (created_at DESC, id DESC) WHERE parked_at IS NOT NULL;
