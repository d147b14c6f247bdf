-- credits-service owns: task_cost_configs (also the registry of task types), its version history,
-- and credits_ledger. users.total_credits moves only with a ledger insert (trigger below).

CREATE TABLE task_cost_configs (
  task_type            text PRIMARY KEY CHECK (task_type ~ '^[a-z0-9_]{1,64}$'),
  billing_type         text NOT NULL CHECK (billing_type IN ('per_second', 'per_unit')),
  base_cost_per_second numeric(12,6) NOT NULL DEFAULT 0 CHECK (base_cost_per_second >= 0),
  unit_cost            numeric(12,6) NOT NULL DEFAULT 0 CHECK (unit_cost >= 0),
  cost_factors         jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(cost_factors) = 'object'),
  run_type             text NOT NULL DEFAULT 'gpu' CHECK (run_type IN ('gpu', 'api')),
  category             text NOT NULL DEFAULT 'generation'
                         CHECK (category IN ('generation', 'processing', 'orchestration', 'training', 'utility')),
  -- What a completed task produces, i.e. the generation's type (NULL: no generation).
  content_type         text CHECK (content_type IN ('image', 'video')),
  display_name         text,
  is_active            boolean NOT NULL DEFAULT true,
  version              integer NOT NULL DEFAULT 1,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Every version of every config, so that a task is priced with the config as it was when it started.
CREATE TABLE task_cost_config_versions (
  task_type            text NOT NULL REFERENCES task_cost_configs (task_type),
  version              integer NOT NULL,
  valid_from           timestamptz NOT NULL,
  billing_type         text NOT NULL,
  base_cost_per_second numeric(12,6) NOT NULL,
  unit_cost            numeric(12,6) NOT NULL,
  cost_factors         jsonb NOT NULL,
  run_type             text NOT NULL,
  category             text NOT NULL,
  content_type         text,
  is_active            boolean NOT NULL,
  PRIMARY KEY (task_type, version)
);
CREATE INDEX task_cost_config_versions_effective ON task_cost_config_versions (task_type, valid_from DESC);

CREATE FUNCTION reigh_version_task_cost_config() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF TG_OP = 'UPDATE' THEN
      NEW.version := OLD.version + 1;
      NEW.updated_at := now();
    END IF;
    RETURN NEW;
  END $$;
CREATE FUNCTION reigh_record_task_cost_config_version() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    INSERT INTO task_cost_config_versions (task_type, version, valid_from, billing_type, base_cost_per_second,
      unit_cost, cost_factors, run_type, category, content_type, is_active)
    VALUES (NEW.task_type, NEW.version, NEW.updated_at, NEW.billing_type, NEW.base_cost_per_second,
      NEW.unit_cost, NEW.cost_factors, NEW.run_type, NEW.category, NEW.content_type, NEW.is_active);
    RETURN NULL;
  END $$;
CREATE TRIGGER task_cost_configs_version BEFORE UPDATE ON task_cost_configs
  FOR EACH ROW EXECUTE FUNCTION reigh_version_task_cost_config();
CREATE TRIGGER task_cost_configs_history AFTER INSERT OR UPDATE ON task_cost_configs
  FOR EACH ROW EXECUTE FUNCTION reigh_record_task_cost_config_version();

-- The production task types (reference data). 0.0278 credits/s is the standard GPU rate ($0.000278/s).
INSERT INTO task_cost_configs (task_type, billing_type, base_cost_per_second, unit_cost, cost_factors, run_type, category, content_type, display_name) VALUES
  ('single_image',        'per_unit',   0,      0.025,  '{"resolution": {"512x512": 1, "1024x1024": 2, "2048x2048": 3}, "modelType": {"standard": 1, "pro": 2}}', 'gpu', 'generation',    'image', 'Single image'),
  ('image_edit',          'per_unit',   0,      0.03,   '{}', 'gpu', 'generation',    'image', 'Image edit'),
  ('image_upscale',       'per_unit',   0,      0.02,   '{"resolution": {"2x": 1, "4x": 2, "8x": 4}}', 'gpu', 'processing', 'image', 'Image upscale'),
  ('wan_2_2_i2v',         'per_unit',   0,      0.25,   '{}', 'gpu', 'generation',    'video', 'Wan 2.2 image to video'),
  ('travel_orchestrator', 'per_second', 0.0278, 0,      '{}', 'gpu', 'orchestration', 'video', 'Travel orchestrator'),
  ('travel_segment',      'per_second', 0.0278, 0,      '{}', 'gpu', 'generation',    'video', 'Travel segment'),
  ('travel_stitch',       'per_second', 0.0278, 0,      '{}', 'gpu', 'processing',    'video', 'Travel stitch'),
  ('join_final_stitch',   'per_second', 0.005,  0,      '{}', 'gpu', 'processing',    'video', 'Join final stitch'),
  ('lora_training',       'per_unit',   0,      2.5,    '{}', 'gpu', 'training',      NULL,    'LoRA training'),
  ('qwen_image',          'per_unit',   0,      0.039,  '{}', 'api', 'generation',    'image', 'Qwen image (API)'),
  ('z_image_turbo',       'per_unit',   0,      0.0065, '{}', 'api', 'generation',    'image', 'Z-Image Turbo (API)');

