import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import {
  NumberedPager,
  ReighProblem,
  collect,
  createReighClient,
  idempotencyHeaders,
  items,
  newIdempotencyKey,
  ok,
  retrying,
  type EventStream,
  type RealtimeEvent,
  type ReighClient,
  type Schemas,
} from "../../src/index.js";

/**
 * A short web-app session against a running suite (the gateway of `./reigh up`; `./reigh test` runs
 * this against the suite its launcher test starts): sign in with a dev token, create a project and a
 * shot, upload an image, queue a task and follow its events while a worker (the same client, with a
 * worker token bound to the user) runs it, then read the generation it made and the ledger's charge.
 *
 * Environment: REIGH_GATEWAY (e.g. http://127.0.0.1:9080), REIGH_USER_ID, REIGH_USER_TOKEN
 * (`./reigh token --user <id>`), REIGH_WORKER_TOKEN (`./reigh token --worker --user <id>`). The user
 * must be new (the welcome bonus is granted once).
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: this test runs against a live suite (./reigh test sets it)`);
  }
  return value;
}

const gateway = required("REIGH_GATEWAY");
const userId = required("REIGH_USER_ID");
const user = createReighClient({ baseUrl: gateway, token: required("REIGH_USER_TOKEN") });
const worker = createReighClient({ baseUrl: gateway, token: required("REIGH_WORKER_TOKEN") });

/**
 * The value of a response field. The services' documents do not mark response fields required (the
 * scanner does not know which are never null), so the generated types make each one optional.
 */
function must<T>(value: T | null | undefined, what: string): T {
  assert.ok(value !== undefined && value !== null, `${what} is present`);
  return value;
}

