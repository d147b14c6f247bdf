package ai.reigh.credits.repository;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@code credits_ledger}: append-only. Every write is one INSERT; the table's statement trigger moves
 * {@code users.total_credits} by the sum of each user's new entries, in the same statement.
 * Deduplication is the unique indexes' job ({@code ON CONFLICT ... DO NOTHING}), never a read before the
 * write: a statement that inserted nothing means "already there", and the caller reads the existing row
 * in a new statement (READ COMMITTED: it then sees the concurrent writer's committed row).
 */
@ApplicationScoped
public class LedgerRepository {
    static final String COLUMNS = "id, user_id, amount, type, task_id, refund_of, idempotency_key, created_by, "
            + "metadata::text AS metadata, created_at";

    /**
     * Spends, one per task ({@code credits_ledger_one_spend_per_task}), any number in one statement; its
     * statement trigger moves each user's balance once (V2_35). Rows go in a fixed order (user, task), so
     * two batches that overlap (a batch and its retry) meet on the unique index's keys in the same order.
     */
    static final String INSERT_SPENDS = "INSERT INTO credits_ledger (user_id, amount, type, task_id, metadata) "
            + "SELECT s.user_id, s.amount, 'spend', s.task_id, s.metadata::jsonb "
            + "FROM unnest($1::uuid[], $2::numeric[], $3::uuid[], $4::text[]) AS s(user_id, amount, task_id, metadata) "
            + "ORDER BY s.user_id, s.task_id "
            + "ON CONFLICT (task_id) WHERE type = 'spend' DO NOTHING RETURNING " + COLUMNS;

    /** Welcome bonus, grants, Stripe: {@code credits_ledger_unique_idempotency_key}. */
    static final String INSERT_KEYED = "INSERT INTO credits_ledger (user_id, amount, type, idempotency_key, created_by, metadata) "
            + "VALUES ($1, $2, $3, $4, $5, $6::text::jsonb) "
            + "ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING " + COLUMNS;

    /** One refund per spend: {@code credits_ledger_one_refund_per_spend}. */
    static final String INSERT_REFUND = "INSERT INTO credits_ledger (user_id, amount, type, refund_of, task_id, created_by, metadata) "
            + "VALUES ($1, $2, 'refund', $3, $4, $5, $6::text::jsonb) "
            + "ON CONFLICT (refund_of) WHERE type = 'refund' DO NOTHING RETURNING " + COLUMNS;

    static final String SPEND_OF_TASK = "SELECT " + COLUMNS + " FROM credits_ledger WHERE task_id = $1 AND type = 'spend'";
    static final String BY_KEY = "SELECT " + COLUMNS + " FROM credits_ledger WHERE idempotency_key = $1";
    static final String BY_ID = "SELECT " + COLUMNS + " FROM credits_ledger WHERE id = $1";
    static final String REFUND_OF = "SELECT " + COLUMNS + " FROM credits_ledger WHERE refund_of = $1 AND type = 'refund'";

    /** A spend to write: its amount is negative. */
    public record NewSpend(UUID userId, BigDecimal amount, UUID taskId, JsonNode metadata) {
    }

    /** The new spends; a task that already has one (a concurrent charge committed first) is not among them. */
    public Uni<List<LedgerEntryRow>> insertSpends(SqlConnection connection, List<NewSpend> spends) {
        Tuple values = Tuple.of(spends.stream().map(NewSpend::userId).toArray(UUID[]::new),
                spends.stream().map(NewSpend::amount).toArray(BigDecimal[]::new),
                spends.stream().map(NewSpend::taskId).toArray(UUID[]::new),
                spends.stream().map(spend -> CreditsJson.write(spend.metadata())).toArray(String[]::new));
        return connection.preparedQuery(INSERT_SPENDS).execute(values)
                .map(rows -> Rows.map(rows, LedgerRepository::map));
    }

    /** The new entry, or null when an entry with this idempotency key exists. */
    public Uni<LedgerEntryRow> insertKeyed(SqlConnection connection, UUID userId, BigDecimal amount, String type,
            String idempotencyKey, UUID createdBy, JsonNode metadata) {
        Tuple values = Tuple.tuple().addValue(userId).addValue(amount).addValue(type).addValue(idempotencyKey)
                .addValue(createdBy).addValue(CreditsJson.write(metadata));
        return connection.preparedQuery(INSERT_KEYED).execute(values).map(rows -> Rows.first(rows, LedgerRepository::map));
    }

    /** The new refund (carrying the spend's task id), or null when the spend already has one. */
    public Uni<LedgerEntryRow> insertRefund(SqlConnection connection, LedgerEntryRow spend, BigDecimal amount,
            UUID createdBy, JsonNode metadata) {
        Tuple values = Tuple.tuple().addValue(spend.userId()).addValue(amount).addValue(spend.id())
                .addValue(spend.taskId()).addValue(createdBy).addValue(CreditsJson.write(metadata));
        return connection.preparedQuery(INSERT_REFUND).execute(values).map(rows -> Rows.first(rows, LedgerRepository::map));
    }

    public Uni<LedgerEntryRow> spendOfTask(SqlConnection connection, UUID taskId) {
        return one(connection, SPEND_OF_TASK, taskId);
    }

    public Uni<LedgerEntryRow> byIdempotencyKey(SqlConnection connection, String key) {
        return one(connection, BY_KEY, key);
    }

    public Uni<LedgerEntryRow> byId(SqlConnection connection, UUID id) {
        return one(connection, BY_ID, id);
    }

    public Uni<LedgerEntryRow> refundOf(SqlConnection connection, UUID spendId) {
        return one(connection, REFUND_OF, spendId);
    }

    static final String TYPES = "type = ANY ($%d::text[])";
    static final String NOT_TYPES = "type <> ALL ($%d::text[])";
    static final String TASKS = "task_id = ANY ($%d::uuid[])";
    /** The web app's ledger page ("everything but spends"): its own partial index, named by this exact predicate. */
    static final String NOT_SPEND = "type <> 'spend'";

    /**
     * A filtered page (see {@link LedgerFilter}): only the present filters are in the statement, so each
     * shape gets its own plan; the owner is always the first condition.
     */
    public Uni<List<LedgerEntryRow>> pageOfUser(SqlConnection connection, UUID userId, LedgerFilter filter,
            Instant afterCreatedAt, UUID afterId, int fetchSize) {
        return page(connection, userId, filter, afterCreatedAt, afterId, fetchSize);
    }

    /**
     * An operator's page: of one user, or of everyone ({@code userId} null: the newest entries of the
     * platform, index {@code credits_ledger_newest_first}), with the same filters.
     */
    public Uni<List<LedgerEntryRow>> page(SqlConnection connection, UUID userId, LedgerFilter filter,
            Instant afterCreatedAt, UUID afterId, int fetchSize) {
        List<Object> arguments = new ArrayList<>();
        String where = where(userId, filter, arguments);
        int at = arguments.size() + 1;
        arguments.add(afterCreatedAt == null ? null : OffsetDateTime.ofInstant(afterCreatedAt, ZoneOffset.UTC));
        arguments.add(afterId);
        arguments.add(fetchSize);
        String sql = "SELECT " + COLUMNS + " FROM credits_ledger WHERE " + where
                + " AND ($%1$d::timestamptz IS NULL OR (created_at, id) < ($%1$d, $%2$d)) ORDER BY created_at DESC, id DESC LIMIT $%3$d"
                        .formatted(at, at + 1, at + 2);
        return connection.preparedQuery(sql).execute(Tuple.tuple(arguments)).map(rows -> Rows.map(rows, LedgerRepository::map));
    }

    /** How many entries {@link #pageOfUser} walks through with this filter. */
    public Uni<Long> countOfUser(SqlConnection connection, UUID userId, LedgerFilter filter) {
        List<Object> arguments = new ArrayList<>();
        String sql = "SELECT count(*) FROM credits_ledger WHERE " + where(userId, filter, arguments);
        return connection.preparedQuery(sql).execute(Tuple.tuple(arguments)).map(rows -> rows.iterator().next().getLong(0));
    }

    private static String where(UUID userId, LedgerFilter filter, List<Object> arguments) {
        StringBuilder where = new StringBuilder("true");
        if (userId != null) {
            arguments.add(userId);
            where.setLength(0);
            where.append("user_id = $1");
        }
        if (filter.types() != null && !filter.types().isEmpty()) {
            arguments.add(filter.types().toArray(String[]::new));
            where.append(" AND ").append(TYPES.formatted(arguments.size()));
        }
        if (filter.excludedTypes() != null && filter.excludedTypes().equals(List.of("spend"))) {
            where.append(" AND ").append(NOT_SPEND);
        } else if (filter.excludedTypes() != null && !filter.excludedTypes().isEmpty()) {
            arguments.add(filter.excludedTypes().toArray(String[]::new));
            where.append(" AND ").append(NOT_TYPES.formatted(arguments.size()));
        }
        if (filter.taskIds() != null && !filter.taskIds().isEmpty()) {
            arguments.add(filter.taskIds().toArray(UUID[]::new));
            where.append(" AND ").append(TASKS.formatted(arguments.size()));
        }
        return where.toString();
    }

    /** A user's balance next to the sum of their ledger: equal, or the invariant is broken. */
    static final String ACCOUNT = """
            SELECT u.total_credits AS balance, coalesce(sum(l.amount), 0) AS ledger_sum, count(l.id) AS entries
            FROM users u LEFT JOIN credits_ledger l ON l.user_id = u.id WHERE u.id = $1 GROUP BY u.id, u.total_credits
            """;

    /** Spends per minute over the last {@code $1} minutes, oldest first, every minute present. */
    static final String CHARGES_PER_MINUTE = """
            WITH window_start AS (
              SELECT date_trunc('minute', now()) - make_interval(mins => $1::int - 1) AS at
            ), counted AS (
              SELECT date_trunc('minute', l.created_at) AS minute, count(*) AS charges, -sum(l.amount) AS spent
              FROM credits_ledger l, window_start w WHERE l.type = 'spend' AND l.created_at >= w.at GROUP BY 1
            )
            SELECT m.minute, coalesce(c.charges, 0) AS charges, coalesce(c.spent, 0) AS spent
            FROM window_start w, generate_series(w.at, date_trunc('minute', now()), interval '1 minute') AS m(minute)
            LEFT JOIN counted c ON c.minute = m.minute
            ORDER BY m.minute
            """;

    /** Users whose balance is not the sum of their ledger (the invariant every write keeps). */
    static final String MISMATCHED_USERS = """
            SELECT count(*) FROM users u
            LEFT JOIN (SELECT user_id, sum(amount) AS total FROM credits_ledger GROUP BY user_id) l ON l.user_id = u.id
            WHERE u.total_credits <> coalesce(l.total, 0)
            """;

    public Uni<Long> mismatchedUsers(SqlConnection connection) {
        return connection.preparedQuery(MISMATCHED_USERS).execute().map(rows -> rows.iterator().next().getLong(0));
    }

    /** The user's balance, Σ ledger and entry count; null when there is no such user. */
    public Uni<AccountCheck> account(SqlConnection connection, UUID userId) {
        return connection.preparedQuery(ACCOUNT).execute(Tuple.of(userId)).map(rows -> Rows.first(rows,
                row -> new AccountCheck(row.getBigDecimal("balance"), row.getBigDecimal("ledger_sum"),
                        row.getLong("entries"))));
    }

    public Uni<List<ChargesInMinute>> chargesPerMinute(SqlConnection connection, int minutes) {
        return connection.preparedQuery(CHARGES_PER_MINUTE).execute(Tuple.of(minutes)).map(rows -> Rows.map(rows,
                row -> new ChargesInMinute(Rows.instant(row, "minute"), row.getLong("charges"), row.getBigDecimal("spent"))));
    }

    public record AccountCheck(BigDecimal balance, BigDecimal ledgerSum, long entries) {
        public boolean consistent() {
            return balance.compareTo(ledgerSum) == 0;
        }
    }

    public record ChargesInMinute(Instant minute, long charges, BigDecimal spent) {
    }

    private static Uni<LedgerEntryRow> one(SqlConnection connection, String sql, Object key) {
        return connection.preparedQuery(sql).execute(Tuple.of(key)).map(rows -> Rows.first(rows, LedgerRepository::map));
    }

    static LedgerEntryRow map(Row row) {
        return new LedgerEntryRow(row.getUUID("id"), row.getUUID("user_id"), row.getBigDecimal("amount"),
                row.getString("type"), row.getUUID("task_id"), row.getUUID("refund_of"), row.getString("idempotency_key"),
                row.getUUID("created_by"), CreditsJson.parse(row.getString("metadata")), Rows.instant(row, "created_at"));
    }
}
