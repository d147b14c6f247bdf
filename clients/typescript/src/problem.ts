import type { components } from "./generated/openapi.js";

/** The body of every failure of the API (RFC 9457 problem details), as the merged document describes it. */
export type Problem = components["schemas"]["Problem"];
export type FieldError = components["schemas"]["FieldError"];

/** Statuses worth retrying (after Retry-After when the server gives one): the request may succeed later. */
const RETRYABLE_STATUSES = new Set([408, 429, 502, 503, 504]);

/**
 * A failed call, thrown by {@link ok} and the helpers: the problem's stable `code`, the HTTP `status`
 * and the `requestId` to quote to support (the gateway's X-Request-Id), plus the invalid fields of a 400.
 */
export class ReighProblem extends Error {
  override readonly name = "ReighProblem";
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly type: string | undefined;
  readonly errors: FieldError[];
  readonly requestId: string | undefined;
  /** Seconds the server asked the client to wait (Retry-After), if it did. */
  readonly retryAfterSeconds: number | undefined;

  constructor(problem: {
    status: number;
    code: string;
    title?: string;
    detail?: string;
    type?: string;
    errors?: FieldError[];
    requestId?: string;
    retryAfterSeconds?: number;
  }) {
    super(`${problem.status} ${problem.code}${problem.detail ? `: ${problem.detail}` : ""}`
      + (problem.requestId ? ` (request ${problem.requestId})` : ""));
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title ?? problem.code;
    this.detail = problem.detail;
    this.type = problem.type;
    this.errors = problem.errors ?? [];
    this.requestId = problem.requestId;
    this.retryAfterSeconds = problem.retryAfterSeconds;
  }

  /** True when trying again later may succeed (rate limited, a service down or slow). */
  get retryable(): boolean {
    return RETRYABLE_STATUSES.has(this.status);
  }

  /** The message of the invalid field `field`, if the problem names it. */
  fieldError(field: string): string | undefined {
    return this.errors.find((error) => error.field === field)?.message;
  }

  /**
   * The problem a response carries. A body that is not a problem (an HTML error page of a proxy in
   * front of the gateway, an empty body) still gives a problem, with the code `http_<status>`.
   */
  static from(body: unknown, response: Response): ReighProblem {
    const problem = isProblemBody(body) ? body : undefined;
    const retryAfter = response.headers.get("Retry-After");
    const retryAfterSeconds = retryAfter !== null && /^[0-9]+$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
    return new ReighProblem({
      status: problem?.status ?? response.status,
      code: problem?.code ?? `http_${response.status}`,
      title: problem?.title ?? (response.statusText || undefined),
      detail: problem?.detail ?? (typeof body === "string" && body.length > 0 ? body.slice(0, 200) : undefined),
      type: problem?.type,
      errors: problem?.errors ?? undefined,
      requestId: problem?.request_id ?? response.headers.get("X-Request-Id") ?? undefined,
      retryAfterSeconds,
    });
  }

  /** The problem of a response whose body has not been read yet. */
  static async fromResponse(response: Response): Promise<ReighProblem> {
    const text = await response.text().catch(() => "");
    let body: unknown = text;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: kept as text for the detail.
    }
    return ReighProblem.from(body, response);
  }
}

export function isReighProblem(error: unknown): error is ReighProblem {
  return error instanceof ReighProblem;
}

function isProblemBody(body: unknown): body is Problem {
  return typeof body === "object" && body !== null && typeof (body as { code?: unknown }).code === "string"
    && typeof (body as { status?: unknown }).status === "number";
}

/**
 * The data of a typed call, or its failure thrown as a {@link ReighProblem}:
 * `const project = await ok(reigh.api.GET("/v1/projects/{id}", { params: { path: { id } } }))`.
 */
export async function ok<R extends { data?: unknown; error?: unknown; response: Response }>(
  call: Promise<R>,
): Promise<DataOf<R>> {
  const result = await call;
  if (!result.response.ok) {
    throw ReighProblem.from(result.error, result.response);
  }
  return result.data as DataOf<R>;
}

/**
 * The success body type of a call (void for a call that answers 204). Not distributed over the
 * union openapi-fetch answers (`{data} | {error}`): the error member's `data?: never` adds nothing.
 */
export type DataOf<R> = [R] extends [{ data?: infer D }]
  ? ([Exclude<D, undefined>] extends [never] ? void : Exclude<D, undefined>)
  : never;
