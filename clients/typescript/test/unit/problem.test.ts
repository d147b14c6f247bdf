import { test } from "node:test";
import assert from "node:assert/strict";

import { ReighProblem, ok } from "../../src/problem.js";

function response(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers });
}

test("a problem body gives its code, status, request id and field errors", () => {
  const problem = ReighProblem.from({
    type: "https://reigh.ai/problems/validation-failed", title: "Invalid input", status: 400, code: "validation_failed",
    detail: "name: must not be blank", errors: [{ field: "name", message: "must not be blank" }], request_id: "req-1",
  }, response(400));
  assert.equal(problem.status, 400);
  assert.equal(problem.code, "validation_failed");
  assert.equal(problem.requestId, "req-1");
  assert.equal(problem.fieldError("name"), "must not be blank");
  assert.equal(problem.retryable, false);
  assert.match(problem.message, /400 validation_failed: name: must not be blank \(request req-1\)/);
});

test("a body that is not a problem still gives one, with the status and the gateway's request id", () => {
  const problem = ReighProblem.from("<html>Bad gateway</html>", response(502, { "X-Request-Id": "req-2" }));
  assert.equal(problem.code, "http_502");
  assert.equal(problem.requestId, "req-2");
  assert.equal(problem.retryable, true);
});

test("Retry-After is read in seconds", () => {
  const problem = ReighProblem.from({ status: 429, code: "rate_limited", title: "Too many" },
    response(429, { "Retry-After": "3" }));
  assert.equal(problem.retryAfterSeconds, 3);
  assert.equal(problem.retryable, true);
});

test("ok gives the data of a success and throws the problem of a failure", async () => {
  assert.deepEqual(await ok(Promise.resolve({ data: { id: "x" }, response: response(200) })), { id: "x" });
  await assert.rejects(
    ok(Promise.resolve({ error: { status: 404, code: "not_found", title: "Not found" }, response: response(404) })),
    (error: unknown) => error instanceof ReighProblem && error.code === "not_found" && error.status === 404);
});
