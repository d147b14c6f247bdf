import { test } from "node:test";
import assert from "node:assert/strict";

import { idempotencyHeaders, newIdempotencyKey, retrying } from "../../src/idempotency.js";
import { ReighProblem } from "../../src/problem.js";

test("keys are fresh UUIDs and travel in the Idempotency-Key header", () => {
  const a = newIdempotencyKey();
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, newIdempotencyKey());
  assert.deepEqual(idempotencyHeaders(a), { "Idempotency-Key": a });
  assert.throws(() => idempotencyHeaders("x".repeat(201)), RangeError);
});

test("retrying repeats network failures and retryable problems, with the same key, then succeeds", async () => {
  const key = newIdempotencyKey();
  const sent: string[] = [];
  const failures: unknown[] = [new TypeError("fetch failed"),
    new ReighProblem({ status: 503, code: "service_unavailable", retryAfterSeconds: 0 })];
  const result = await retrying(async () => {
    sent.push(idempotencyHeaders(key)["Idempotency-Key"]);
    const failure = failures.shift();
    if (failure) {
      throw failure;
    }
    return "created";
  }, { initialDelayMs: 1 });
  assert.equal(result, "created");
  assert.deepEqual(sent, [key, key, key]);
});

test("retrying gives up at once on a problem another try cannot fix, and after its attempts otherwise", async () => {
  let calls = 0;
  await assert.rejects(retrying(async () => {
    calls++;
    throw new ReighProblem({ status: 409, code: "idempotency_key_reused" });
  }, { initialDelayMs: 1 }), /idempotency_key_reused/);
  assert.equal(calls, 1);
  calls = 0;
  await assert.rejects(retrying(async () => {
    calls++;
    throw new TypeError("fetch failed");
  }, { attempts: 3, initialDelayMs: 1 }), TypeError);
  assert.equal(calls, 3);
});
