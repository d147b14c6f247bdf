package ai.reigh.credits.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@code task_cost_configs}. Versions are written by the table's triggers: every update bumps
 * {@code version} and records it in {@code task_cost_config_versions} with its {@code valid_from}.
 */
@ApplicationScoped
public class TaskCostConfigRepository {
    /** The registry is reference data (tens of types); the bound only keeps a runaway table from a huge answer. */
    public static final int MAX_CONFIGS = 1000;

    static final String COLUMNS = "task_type, billing_type, base_cost_per_second, unit_cost, cost_factors::text AS cost_factors, "
            + "run_type, category, content_type, display_name, is_active, version, updated_at";

    static final String LIST = "SELECT " + COLUMNS + " FROM task_cost_configs ORDER BY task_type LIMIT " + MAX_CONFIGS;
    static final String FIND = "SELECT " + COLUMNS + " FROM task_cost_configs WHERE task_type = $1";

    /**
     * Insert or replace. An identical PUT changes nothing (no new version): the WHERE makes the update
     * skip, RETURNING is then empty and the caller reads the unchanged row. A new row has version 1;
     * every update bumps it, so {@code version = 1} in RETURNING means "created".
     */
    static final String UPSERT = "INSERT INTO task_cost_configs AS c (task_type, billing_type, base_cost_per_second, unit_cost, "
            + "cost_factors, run_type, category, content_type, display_name, is_active) "
            + "VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8, $9, $10) "
            + "ON CONFLICT (task_type) DO UPDATE SET billing_type = EXCLUDED.billing_type, "
            + "base_cost_per_second = EXCLUDED.base_cost_per_second, unit_cost = EXCLUDED.unit_cost, "
            + "cost_factors = EXCLUDED.cost_factors, run_type = EXCLUDED.run_type, category = EXCLUDED.category, "
            + "content_type = EXCLUDED.content_type, display_name = EXCLUDED.display_name, is_active = EXCLUDED.is_active "
            + "WHERE (c.billing_type, c.base_cost_per_second, c.unit_cost, c.cost_factors, c.run_type, c.category, "
            + "c.content_type, c.display_name, c.is_active) IS DISTINCT FROM (EXCLUDED.billing_type, "
            + "EXCLUDED.base_cost_per_second, EXCLUDED.unit_cost, EXCLUDED.cost_factors, EXCLUDED.run_type, "
            + "EXCLUDED.category, EXCLUDED.content_type, EXCLUDED.display_name, EXCLUDED.is_active) "
            + "RETURNING " + COLUMNS;

    public Uni<List<TaskCostConfigRow>> list(SqlConnection connection) {
        return connection.preparedQuery(LIST).execute().map(rows -> Rows.map(rows, TaskCostConfigRepository::map));
    }

    public Uni<TaskCostConfigRow> find(SqlConnection connection, String taskType) {
        return connection.preparedQuery(FIND).execute(Tuple.of(taskType))
                .map(rows -> Rows.first(rows, TaskCostConfigRepository::map));
    }

    /** The written row, or null when the stored config was already identical. */
    public Uni<TaskCostConfigRow> upsert(SqlConnection connection, TaskCostConfigRow config) {
        Tuple values = Tuple.tuple().addValue(config.taskType()).addValue(config.billingType())
                .addValue(config.baseCostPerSecond()).addValue(config.unitCost())
                .addValue(CreditsJson.write(config.costFactors())).addValue(config.runType()).addValue(config.category())
                .addValue(config.contentType()).addValue(config.displayName()).addValue(config.isActive());
        return connection.preparedQuery(UPSERT).execute(values).map(rows -> Rows.first(rows, TaskCostConfigRepository::map));
    }

    static TaskCostConfigRow map(Row row) {
        return new TaskCostConfigRow(row.getString("task_type"), row.getString("billing_type"),
                row.getBigDecimal("base_cost_per_second"), row.getBigDecimal("unit_cost"),
                CreditsJson.parse(row.getString("cost_factors")), row.getString("run_type"), row.getString("category"),
                row.getString("content_type"), row.getString("display_name"), row.getBoolean("is_active"),
                row.getInteger("version"), Rows.instant(row, "updated_at"));
    }
}
