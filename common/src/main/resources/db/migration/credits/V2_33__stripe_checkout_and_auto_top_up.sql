-- credits-service: credits bought through Stripe Checkout sessions the backend creates, and auto top-up
-- (a saved card charged when a spend takes the balance under the user's threshold).

-- A Checkout session created for a user: to buy credits (mode payment; the webhook credits it) or to
-- save a card for auto top-up (mode setup). A client's Idempotency-Key makes the creation idempotent:
-- the same key answers the same session; the row exists before Stripe is called, and its id is the
-- Idempotency-Key sent to Stripe, so a retry after a crash cannot make a second session.
CREATE TABLE credits_checkout_sessions (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id           uuid NOT NULL REFERENCES users (id),
  mode              text NOT NULL CHECK (mode IN ('payment', 'setup')),
  amount_cents      integer CHECK (amount_cents BETWEEN 1 AND 10000000),
  idempotency_key   text CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
  request_hash      text NOT NULL,
  stripe_session_id text UNIQUE CHECK (char_length(stripe_session_id) <= 255),
  url               text CHECK (char_length(url) <= 2048),
  created_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT credits_checkout_sessions_payment_has_amount CHECK (mode <> 'payment' OR amount_cents IS NOT NULL)
);
CREATE UNIQUE INDEX credits_checkout_sessions_idempotency ON credits_checkout_sessions (user_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- A user's auto top-up: the preference (enabled, amount, threshold) and the saved card (a Stripe
-- customer and payment method, set by the setup session's webhook).
CREATE TABLE credits_auto_top_ups (
  user_id                  uuid PRIMARY KEY REFERENCES users (id),
  enabled                  boolean NOT NULL DEFAULT false,
  amount_cents             integer CHECK (amount_cents BETWEEN 1 AND 10000000),
  threshold_credits        numeric(12,3) CHECK (threshold_credits >= 0),
  stripe_customer_id       text CHECK (stripe_customer_id ~ '^cus_[A-Za-z0-9_]{1,250}$'),
  stripe_payment_method_id text CHECK (stripe_payment_method_id ~ '^pm_[A-Za-z0-9_]{1,250}$'),
  setup_completed_at       timestamptz,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT credits_auto_top_ups_enabled_is_complete
    CHECK (NOT enabled OR (amount_cents IS NOT NULL AND threshold_credits IS NOT NULL))
);
CREATE TRIGGER credits_auto_top_ups_touch BEFORE UPDATE ON credits_auto_top_ups
  FOR EACH ROW EXECUTE FUNCTION reigh_touch_updated_at();

-- One charge of a saved card: decided in the transaction of the spend that took the balance under the
-- threshold (an outbox row), then charged by a relay outside any transaction, with the row's id as
-- the Idempotency-Key of Stripe's PaymentIntent (a retry after a timeout or a crash finds the same
-- PaymentIntent, never makes a second one). At most one charge per user is in flight (the unique
-- index); the window (decided_at) keeps a second crossing from charging again too soon.
--   pending    decided, or waiting for its next attempt (next_attempt_at)
--   charging   a relay holds it until claimed_until (a relay that dies leaves it to the next one)
--   processing Stripe accepted it but has not settled (the webhook settles it)
--   succeeded  credited: one auto_topup ledger entry per PaymentIntent (ledger key auto_topup:{pi})
--   failed     declined, refused or out of attempts (attempts are bounded)
CREATE TABLE credits_auto_top_up_charges (
  id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id                  uuid NOT NULL REFERENCES users (id),
  status                   text NOT NULL DEFAULT 'pending'
                             CHECK (status IN ('pending', 'charging', 'processing', 'succeeded', 'failed')),
  amount_cents             integer NOT NULL CHECK (amount_cents BETWEEN 1 AND 10000000),
  balance_at_decision      numeric(12,3) NOT NULL,
  threshold_credits        numeric(12,3) NOT NULL,
  stripe_customer_id       text NOT NULL,
  stripe_payment_method_id text NOT NULL,
  payment_intent_id        text CHECK (char_length(payment_intent_id) <= 255),
  attempts                 integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at          timestamptz NOT NULL DEFAULT now(),
  claimed_until            timestamptz,
  last_error               text CHECK (char_length(last_error) <= 1000),
  ledger_entry_id          uuid REFERENCES credits_ledger (id),
  decided_at               timestamptz NOT NULL DEFAULT now(),
  settled_at               timestamptz,
  updated_at               timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX credits_auto_top_up_one_in_flight ON credits_auto_top_up_charges (user_id)
  WHERE status IN ('pending', 'charging', 'processing');
CREATE UNIQUE INDEX credits_auto_top_up_payment_intent ON credits_auto_top_up_charges (payment_intent_id)
  WHERE payment_intent_id IS NOT NULL;
CREATE INDEX credits_auto_top_up_due ON credits_auto_top_up_charges (next_attempt_at) WHERE status = 'pending';
CREATE INDEX credits_auto_top_up_claims ON credits_auto_top_up_charges (claimed_until) WHERE status = 'charging';
CREATE INDEX credits_auto_top_up_recent ON credits_auto_top_up_charges (user_id, decided_at DESC);
CREATE TRIGGER credits_auto_top_up_charges_touch BEFORE UPDATE ON credits_auto_top_up_charges
  FOR EACH ROW EXECUTE FUNCTION reigh_touch_updated_at();

ALTER TABLE credits_checkout_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE credits_checkout_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY credits_checkout_sessions_own ON credits_checkout_sessions
  USING (reigh_acts_for_all() OR user_id = reigh_acting_user())
  WITH CHECK (reigh_acts_for_all() OR user_id = reigh_acting_user());
ALTER TABLE credits_auto_top_ups ENABLE ROW LEVEL SECURITY;
ALTER TABLE credits_auto_top_ups FORCE ROW LEVEL SECURITY;
CREATE POLICY credits_auto_top_ups_own ON credits_auto_top_ups
  USING (reigh_acts_for_all() OR user_id = reigh_acting_user())
  WITH CHECK (reigh_acts_for_all() OR user_id = reigh_acting_user());
ALTER TABLE credits_auto_top_up_charges ENABLE ROW LEVEL SECURITY;
ALTER TABLE credits_auto_top_up_charges FORCE ROW LEVEL SECURITY;
CREATE POLICY credits_auto_top_up_charges_own ON credits_auto_top_up_charges
  USING (reigh_acts_for_all() OR user_id = reigh_acting_user())
  WITH CHECK (reigh_acts_for_all() OR user_id = reigh_acting_user());

GRANT SELECT, INSERT, UPDATE ON credits_checkout_sessions, credits_auto_top_ups, credits_auto_top_up_charges
  TO reigh_credits;
