-- The prune of delivered storage deletions walks its rows oldest first and stops at its batch
-- (ai.reigh.common.db.RetentionPrune), as the task outbox's and the realtime events' prunes do: it needs
-- the time index they have. Without it every relay step read the whole table to find the rows past their
-- retention. Small table, short lock.
CREATE INDEX storage_deletion_outbox_delivered ON storage_deletion_outbox (delivered_at) WHERE delivered_at IS NOT NULL;
