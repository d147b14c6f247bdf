import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { createReighClient } from "../../src/client.js";
import { ReighProblem } from "../../src/problem.js";
import type { RealtimeEvent } from "../../src/realtime.js";

/**
 * The realtime helper's connection handling against a local HTTP server that plays a flaky network
 * and gateway (drops the stream, answers 503, refuses): what the real platform does when all is well is
 * the session test's part (test/session).
 */
async function serve(handler: (request: IncomingMessage, response: ServerResponse, connection: number) => void) {
  let connections = 0;
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    requests.push(request);
    handler(request, response, ++connections);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function sse(response: ServerResponse): void {
  response.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
}

function event(id: number, name = "task.updated"): string {
  return `id: ${id}\nevent: ${name}\ndata: {"table":"tasks","op":"UPDATE","id":"t${id}","project_id":"p"}\n\n`;
}

async function take<D>(stream: AsyncIterable<RealtimeEvent<D>>, count: number): Promise<RealtimeEvent<D>[]> {
  const events: RealtimeEvent<D>[] = [];
  for await (const received of stream) {
    events.push(received);
    if (events.length === count) {
      break;
    }
  }
  return events;
}

test("a dropped stream reconnects after a delay and resumes with Last-Event-ID: nothing lost or repeated", async () => {
  const server = await serve((request, response, connection) => {
    sse(response);
    if (connection === 1) {
      response.write(": keep-alive\n\n" + event(1) + event(2));
      setTimeout(() => response.destroy(), 20); // the network drops
    } else {
      const after = Number(request.headers["last-event-id"]);
      response.write(event(after + 1) + event(after + 2));
    }
  });
  try {
    const retries: number[] = [];
    const client = createReighClient({ baseUrl: server.baseUrl, token: "jwt-1" });
    const events = await take(client.events({
      projectId: "p", initialDelayMs: 50, onRetry: ({ delayMs }) => retries.push(delayMs),
    }), 4);
    assert.deepEqual(events.map((e) => e.id), ["1", "2", "3", "4"]);
    assert.deepEqual(events[0].data, { table: "tasks", op: "UPDATE", id: "t1", project_id: "p" });
    assert.equal(events[0].event, "task.updated");
    assert.equal(server.requests[1].headers["last-event-id"], "2");
    assert.equal(server.requests[0].headers["last-event-id"], undefined);
    assert.equal(server.requests[1].headers.authorization, "Bearer jwt-1");
    assert.equal(retries.length, 1);
    assert.ok(retries[0] >= 40 && retries[0] <= 60, `first delay ${retries[0]} ms is 50 ms ± 20 %`);
  } finally {
    await server.close();
  }
});

test("a connection that delivered events starts the backoff anew: drops spread apart do not add up", async () => {
  const server = await serve((request, response) => {
    sse(response);
    const after = Number(request.headers["last-event-id"] ?? 0);
    response.write(event(after + 1));
    setTimeout(() => response.destroy(), 10);
  });
  try {
    const delays: number[] = [];
    const client = createReighClient({ baseUrl: server.baseUrl, token: "t" });
    const events = await take(client.events({
      projectId: "p", initialDelayMs: 20, onRetry: ({ delayMs, failures }) => {
        assert.equal(failures, 1);
        delays.push(delayMs);
      },
    }), 4);
    assert.deepEqual(events.map((e) => e.id), ["1", "2", "3", "4"]);
    assert.equal(delays.length, 3);
    assert.ok(delays.every((delay) => delay >= 16 && delay <= 24), `delays ${delays} stay at 20 ms ± 20 %`);
  } finally {
    await server.close();
  }
});

test("a 503 is retried with a delay that doubles, then the stream goes on", async () => {
  const server = await serve((_request, response, connection) => {
    if (connection <= 3) {
      response.writeHead(503, { "Content-Type": "application/problem+json" });
      response.end(JSON.stringify({ status: 503, code: "service_unavailable", title: "Service unavailable" }));
      return;
    }
    sse(response);
    response.write(event(10));
  });
  try {
    const delays: number[] = [];
    const client = createReighClient({ baseUrl: server.baseUrl, token: "t" });
    const [received] = await take(client.events({
      projectId: "p", initialDelayMs: 20, onRetry: ({ delayMs, error }) => {
        assert.ok(error instanceof ReighProblem && error.code === "service_unavailable");
        delays.push(delayMs);
      },
    }), 1);
    assert.equal(received.id, "10");
    assert.equal(delays.length, 3);
    assert.ok(delays[0] < delays[1] && delays[1] < delays[2], `delays ${delays} grow`);
    assert.ok(delays[2] >= 64 && delays[2] <= 96, `third delay ${delays[2]} ms is 80 ms ± 20 %`);
  } finally {
    await server.close();
  }
});

test("a refusal (404: someone else's project) ends the iteration with the problem, without retrying", async () => {
  const server = await serve((_request, response) => {
    response.writeHead(404, { "Content-Type": "application/problem+json", "X-Request-Id": "r-404" });
    response.end(JSON.stringify({ status: 404, code: "not_found", title: "Not found", request_id: "r-404" }));
  });
  try {
    const client = createReighClient({ baseUrl: server.baseUrl, token: "t" });
    await assert.rejects(take(client.events({ projectId: "p", initialDelayMs: 1 }), 1),
      (error: unknown) => error instanceof ReighProblem && error.status === 404 && error.requestId === "r-404");
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

test("maxRetries bounds the attempts when the server never comes back", async () => {
  const server = await serve((_request, response) => {
    response.writeHead(502);
    response.end();
  });
  try {
    const client = createReighClient({ baseUrl: server.baseUrl });
    await assert.rejects(take(client.events({ projectId: "p", initialDelayMs: 1, maxRetries: 2 }), 1),
      (error: unknown) => error instanceof ReighProblem && error.code === "http_502");
    assert.equal(server.requests.length, 3);
  } finally {
    await server.close();
  }
});

test("the token goes in the query only when asked, and close() ends a live stream", async () => {
  const server = await serve((_request, response) => {
    sse(response);
    response.write(event(1));
  });
  try {
    const client = createReighClient({ baseUrl: server.baseUrl, token: async () => "jwt-q" });
    const stream = client.events({ projectId: "p 1", tokenInQuery: true });
    const seen: string[] = [];
    for await (const received of stream) {
      seen.push(String(received.id));
      stream.close();
    }
    assert.deepEqual(seen, ["1"]);
    assert.equal(stream.lastEventId, "1");
    const url = new URL(server.requests[0].url ?? "", server.baseUrl);
    assert.equal(url.searchParams.get("access_token"), "jwt-q");
    assert.equal(url.searchParams.get("project_id"), "p 1");
    assert.equal(server.requests[0].headers.authorization, undefined);
  } finally {
    await server.close();
  }
});
