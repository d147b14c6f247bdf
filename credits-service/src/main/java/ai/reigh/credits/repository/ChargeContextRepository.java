package ai.reigh.credits.repository;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import ai.reigh.common.internal.ChargeRequest;
import ai.reigh.credits.repository.ChargeContext.RecordedTask;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The read half of charges, one round trip over {@code tasks} (read grant), {@code credits_ledger}
 * and {@code task_cost_config_versions} for any number of them (one, or the relay's batch). Together
 * with the spends' INSERT a charge is two statements; a replay is one.
 */
@ApplicationScoped
public class ChargeContextRepository {
    /**
     * The config version: the newest one in force at {@code started_at}; a task that started before
     * the type's first recorded version (history older than the registry) gets the first version. The
     * task's parent is read for the spend's metadata only: a sub-task is priced like any task. The
     * spend (one at most per task) is read by a probe per task ({@code LIMIT 1} keeps the planner from
     * turning it into a join): planned as a join on statistics that know no spends yet (a new ledger),
     * the generic plan read every spend for every charge of a batch, and kept doing so as spends grew.
     */
    static final String CHARGE_CONTEXT = """
            SELECT t.id AS task_id, t.user_id AS task_user_id, t.task_type AS task_task_type, t.status AS task_status,
                   t.parent_task_id,
                   s.id, s.user_id, s.amount, s.type, s.task_id, s.refund_of, s.idempotency_key, s.created_by,
                   s.metadata::text AS metadata, s.created_at,
                   v.task_type AS config_task_type, v.version AS config_version, v.valid_from AS config_valid_from,
                   v.billing_type, v.base_cost_per_second, v.unit_cost, v.cost_factors::text AS cost_factors,
                   v.run_type, v.category, v.content_type, v.is_active
            FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS req(task_id, task_type, started_at, n)
            LEFT JOIN tasks t ON t.id = req.task_id
            LEFT JOIN LATERAL (
                SELECT * FROM credits_ledger l WHERE l.task_id = req.task_id AND l.type = 'spend' LIMIT 1) s ON true
            LEFT JOIN LATERAL (
                SELECT c.* FROM task_cost_config_versions c
                WHERE c.task_type = coalesce(t.task_type, req.task_type)
                ORDER BY c.valid_from <= req.started_at DESC,
                         CASE WHEN c.valid_from <= req.started_at THEN c.valid_from END DESC NULLS LAST,
                         CASE WHEN c.valid_from <= req.started_at THEN c.version END DESC NULLS LAST,
                         c.valid_from, c.version
                LIMIT 1) v ON true
            ORDER BY req.n
            """;

    /** One context per charge, in the order of {@code charges}. */
    public Uni<List<ChargeContext>> load(SqlConnection connection, List<ChargeRequest> charges) {
        Tuple values = Tuple.of(charges.stream().map(ChargeRequest::taskId).toArray(UUID[]::new),
                charges.stream().map(ChargeRequest::taskType).toArray(String[]::new),
                charges.stream().map(charge -> OffsetDateTime.ofInstant(charge.startedAt(), ZoneOffset.UTC))
                        .toArray(OffsetDateTime[]::new));
        return connection.preparedQuery(CHARGE_CONTEXT).execute(values)
                .map(rows -> Rows.map(rows, ChargeContextRepository::map));
    }

    static ChargeContext map(Row row) {
        RecordedTask task = row.getUUID("task_id") == null ? null
                : new RecordedTask(row.getUUID("task_user_id"), row.getString("task_task_type"),
                        row.getString("task_status"), row.getUUID("parent_task_id"));
        LedgerEntryRow spend = row.getUUID("id") == null ? null : LedgerRepository.map(row);
        TaskCostConfigRow config = row.getString("config_task_type") == null ? null
                : new TaskCostConfigRow(row.getString("config_task_type"), row.getString("billing_type"),
                        row.getBigDecimal("base_cost_per_second"), row.getBigDecimal("unit_cost"),
                        CreditsJson.parse(row.getString("cost_factors")), row.getString("run_type"),
                        row.getString("category"), row.getString("content_type"), null, row.getBoolean("is_active"),
                        row.getInteger("config_version"), Rows.instant(row, "config_valid_from"));
        return new ChargeContext(task, spend, config);
    }
}
