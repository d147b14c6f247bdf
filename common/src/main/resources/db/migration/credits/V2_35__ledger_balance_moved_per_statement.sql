-- credits-service: a ledger statement moves each user's balance once, by the sum of that user's entries
-- in it, instead of once per entry. A relay's charge batch writes up to 100 spends in one INSERT; the
-- row trigger ran a PL/pgSQL call and an UPDATE of the user's row for each of them (a user with 50
-- spends in a batch got 50 new versions of their row in one transaction). Measured in psql on 50
-- spends: 60–80 µs per spend for the row trigger, next to nothing for this one.
--
-- What stays true: every balance equals the sum of its user's entries at the end of every statement;
-- an entry of an unknown user is refused as a foreign-key violation, the whole statement with it; a
-- debit other than a spend that leaves the balance below zero is refused as
-- credits_ledger_balance_not_negative, judged on the balance at the statement's end (the platform writes
-- such debits one per statement, so for them nothing changes; only spends come many to a statement).
--
-- The users' rows are locked in id order before they move, so two statements over the same users wait
-- for each other and never deadlock, whatever the order of their rows. (The row trigger locked in row
-- order, which is why the spends' INSERT sorts by user. The sort stays: by user and task, two batches
-- that overlap meet the unique index's keys in the same order.) The previous release writes the same
-- INSERTs and works unchanged on this schema.
CREATE FUNCTION reigh_apply_ledger_entries() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    named int;
    moved int;
    overdrawn int;
  BEGIN
    PERFORM 1 FROM users WHERE id IN (SELECT user_id FROM new_entries) ORDER BY id FOR NO KEY UPDATE;
    WITH per_user AS (
      SELECT user_id, sum(amount) AS delta, bool_or(amount < 0 AND type <> 'spend') AS debited_otherwise
      FROM new_entries GROUP BY user_id
    ), applied AS (
      UPDATE users u SET total_credits = u.total_credits + p.delta
      FROM per_user p WHERE u.id = p.user_id
      RETURNING u.total_credits, p.debited_otherwise
    )
    SELECT count(*), count(*) FILTER (WHERE total_credits < 0 AND debited_otherwise) INTO moved, overdrawn
    FROM applied;
    SELECT count(DISTINCT user_id) INTO named FROM new_entries;
    IF moved < named THEN
      RAISE foreign_key_violation USING MESSAGE = 'unknown user', CONSTRAINT = 'credits_ledger_user_id_fkey';
    END IF;
    IF overdrawn > 0 THEN
      RAISE check_violation USING MESSAGE = 'balance would go below zero', CONSTRAINT = 'credits_ledger_balance_not_negative';
    END IF;
    RETURN NULL;
  END $$;

CREATE TRIGGER credits_ledger_moves_balances AFTER INSERT ON credits_ledger
  REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION reigh_apply_ledger_entries();
DROP TRIGGER credits_ledger_moves_balance ON credits_ledger;
DROP FUNCTION reigh_apply_ledger_entry();

REVOKE ALL ON FUNCTION reigh_apply_ledger_entries() FROM PUBLIC;
