import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { paths } from "./generated/openapi.js";
import { EventStream, type EventStreamOptions, type RealtimeChange } from "./realtime.js";

/** A token, or a function giving the current one (called per request: refresh it there). */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export interface ReighClientOptions {
  /** The gateway's origin, e.g. `http://localhost:8080` (the web app's one origin). */
  baseUrl: string;
  /** A JWT from the identity provider, a personal access token (`reigh_pat_…`), or a function giving one. */
  token?: TokenSource;
  /** Another fetch (tests, instrumentation); the global one by default. */
  fetch?: typeof fetch;
  /** Headers sent with every call. */
  headers?: Record<string, string>;
}

export interface ReighClient {
  /**
   * Typed calls on every route of the public API (types generated from the gateway's /openapi.json):
   * `await ok(reigh.api.POST("/v1/projects", { body: { name: "Trailer" } }))`.
   */
  readonly api: Client<paths>;
  readonly baseUrl: string;
  /** The current token (what the auth middleware sends). */
  token(): Promise<string | undefined>;
  /** The realtime stream of a project (server-sent events, resumable). */
  events<D = RealtimeChange>(options: EventStreamOptions): EventStream<D>;
}

/** Sends `Authorization: Bearer <token>` on every call that does not carry its own. */
export function authMiddleware(token: () => Promise<string | undefined>): Middleware {
  return {
    async onRequest({ request }) {
      if (!request.headers.has("Authorization")) {
        const current = await token();
        if (current !== undefined) {
          request.headers.set("Authorization", `Bearer ${current}`);
        }
      }
      return request;
    },
  };
}

export function createReighClient(options: ReighClientOptions): ReighClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const source = options.token;
  const token = async (): Promise<string | undefined> => (typeof source === "function" ? await source() : source);
  const api = createClient<paths>({ baseUrl, fetch: fetchImpl, headers: options.headers });
  api.use(authMiddleware(token));
  return {
    api,
    baseUrl,
    token,
    events<D = RealtimeChange>(streamOptions: EventStreamOptions): EventStream<D> {
      return new EventStream<D>({ baseUrl, fetch: fetchImpl, token }, streamOptions);
    },
  };
}
