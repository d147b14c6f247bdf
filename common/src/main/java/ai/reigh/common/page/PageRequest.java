package ai.reigh.common.page;

import java.time.Instant;
import java.util.UUID;

import ai.reigh.common.error.ProblemException;

/**
 * {@code ?limit=&cursor=} of every list: limit 1..200 (default 50), a cursor from a previous page.
 * Queries fetch {@link #fetchSize()} rows (one more than the page) to know whether a next page exists.
 * {@code ?include_total=true} asks for the exact number of matching items as well ({@link Page#total}):
 * lists that offer it count, in the same transaction, the rows their filters match without the cursor
 * and the limit. It costs a count over the filtered rows, so it is never done unasked.
 */
public record PageRequest(int limit, Cursor after, boolean includeTotal) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    public static PageRequest of(Integer limit, String cursor) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ProblemException.validation("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return new PageRequest(size, cursor == null || cursor.isEmpty() ? null : Cursor.decode(cursor), false);
    }

    /**
     * The page a request's query asks for, from the raw strings: {@code ?limit=abc} is a 400 like
     * {@code ?limit=0}, not the 404 JAX-RS gives a query parameter it cannot convert. Every list takes
     * its {@code limit} and {@code cursor} as strings and comes here.
     */
    public static PageRequest fromQuery(String limit, String cursor) {
        Integer size = null;
        if (limit != null && !limit.isEmpty()) {
            if (limit.length() > 4 || !limit.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw ProblemException.validation("limit", "must be an integer between 1 and " + MAX_LIMIT);
            }
            size = Integer.valueOf(limit);
        }
        return of(size, cursor);
    }

    /** Also reads {@code ?include_total=}: {@code true}, {@code false} or absent; anything else is a 400. */
    public static PageRequest fromQuery(String limit, String cursor, String includeTotal) {
        PageRequest page = fromQuery(limit, cursor);
        if (includeTotal == null || includeTotal.equals("false")) {
            return page;
        }
        if (!includeTotal.equals("true")) {
            throw ProblemException.validation("include_total", "must be true or false");
        }
        return new PageRequest(page.limit(), page.after(), true);
    }

    public int fetchSize() {
        return limit + 1;
    }

    /** The cursor's timestamp, or null on the first page (for {@code ($n::timestamptz IS NULL OR …)}). */
    public Instant afterCreatedAt() {
        return after == null ? null : after.createdAt();
    }

    public UUID afterId() {
        return after == null ? null : after.id();
    }
}
