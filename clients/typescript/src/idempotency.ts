import { ReighProblem } from "./problem.js";

/** The header the API reads an idempotency key from (task and money creations; API.md "Idempotency"). */
export const IDEMPOTENCY_HEADER = "Idempotency-Key";

/**
 * A fresh idempotency key: make one per logical action (one click of "Generate"), keep it while retrying
 * that action, and a replay answers the first result instead of creating a second task or charge.
 */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/** The headers that carry `key`: `reigh.api.POST("/v1/tasks", { body, headers: idempotencyHeaders(key) })`. */
export function idempotencyHeaders(key: string): Record<string, string> {
  if (key.length === 0 || key.length > 200) {
    throw new RangeError("an idempotency key has 1 to 200 characters");
  }
  return { [IDEMPOTENCY_HEADER]: key };
}

export interface RetryOptions {
  /** Attempts in all, the first included (default 4). */
  attempts?: number;
  /** Delay before the second attempt, doubled each time (default 250 ms), unless the server says Retry-After. */
  initialDelayMs?: number;
  /** The longest delay between attempts (default 10 s). */
  maxDelayMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs `attempt` again while it fails in a way another try can fix: the network (fetch threw) or a
 * retryable problem (429, 502, 503, 504; after its Retry-After). Safe for creations only when `attempt`
 * sends the same idempotency key every time: a request that did reach the server is then answered with
 * its first result instead of being done twice.
 */
export async function retrying<T>(attempt: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  let delay = options.initialDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 10_000;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const retryable = error instanceof ReighProblem ? error.retryable : isNetworkError(error);
      if (!retryable || n >= attempts || options.signal?.aborted) {
        throw error;
      }
      const asked = error instanceof ReighProblem && error.retryAfterSeconds !== undefined
        ? error.retryAfterSeconds * 1000 : undefined;
      await sleep(Math.min(maxDelay, asked ?? delay), options.signal);
      delay = Math.min(maxDelay, delay * 2);
    }
  }
}

/** fetch rejects with a TypeError when the request did not complete (refused, reset, DNS). */
function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
