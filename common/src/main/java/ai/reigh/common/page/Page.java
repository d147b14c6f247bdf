package ai.reigh.common.page;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** A page of a list: {@code {items, next_cursor}}; {@code next_cursor} is null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {

    /**
     * Builds a page from {@code request.fetchSize()} rows in keyset order: the extra row, if any, only
     * says that there is more.
     */
    public static <T> Page<T> of(List<T> rows, PageRequest request, Function<T, Instant> createdAt,
            Function<T, UUID> id) {
        if (rows.size() <= request.limit()) {
            return new Page<>(List.copyOf(rows), null);
        }
        List<T> items = List.copyOf(rows.subList(0, request.limit()));
        T last = items.get(items.size() - 1);
        return new Page<>(items, new Cursor(createdAt.apply(last), id.apply(last)).encode());
    }
}
