/**
 * Walking the API's lists. Every list answers `{items, next_cursor}` (`next_cursor` null on the last page,
 * `total` when asked with `include_total=true`); the cursor is opaque and passed back as `?cursor=`.
 */

/** One page as the API answers it (the generated types mark every field optional). */
export interface CursorPage<T> {
  items?: T[];
  next_cursor?: string | null;
  total?: number | null;
}

/** Reads the page after `cursor` (undefined: the first page). */
export type PageReader<T> = (cursor: string | undefined) => Promise<CursorPage<T>>;

export interface WalkOptions {
  /** Stop after this many pages, whatever remains (default: no limit). */
  maxPages?: number;
  signal?: AbortSignal;
}

/** Every page, in order, until the last: `for await (const page of pages(cursor => ok(...)))`. */
export async function* pages<T>(read: PageReader<T>, options: WalkOptions = {}): AsyncGenerator<T[], void, undefined> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let n = 0; options.maxPages === undefined || n < options.maxPages; n++) {
    options.signal?.throwIfAborted();
    const page = await read(cursor);
    yield page.items ?? [];
    const next = page.next_cursor ?? undefined;
    if (next === undefined || next === "") {
      return;
    }
    if (seen.has(next)) {
      throw new Error(`the list answered the cursor ${next} twice: stopping rather than looping`);
    }
    seen.add(next);
    cursor = next;
  }
}

/** Every item of every page, in order. */
export async function* items<T>(read: PageReader<T>, options: WalkOptions = {}): AsyncGenerator<T, void, undefined> {
  for await (const page of pages(read, options)) {
    yield* page;
  }
}

/** The first `limit` items (all of them when no limit), as an array. */
export async function collect<T>(iterable: AsyncIterable<T>, limit = Number.POSITIVE_INFINITY): Promise<T[]> {
  const all: T[] = [];
  if (limit <= 0) {
    return all;
  }
  for await (const item of iterable) {
    all.push(item);
    if (all.length >= limit) {
      break;
    }
  }
  return all;
}

/** Reads the page of `limit` items after `cursor`, asking for the total (`include_total=true`) if it can. */
export type SizedPageReader<T> = (cursor: string | undefined, limit: number) => Promise<CursorPage<T>>;

/** A numbered page: what an "offset" pager (page 3 of 12) shows. */
export interface NumberedPage<T> {
  /** Zero-based. */
  index: number;
  items: T[];
  /** All items of the list, when the route gives totals. */
  total: number | undefined;
  /** Pages in all, when the total is known. */
  pageCount: number | undefined;
  hasNext: boolean;
}

/**
 * Page numbers over cursor pages, for screens that show "page n of m": page n is reached by following
 * cursors, and every cursor seen is remembered, so moving to a neighbouring page, or back, costs one
 * request. Cursors stay valid while rows are added (keyset order), unlike offsets, which shift.
 */
export class NumberedPager<T> {
  private readonly cursors: (string | undefined)[] = [undefined];
  private total: number | undefined;

  constructor(private readonly read: SizedPageReader<T>, readonly pageSize: number) {
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) {
      throw new RangeError("a page has 1 to 200 items");
    }
  }

  async page(index: number): Promise<NumberedPage<T>> {
    if (!Number.isInteger(index) || index < 0) {
      throw new RangeError("a page index is a whole number from 0");
    }
    let known = this.cursors.length - 1;
    while (known < index) {
      // Walk from the furthest page whose cursor is known.
      const page = await this.read(this.cursors[known], this.pageSize);
      this.remember(known, page);
      if (!page.next_cursor) {
        return { index, items: [], total: this.total, pageCount: this.pageCount(), hasNext: false };
      }
      known++;
    }
    const page = await this.read(this.cursors[index], this.pageSize);
    this.remember(index, page);
    return {
      index,
      items: page.items ?? [],
      total: this.total,
      pageCount: this.pageCount(),
      hasNext: Boolean(page.next_cursor),
    };
  }

  private remember(index: number, page: CursorPage<T>): void {
    if (typeof page.total === "number") {
      this.total = page.total;
    }
    if (page.next_cursor && this.cursors.length === index + 1) {
      this.cursors.push(page.next_cursor);
    }
  }

  private pageCount(): number | undefined {
    return this.total === undefined ? undefined : Math.max(1, Math.ceil(this.total / this.pageSize));
  }
}
