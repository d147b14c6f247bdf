package ai.reigh.common.page;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A page of a list: {@code {items, next_cursor}}; {@code next_cursor} is null on the last page.
 * {@code total} (only when the request asked for it, {@code ?include_total=true}) counts every item
 * that matches the list's filters, whatever the cursor and the limit; it is absent otherwise.
 */
public record Page<T>(List<T> items, String nextCursor, @JsonInclude(JsonInclude.Include.NON_NULL) Long total) {

    public Page(List<T> items, String nextCursor) {
        this(items, nextCursor, null);
    }

    /**
     * Builds a page from {@code request.fetchSize()} rows in keyset order: the extra row, if any, only
     * says that there is more.
     */
    public static <T> Page<T> of(List<T> rows, PageRequest request, Function<T, Instant> createdAt,
            Function<T, UUID> id) {
        return ofRows(rows, request.limit(), last -> new Cursor(createdAt.apply(last), id.apply(last)).encode());
    }

    /**
     * Builds a page from up to {@code limit + 1} rows in keyset order, for lists whose cursor is not
     * (created_at, id): the extra row, if any, only says that there is more, and {@code cursorAfter}
     * encodes the page's last item as the next page's cursor.
     */
    public static <T> Page<T> ofRows(List<T> rows, int limit, Function<T, String> cursorAfter) {
        if (rows.size() <= limit) {
            return new Page<>(List.copyOf(rows), null);
        }
        List<T> items = List.copyOf(rows.subList(0, limit));
        return new Page<>(items, cursorAfter.apply(items.get(items.size() - 1)));
    }

    public Page<T> withTotal(long count) {
        return new Page<>(items, nextCursor, count);
    }

    /** The same page with each item turned into its view; the cursor and the total stay. */
    public <V> Page<V> map(Function<T, V> view) {
        return new Page<>(items.stream().map(view).toList(), nextCursor, total);
    }
}
