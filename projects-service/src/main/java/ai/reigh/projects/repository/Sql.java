package ai.reigh.projects.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Parameters and small statements shared by the repositories. */
final class Sql {
    private Sql() {
    }

    /**
     * A parameter tuple that accepts nulls and converts what the client does not take as is:
     * Instants become UTC timestamps, JSON trees become jsonb values.
     */
    static Tuple params(Object... values) {
        List<Object> converted = new ArrayList<>(values.length);
        for (Object value : values) {
            if (value instanceof Instant instant) {
                converted.add(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
            } else if (value instanceof JsonNode node) {
                converted.add(Rows.jsonb(node));
            } else {
                converted.add(value);
            }
        }
        return Tuple.from(converted);
    }

    /** {@code id, name} with a table alias: {@code p.id, p.name}. */
    static String qualified(String alias, String columns) {
        return String.join(", ", Arrays.stream(columns.split(",")).map(String::trim).map(c -> alias + "." + c).toList());
    }

    static long firstLong(RowSet<Row> rows) {
        Row row = rows.iterator().next();
        return row.getLong(0);
    }

    /**
     * Serialises the quota checks of one owner (count, then insert): a transaction-scoped advisory
     * lock on a key of the owner, so two concurrent creates cannot both pass a count of limit - 1.
     */
    static Uni<Void> lockQuota(SqlConnection connection, String quota, UUID owner) {
        return connection.preparedQuery("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS locked")
                .execute(Tuple.of("reigh.projects.quota:" + quota + ":" + owner)).replaceWithVoid();
    }
}