/** A 1×1 transparent PNG. */
const PNG = Uint8Array.from(Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64"));

/** Events of a stream, collected in the background, with a way to wait for one. */
class EventLog {
  readonly events: RealtimeEvent[] = [];
  private readonly waiters: (() => void)[] = [];
  private failure: unknown;
  readonly done: Promise<void>;

  constructor(readonly stream: EventStream) {
    this.done = (async () => {
      try {
        for await (const received of stream) {
          this.events.push(received);
          this.waiters.splice(0).forEach((wake) => wake());
        }
      } catch (error) {
        this.failure = error;
        this.waiters.splice(0).forEach((wake) => wake());
      }
    })();
  }

  async until(what: string, found: (event: RealtimeEvent) => boolean, timeoutMs = 30_000): Promise<RealtimeEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.events.find(found);
      if (match) {
        return match;
      }
      if (this.failure !== undefined) {
        throw new Error(`the event stream failed before ${what}: ${String(this.failure)}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no ${what} within ${timeoutMs} ms; received: ${this.events.map((e) => e.event).join(", ")}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** Polls `read` until `accept` holds (for what the platform does asynchronously: the charge). */
async function eventually<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("a web-app session against the running suite", () => {
  let project: Schemas["ProjectView"];
  let shot: Schemas["ShotView"];
  let upload: Schemas["GenerationView"];
  let task: Schemas["TaskView"];
  let log: EventLog;
  const outputUrl = `https://cdn.example.com/reigh/${newIdempotencyKey()}.png`;
  /** The generation.created event of the task's output: its row (`new`) names the task. */
  const isTaskGeneration = (e: RealtimeEvent) => e.event === "generation.created" && e.data.new?.task_id === task.id;

  before(async () => {
    // Fail fast with a clear message when nothing listens.
    await fetch(`${gateway}/openapi.json`).catch((error: unknown) => {
      throw new Error(`no gateway at ${gateway}: ${String(error)}`);
    });
  });

  after(() => log?.stream.close());

  test("signs in with a dev token: the first call provisions the user", async () => {
    const me = await ok(user.api.GET("/v1/me"));
    assert.equal(me.id, userId);
    const bonus = await ok(user.api.POST("/v1/credits/welcome-bonus"));
    assert.equal(Number(bonus.amount), 500);
  });

  test("creates a project and a shot", async () => {
    project = await ok(user.api.POST("/v1/projects", { body: { name: "SDK session", aspect_ratio: "16:9" } }));
    assert.equal(project.user_id, userId);
    shot = await ok(user.api.POST("/v1/projects/{projectId}/shots", {
      params: { path: { projectId: String(project.id) } }, body: { name: "Opening" } }));
    assert.equal(shot.project_id, project.id);
    assert.equal(shot.order, 0);
    log = new EventLog(user.events({ projectId: String(project.id) }));
  });

  test("a failure is a typed problem with its code, status and request id", async () => {
    const missing = await user.api.GET("/v1/projects/{id}", { params: { path: { id: newIdempotencyKey() } } });
    assert.equal(missing.response.status, 404);
    assert.equal(missing.error?.code, "not_found"); // typed from the document's problem schema
    await assert.rejects(ok(user.api.POST("/v1/projects", { body: { name: " " } })), (error: unknown) => {
      assert.ok(error instanceof ReighProblem);
      assert.equal(error.status, 400);
      assert.equal(error.code, "validation_failed");
      assert.ok(error.fieldError("name"), `a message for name in ${JSON.stringify(error.errors)}`);
      assert.match(String(error.requestId), /.+/);
      return true;
    });
  });

  test("uploads an image straight to object storage and places it in the shot", async () => {
    const ticket = await ok(user.api.POST("/v1/storage/uploads", {
      body: { bucket: "public", content_type: "image/png", size_bytes: PNG.length, filename: "frame.png" } }));
    const put = await fetch(String(ticket.upload_url), {
      method: ticket.upload_method ?? "PUT", headers: ticket.upload_headers ?? {}, body: PNG });
    assert.equal(put.status, 200, await put.text());
    const object = await ok(user.api.POST("/v1/storage/objects/{id}/confirm", {
      params: { path: { id: String(ticket.object_id) } } }));
    assert.equal(object.status, "ready");
    upload = await ok(user.api.POST("/v1/projects/{projectId}/generations", {
      params: { path: { projectId: String(project.id) } }, body: { type: "image", object_id: ticket.object_id } }));
    assert.equal(upload.url, object.url);
    const link = await ok(user.api.POST("/v1/shots/{shotId}/generations", {
      params: { path: { shotId: String(shot.id) } }, body: { generation_id: must(upload.id, "the generation id"), position: 0 } }));
    assert.equal(link.position, 0);
    const image = await fetch(String(upload.url));
    assert.equal(image.status, 200);
    assert.deepEqual(new Uint8Array(await image.arrayBuffer()), PNG);
  });

  test("queues a task once, however often the request is retried with its idempotency key", async () => {
    const key = newIdempotencyKey();
    const body = { project_id: must(project.id, "the project id"), task_type: "single_image",
      params: { prompt: "a lighthouse at dusk", resolution: "512x512", shot_id: String(shot.id) } };
    const create = () => user.api.POST("/v1/tasks", { body, headers: idempotencyHeaders(key) });
    const first = await create();
    assert.equal(first.response.status, 201);
    task = await ok(Promise.resolve(first));
    const replay = await retrying(() => ok(create()));
    assert.equal(replay.id, task.id);
    assert.equal(task.status, "Queued");
    await log.until("task.created", (e) => e.event === "task.created" && e.data.id === task.id);
  });

  test("a worker runs it, and the events follow the task to its generation", async () => {
    const workerId = `sdk-session-${newIdempotencyKey()}`;
    const claim = await worker.api.POST("/v1/workers/claim", { body: { worker_id: workerId, wait_seconds: 10 } });
    assert.equal(claim.response.status, 200);
    const claimed = claim.data?.tasks?.find((t) => t.id === task.id);
    assert.ok(claimed, `claimed ${JSON.stringify(claim.data)}`);
    const lease = { lease_token: String(claimed.lease_token) };
    await ok(worker.api.POST("/v1/workers/tasks/{id}/start", { params: { path: { id: String(task.id) } }, body: lease }));
    const done = await ok(worker.api.POST("/v1/workers/tasks/{id}/complete", {
      params: { path: { id: String(task.id) } }, body: { ...lease, output_location: outputUrl } }));
    assert.equal(done.status, "Complete");

    await log.until("task In Progress", (e) => e.event === "task.updated" && e.data.id === task.id
      && e.data.status === "In Progress");
    await log.until("task Complete", (e) => e.event === "task.updated" && e.data.id === task.id
      && e.data.status === "Complete");
    await log.until("the task's generation", isTaskGeneration);
    const ids = log.events.map((e) => Number(e.id));
    assert.deepEqual([...ids].sort((a, b) => a - b), ids, "events arrive in id order");
  });

  test("reads the generation the task made, and the project's generations page by page", async () => {
    const created = await log.until("the task's generation", isTaskGeneration);
    const generation = await ok(user.api.GET("/v1/generations/{id}", { params: { path: { id: created.data.id } } }));
    assert.equal(generation.task_id, task.id);
    assert.equal(generation.url, outputUrl);
    assert.equal(generation.project_id, project.id);

    // With media only: a shot also gets a placeholder (its parent video, without media) in the project.
    const all = await collect(items((cursor) => ok(user.api.GET("/v1/projects/{projectId}/generations", {
      params: { path: { projectId: String(project.id) }, query: { limit: "1", cursor, has_url: "true" } } }))));
    assert.deepEqual(all.map((g) => g.id), [generation.id, upload.id], "newest first, one page each");
    const pager = new NumberedPager<Schemas["GenerationView"]>((cursor, limit) => ok(user.api.GET(
      "/v1/projects/{projectId}/generations",
      { params: { path: { projectId: String(project.id) }, query: { limit: String(limit), cursor, has_url: "true" } } })),
      1);
    assert.equal((await pager.page(1)).items[0]?.id, upload.id);
  });

  test("reads the ledger: the welcome bonus and the task's charge, the balance equal to their sum", async () => {
    const ledger = await eventually("the task's charge", () => collect(items((cursor) =>
      ok(user.api.GET("/v1/credits/ledger", { params: { query: { cursor } } })))),
      (entries) => entries.some((entry) => entry.task_id === task.id));
    const spend = ledger.find((entry) => entry.task_id === task.id);
    assert.equal(spend?.type, "spend");
    assert.equal(Number(spend?.amount), -0.025);
    assert.ok(ledger.some((entry) => entry.type === "manual" && Number(entry.amount) === 500));
    const balance = await ok(user.api.GET("/v1/credits/balance"));
    const sum = ledger.reduce((total, entry) => total + Math.round(Number(entry.amount) * 1000), 0) / 1000;
    assert.equal(Number(balance.total_credits), sum);
  });

  test("a stream resumed from its last event id gets what happened since, and nothing before", async () => {
    log.stream.close();
    await log.done;
    const resumeFrom = log.stream.lastEventId;
    assert.ok(resumeFrom, "the stream remembers its last event id");
    await ok(user.api.PATCH("/v1/generations/{id}", {
      params: { path: { id: String(upload.id) } }, body: { starred: true } }));
    const resumed = new EventLog(user.events({ projectId: String(project.id), lastEventId: resumeFrom, tokenInQuery: true }));
    try {
      const starred = await resumed.until("generation.updated", (e) => e.event === "generation.updated"
        && e.data.id === upload.id);
      assert.ok(Number(starred.id) > Number(resumeFrom));
      assert.ok(resumed.events.every((e) => Number(e.id) > Number(resumeFrom)), "nothing from before the resume point");
    } finally {
      resumed.stream.close();
      await resumed.done;
    }
  });
});
