/**
 * A server-sent events parser (the WHATWG "event stream interpretation"), fed text in chunks of any
 * size: a line, a CRLF or a multi-byte character may be split across chunks. Used by the realtime
 * helper, which reads the stream with fetch, so that it works the same in Node (no EventSource) and in
 * browsers, and can send headers (Authorization, Last-Event-ID) that EventSource cannot.
 */

/** One dispatched event. `id` is the stream's last event id when it was dispatched (may be inherited). */
export interface SseMessage {
  event: string;
  data: string;
  id: string | undefined;
}

export class SseParser {
  private buffer = "";
  private started = false;
  /** A chunk ended with CR: a LF at the start of the next chunk belongs to the same line ending. */
  private pendingCr = false;
  private eventType = "";
  private data: string[] = [];
  private lastEventId: string | undefined;
  /** The reconnection delay the server asked for (`retry:`), in milliseconds. */
  retryMs: number | undefined;

  constructor(lastEventId?: string) {
    this.lastEventId = lastEventId;
  }

  /** The stream's last event id (set by `id:` lines, kept across events as the specification says). */
  get lastId(): string | undefined {
    return this.lastEventId;
  }

  /** Parses a chunk; returns the events it completed. */
  push(chunk: string): SseMessage[] {
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) {
        text = text.slice(1);
      }
    }
    if (this.pendingCr && text.startsWith("\n")) {
      text = text.slice(1);
    }
    this.pendingCr = false;
    this.buffer += text;
    const messages: SseMessage[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) {
        continue;
      }
      const line = this.buffer.slice(start, i);
      if (c === 13) {
        if (i + 1 < this.buffer.length) {
          if (this.buffer.charCodeAt(i + 1) === 10) {
            i++;
          }
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
      const message = this.line(line);
      if (message) {
        messages.push(message);
      }
    }
    this.buffer = this.buffer.slice(start);
    return messages;
  }

  private line(line: string): SseMessage | undefined {
    if (line === "") {
      return this.dispatch();
    }
    if (line.startsWith(":")) {
      return undefined; // a comment: the server's keep-alive
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) {
      value = value.slice(1);
    }
    switch (field) {
      case "event":
        this.eventType = value;
        break;
      case "data":
        this.data.push(value);
        break;
      case "id":
        if (!value.includes("\u0000")) {
          this.lastEventId = value;
        }
        break;
      case "retry":
        if (/^[0-9]+$/.test(value)) {
          this.retryMs = Number(value);
        }
        break;
      default:
        break; // unknown fields are ignored
    }
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const type = this.eventType;
    const data = this.data;
    this.eventType = "";
    this.data = [];
    if (data.length === 0) {
      return undefined; // nothing to dispatch (an id-only block still moved lastEventId)
    }
    return { event: type === "" ? "message" : type, data: data.join("\n"), id: this.lastEventId };
  }
}
