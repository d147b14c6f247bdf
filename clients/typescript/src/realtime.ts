import { ReighProblem } from "./problem.js";
import { SseParser } from "./sse.js";
import { sleep } from "./idempotency.js";

/** What changed, as `GET /v1/events` describes a row of the project (API.md "tasks-service"). */
export interface RealtimeChange {
  /** `tasks`, `generations`, `shot_generations`, ... */
  table: string;
  /** `INSERT`, `UPDATE` or `DELETE`. */
  op: string;
  id: string;
  project_id: string;
  /** A task's status after the change. */
  status?: string;
  /** The row after the change (inserts, updates), without its large JSON documents. */
  new?: Record<string, unknown>;
  /** The row before the change (updates, deletes). */
  old?: Record<string, unknown>;
  /** Fields a later version adds. */
  [field: string]: unknown;
}

/** One event of the stream: its name (`task.created`, `generation.updated`, ...), its id and its data. */
export interface RealtimeEvent<D = RealtimeChange> {
  event: string;
  /** The resume point: pass it as `lastEventId` to continue after this event. */
  id: string | undefined;
  data: D;
}

export interface EventStreamOptions {
  projectId: string;
  /** Resume after this event id (the server replays what came after it, then goes live). */
  lastEventId?: string;
  /** Ends the stream (the iteration returns). */
  signal?: AbortSignal;
  /**
   * Send the token as `?access_token=` instead of the Authorization header: the one route that accepts
   * it, for environments that cannot set headers. Off by default (a header stays out of access logs).
   */
  tokenInQuery?: boolean;
  /** First reconnection delay (default 500 ms, or what the server's `retry:` says), doubled per failure. */
  initialDelayMs?: number;
  /** Longest reconnection delay (default 30 s). */
  maxDelayMs?: number;
  /** Consecutive failed connections before the iteration throws (default: never gives up). */
  maxRetries?: number;
  /** Told of each (re)connection: resumed from `lastEventId`. */
  onConnect?: (info: { attempt: number; lastEventId: string | undefined }) => void;
  /** Told of each failure that will be retried, and the delay before the next try. */
  onRetry?: (info: { error: unknown; delayMs: number; failures: number }) => void;
}

export interface EventStreamTransport {
  baseUrl: string;
  fetch: typeof fetch;
  token: () => Promise<string | undefined>;
}

/**
 * The realtime stream of a project as an async iterable. It reads `text/event-stream` with fetch (so it
 * runs in Node, which has no EventSource, and in browsers), reconnects with exponential backoff and
 * jitter when the connection drops or the gateway answers 502/503/504/429, and resumes with
 * `Last-Event-ID`, so a reconnection neither loses nor repeats an event. A 401, 403 or 404 (someone
 * else's project) ends the iteration with a {@link ReighProblem}.
 *
 * `for await (const event of reigh.events({ projectId })) { ... }`; `break`, `close()` or the signal end it.
 */
export class EventStream<D = RealtimeChange> implements AsyncIterable<RealtimeEvent<D>> {
  private readonly controller = new AbortController();
  private lastId: string | undefined;
  private serverRetryMs: number | undefined;
  private started = false;

