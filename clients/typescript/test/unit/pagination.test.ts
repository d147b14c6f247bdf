import { test } from "node:test";
import assert from "node:assert/strict";

import { NumberedPager, collect, items, pages, type CursorPage } from "../../src/pagination.js";

/** A list of n numbers in pages of `size`, with cursors like the API's (opaque strings) and its reads counted. */
function list(n: number, size: number) {
  const reads: (string | undefined)[] = [];
  const read = async (cursor: string | undefined, limit = size): Promise<CursorPage<number>> => {
    reads.push(cursor);
    const start = cursor === undefined ? 0 : Number(cursor.slice(2));
    const itemsOfPage = Array.from({ length: Math.max(0, Math.min(limit, n - start)) }, (_, i) => start + i);
    const end = start + itemsOfPage.length;
    return { items: itemsOfPage, next_cursor: end < n ? `c:${end}` : null, total: n };
  };
  return { read, reads };
}

test("items walks every page in order and stops at a null cursor", async () => {
  const { read, reads } = list(7, 3);
  assert.deepEqual(await collect(items((cursor) => read(cursor))), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(reads, [undefined, "c:3", "c:6"]);
});

test("pages can stop early, and collect takes only what it needs", async () => {
  const { read, reads } = list(100, 10);
  assert.equal((await collect(pages((cursor) => read(cursor), { maxPages: 2 }))).length, 2);
  assert.deepEqual(await collect(items((cursor) => read(cursor)), 12), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.deepEqual(reads.slice(2), [undefined, "c:10"]);
});

test("a list that hands back a cursor it already gave is an error, not an endless loop", async () => {
  const looping = async (): Promise<CursorPage<number>> => ({ items: [1], next_cursor: "same" });
  await assert.rejects(collect(items(looping)), /cursor same twice/);
});

test("a numbered pager reaches page n through cursors and moves back and forth with one read each", async () => {
  const { read, reads } = list(25, 10);
  const pager = new NumberedPager<number>((cursor, limit) => read(cursor, limit), 10);
  const third = await pager.page(2);
  assert.deepEqual(third.items, [20, 21, 22, 23, 24]);
  assert.equal(third.total, 25);
  assert.equal(third.pageCount, 3);
  assert.equal(third.hasNext, false);
  assert.deepEqual(reads, [undefined, "c:10", "c:20"]);
  const first = await pager.page(0);
  assert.deepEqual(first.items.slice(0, 2), [0, 1]);
  assert.equal(first.hasNext, true);
  assert.equal(reads.length, 4);
  assert.deepEqual((await pager.page(5)).items, []);
});
