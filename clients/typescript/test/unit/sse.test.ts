import { test } from "node:test";
import assert from "node:assert/strict";

import { SseParser, type SseMessage } from "../../src/sse.js";

const STREAM = "\uFEFF: keep-alive\r\nid: 7\r\nevent: task.created\r\ndata: {\"id\":\"a\",\r\ndata:  \"x\":1}\r\n\r\n"
  + ": comment\n\nretry: 1500\nid: 8\ndata\n\nevent: ignored-without-data\nid: 9\n\ndata: plain\r\rdata: last\n\n";

const EXPECTED: SseMessage[] = [
  { event: "task.created", data: "{\"id\":\"a\",\n \"x\":1}", id: "7" },
  { event: "message", data: "", id: "8" },
  { event: "message", data: "plain", id: "9" },
  { event: "message", data: "last", id: "9" },
];

test("parses fields, multi-line data, comments, ids and every line ending", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push(STREAM), EXPECTED);
  assert.equal(parser.retryMs, 1500);
  assert.equal(parser.lastId, "9");
});

test("gives the same events however the stream is cut into chunks", () => {
  for (let size = 1; size <= 7; size++) {
    for (let offset = 0; offset < size; offset++) {
      const parser = new SseParser();
      const events: SseMessage[] = [];
      events.push(...parser.push(STREAM.slice(0, offset)));
      for (let i = offset; i < STREAM.length; i += size) {
        events.push(...parser.push(STREAM.slice(i, i + size)));
      }
      assert.deepEqual(events, EXPECTED, `chunks of ${size} from ${offset}`);
    }
  }
});

test("an event is dispatched only at its blank line, and an unfinished one is kept for the next chunk", () => {
  const parser = new SseParser("3");
  assert.deepEqual(parser.push("id: 4\ndata: half"), []);
  assert.deepEqual(parser.push(" and half\n"), []);
  assert.deepEqual(parser.push("\n"), [{ event: "message", data: "half and half", id: "4" }]);
});

test("an id with a NUL is ignored and a bad retry is ignored", () => {
  const parser = new SseParser("1");
  assert.deepEqual(parser.push("id: a\u0000b\nretry: soon\ndata: x\n\n"), [{ event: "message", data: "x", id: "1" }]);
  assert.equal(parser.retryMs, undefined);
});