CREATE TABLE credits_ledger (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id         uuid NOT NULL REFERENCES users (id),
  amount          numeric(12,3) NOT NULL CHECK (amount <> 0 AND amount BETWEEN -10000000 AND 10000000),
  type            text NOT NULL CHECK (type IN ('stripe', 'manual', 'spend', 'refund', 'auto_topup')),
  -- No foreign key: tasks may be deleted with their project, the money history may not.
  task_id         uuid,
  -- The spend a refund returns.
  refund_of       uuid REFERENCES credits_ledger (id),
  -- Deduplication key of non-task entries: 'welcome_bonus:{user}', 'grant:{admin}:{key}', 'stripe:{session}'.
  idempotency_key text CHECK (char_length(idempotency_key) <= 300),
  created_by      uuid,
  metadata        jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT credits_ledger_spend_is_negative CHECK (type <> 'spend' OR (amount < 0 AND task_id IS NOT NULL)),
  CONSTRAINT credits_ledger_refund_is_positive CHECK (type <> 'refund' OR (amount > 0 AND refund_of IS NOT NULL))
);
CREATE UNIQUE INDEX credits_ledger_one_spend_per_task ON credits_ledger (task_id) WHERE type = 'spend';
CREATE UNIQUE INDEX credits_ledger_one_refund_per_spend ON credits_ledger (refund_of) WHERE type = 'refund';
CREATE UNIQUE INDEX credits_ledger_unique_idempotency_key ON credits_ledger (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX credits_ledger_user_newest_first ON credits_ledger (user_id, created_at DESC, id DESC);

-- The balance moves with the insert, by + amount, in the same statement: it always equals the sum of
-- the user's entries. Only a spend may take it below zero (the work was done); any other entry that
-- would is refused with constraint 'credits_ledger_balance_not_negative' (mapped to 422).
CREATE FUNCTION reigh_apply_ledger_entry() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    new_balance numeric(12,3);
  BEGIN
    UPDATE users SET total_credits = total_credits + NEW.amount WHERE id = NEW.user_id
      RETURNING total_credits INTO new_balance;
    IF NOT FOUND THEN
      RAISE foreign_key_violation USING MESSAGE = 'unknown user', CONSTRAINT = 'credits_ledger_user_id_fkey';
    END IF;
    IF new_balance < 0 AND NEW.amount < 0 AND NEW.type <> 'spend' THEN
      RAISE check_violation USING MESSAGE = 'balance would go below zero', CONSTRAINT = 'credits_ledger_balance_not_negative';
    END IF;
    RETURN NULL;
  END $$;
CREATE TRIGGER credits_ledger_moves_balance AFTER INSERT ON credits_ledger
  FOR EACH ROW EXECUTE FUNCTION reigh_apply_ledger_entry();

-- Append-only, whoever asks (the table owner included): corrections are new entries.
CREATE FUNCTION reigh_refuse_ledger_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN
    RAISE EXCEPTION 'credits_ledger is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
  END $$;
CREATE TRIGGER credits_ledger_no_update_or_delete BEFORE UPDATE OR DELETE ON credits_ledger
  FOR EACH ROW EXECUTE FUNCTION reigh_refuse_ledger_change();
CREATE TRIGGER credits_ledger_no_truncate BEFORE TRUNCATE ON credits_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION reigh_refuse_ledger_change();

ALTER TABLE credits_ledger ENABLE ROW LEVEL SECURITY;
ALTER TABLE credits_ledger FORCE ROW LEVEL SECURITY;
CREATE POLICY credits_ledger_read_own ON credits_ledger FOR SELECT
  USING (reigh_acts_for_all() OR user_id = reigh_acting_user());
CREATE POLICY credits_ledger_insert ON credits_ledger FOR INSERT
  WITH CHECK (reigh_acts_for_all() OR user_id = reigh_acting_user());
-- UPDATE and DELETE rows are let through row-level security on purpose: they reach the append-only
-- trigger above and fail loudly, instead of silently matching no row.
CREATE POLICY credits_ledger_update_reaches_guard ON credits_ledger FOR UPDATE USING (true);
CREATE POLICY credits_ledger_delete_reaches_guard ON credits_ledger FOR DELETE USING (true);

REVOKE ALL ON FUNCTION reigh_apply_ledger_entry(), reigh_refuse_ledger_change(),
  reigh_version_task_cost_config(), reigh_record_task_cost_config_version() FROM PUBLIC;

GRANT SELECT, INSERT, UPDATE ON task_cost_configs TO reigh_credits;
GRANT SELECT, INSERT ON task_cost_config_versions TO reigh_credits;
GRANT SELECT, INSERT ON credits_ledger TO reigh_credits;
-- Reads across owners, explicit: the balance, and who exists (grants to a user id).
GRANT SELECT (id, email, total_credits) ON users TO reigh_credits;
