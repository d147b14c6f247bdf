-- tasks-service: an outbox row a receiver refuses for good (a 4xx other than 408/429: the project of a
-- generation was deleted, the payload is invalid) must stop being retried, without being called
-- delivered. It is kept, with its error, for an operator to look at.
ALTER TABLE task_outbox ADD COLUMN rejected_at timestamptz;

-- The relay's due set excludes rejected rows (same shape as task_outbox_due, which it replaces).
DROP INDEX task_outbox_due;
CREATE INDEX task_outbox_due ON task_outbox (next_attempt_at, id) WHERE delivered_at IS NULL AND rejected_at IS NULL;
-- Pruning delivered rows after their retention reads them oldest first.
CREATE INDEX task_outbox_delivered ON task_outbox (delivered_at) WHERE delivered_at IS NOT NULL;
