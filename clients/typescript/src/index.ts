/**
 * @reigh/client: a typed client of the Reigh platform's public API. The types are generated from the
 * gateway's merged OpenAPI document (`./reigh api types`); the helpers add what a web app needs around
 * them: auth, problems as errors, idempotency keys, page walking and the realtime stream.
 */
export { createReighClient, authMiddleware } from "./client.js";
export type { ReighClient, ReighClientOptions, TokenSource } from "./client.js";
export { ReighProblem, isReighProblem, ok } from "./problem.js";
export type { Problem, FieldError, DataOf } from "./problem.js";
export { IDEMPOTENCY_HEADER, newIdempotencyKey, idempotencyHeaders, retrying } from "./idempotency.js";
export type { RetryOptions } from "./idempotency.js";
export { pages, items, collect, NumberedPager } from "./pagination.js";
export type { CursorPage, PageReader, SizedPageReader, NumberedPage, WalkOptions } from "./pagination.js";
export { EventStream, eventSourceUrl } from "./realtime.js";
export type { EventStreamOptions, RealtimeChange, RealtimeEvent } from "./realtime.js";
export { SseParser } from "./sse.js";
export type { SseMessage } from "./sse.js";
export type { paths, components, operations } from "./generated/openapi.js";

import type { components } from "./generated/openapi.js";
/** The API's schemas by name: `Schemas["TaskView"]`. */
export type Schemas = components["schemas"];
