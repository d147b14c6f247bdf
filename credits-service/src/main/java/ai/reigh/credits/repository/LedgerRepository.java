package ai.reigh.credits.repository;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
 * {@code credits_ledger}: append-only. Every write is one INSERT; the table's trigger moves
 * {@code users.total_credits} by {@code + amount} in the same statement. Deduplication is the unique
 * indexes' job ({@code ON CONFLICT ... DO NOTHING}), never a read before the write: a statement that
 * inserted nothing means "already there", and the caller reads the existing row in a new statement
 * (READ COMMITTED: it then sees the concurrent writer's committed row).
 */
@ApplicationScoped
public class LedgerRepository {
    static final String COLUMNS = "id, user_id, amount, type, task_id, refund_of, idempotency_key, created_by, "
            + "metadata::text AS metadata, created_at";

    /** One spend per task: {@code credits_ledger_one_spend_per_task}. */
    static final String INSERT_SPEND = "INSERT INTO credits_ledger (user_id, amount, type, task_id, metadata) "
            + "VALUES ($1, $2, 'spend', $3, $4::text::jsonb) "
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
    static final String PAGE_OF_USER = "SELECT " + COLUMNS + " FROM credits_ledger WHERE user_id = $1 "
            + "AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3)) ORDER BY created_at DESC, id DESC LIMIT $4";

    /** The new spend, or null when the task already has one. */
    public Uni<LedgerEntryRow> insertSpend(SqlConnection connection, UUID userId, BigDecimal amount, UUID taskId,
            JsonNode metadata) {
        return connection.preparedQuery(INSERT_SPEND)
                .execute(Tuple.of(userId, amount, taskId, CreditsJson.write(metadata)))
                .map(rows -> Rows.first(rows, LedgerRepository::map));
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

    /** {@code fetchSize} entries of one user, newest first, after the keyset position (null: from the top). */
    public Uni<List<LedgerEntryRow>> pageOfUser(SqlConnection connection, UUID userId, Instant afterCreatedAt,
            UUID afterId, int fetchSize) {
        OffsetDateTime after = afterCreatedAt == null ? null : OffsetDateTime.ofInstant(afterCreatedAt, ZoneOffset.UTC);
        Tuple values = Tuple.tuple().addValue(userId).addValue(after).addValue(afterId).addValue(fetchSize);
        return connection.preparedQuery(PAGE_OF_USER).execute(values).map(rows -> Rows.map(rows, LedgerRepository::map));
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
