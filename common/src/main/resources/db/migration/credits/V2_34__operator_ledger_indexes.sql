-- credits-service: the operator console's reads of the ledger. Every user's entries newest first (the
-- platform's recent entries, and the spends of the last hour per minute: a range on created_at), and
-- every entry of a task (its spend and its refunds; the spend-only unique index does not serve refunds).
CREATE INDEX credits_ledger_newest_first ON credits_ledger (created_at DESC, id DESC);
CREATE INDEX credits_ledger_by_task ON credits_ledger (task_id) WHERE task_id IS NOT NULL;