  constructor(private readonly source: EventStreamTransport, private readonly options: EventStreamOptions) {
    this.lastId = options.lastEventId;
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) {
        this.controller.abort(signal.reason);
      } else {
        signal.addEventListener("abort", () => this.controller.abort(signal.reason), { once: true });
      }
    }
  }

  /** The id of the last event received: where a later stream should resume. */
  get lastEventId(): string | undefined {
    return this.lastId;
  }

  /** Ends the stream: the connection closes and the iteration returns. */
  close(): void {
    this.controller.abort();
  }

  [Symbol.asyncIterator](): AsyncIterator<RealtimeEvent<D>> {
    if (this.started) {
      throw new Error("an event stream is iterated once; open another with lastEventId to resume");
    }
    this.started = true;
    return this.run();
  }

  private async *run(): AsyncGenerator<RealtimeEvent<D>, void, undefined> {
    const signal = this.controller.signal;
    let failures = 0;
    let attempt = 0;
    try {
      while (!signal.aborted) {
        attempt++;
        let failure: unknown;
        try {
          const response = await this.connect(signal);
          if (!response.ok) {
            const problem = await ReighProblem.fromResponse(response);
            if (!problem.retryable) {
              throw problem;
            }
            failure = problem;
          } else if (!(response.headers.get("Content-Type") ?? "").startsWith("text/event-stream") || !response.body) {
            throw new Error(`GET /v1/events answered ${response.headers.get("Content-Type")}, not text/event-stream`);
          } else {
            this.options.onConnect?.({ attempt, lastEventId: this.lastId });
            const parser = new SseParser(this.lastId);
            const reader = response.body.getReader();
            const decoder = new TextDecoder();
            try {
              for (;;) {
                const { done, value } = await reader.read();
                if (done) {
                  break;
                }
                failures = 0; // bytes arrived: the connection works; a later drop starts the backoff anew
                for (const message of parser.push(decoder.decode(value, { stream: true }))) {
                  this.lastId = message.id ?? this.lastId;
                  yield { event: message.event, id: message.id, data: parseData(message.data) as D };
                }
              }
            } finally {
              this.serverRetryMs = parser.retryMs ?? this.serverRetryMs;
              reader.releaseLock();
            }
            failure = new Error("the event stream ended");
          }
        } catch (error) {
          if (signal.aborted) {
            return;
          }
          if (error instanceof ReighProblem || !(error instanceof TypeError || isStreamError(error))) {
            throw error;
          }
          failure = error;
        }
        failures++;
        if (this.options.maxRetries !== undefined && failures > this.options.maxRetries) {
          throw failure;
        }
        const delayMs = this.delay(failures);
        this.options.onRetry?.({ error: failure, delayMs, failures });
        try {
          await sleep(delayMs, signal);
        } catch {
          return; // closed while waiting
        }
      }
    } finally {
      this.controller.abort();
    }
  }

  private async connect(signal: AbortSignal): Promise<Response> {
    const token = await this.source.token();
    const url = new URL("/v1/events", this.source.baseUrl);
    url.searchParams.set("project_id", this.options.projectId);
    const headers: Record<string, string> = { Accept: "text/event-stream", "Cache-Control": "no-cache" };
    if (token !== undefined) {
      if (this.options.tokenInQuery) {
        url.searchParams.set("access_token", token);
      } else {
        headers.Authorization = `Bearer ${token}`;
      }
    }
    if (this.lastId !== undefined) {
      headers["Last-Event-ID"] = this.lastId;
    }
    return this.source.fetch(url, { headers, signal });
  }

  /** Exponential backoff from the server's `retry:` (or the initial delay), capped, with ±20 % jitter. */
  private delay(failures: number): number {
    const base = this.serverRetryMs ?? this.options.initialDelayMs ?? 500;
    const max = this.options.maxDelayMs ?? 30_000;
    const exponential = Math.min(max, base * 2 ** Math.min(failures - 1, 30));
    return Math.round(exponential * (0.8 + Math.random() * 0.4));
  }
}

/** A connection that breaks mid-stream surfaces as a TypeError in browsers and a few error kinds in Node. */
function isStreamError(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && /^(ECONNRESET|ECONNREFUSED|EPIPE|UND_ERR_.*|ERR_STREAM_PREMATURE_CLOSE)$/.test(code);
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/**
 * The URL for a browser's own EventSource, which cannot send headers: the token goes in the query
 * (the one route that accepts `?access_token=`). EventSource reconnects and sends Last-Event-ID itself.
 */
export function eventSourceUrl(baseUrl: string, projectId: string, token: string): string {
  const url = new URL("/v1/events", baseUrl);
  url.searchParams.set("project_id", projectId);
  url.searchParams.set("access_token", token);
  return url.toString();
}
