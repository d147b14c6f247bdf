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

    static final String FIND = "SELECT " + COLUMNS + " FROM task_cost_configs WHERE task_type = $1";
    /** The config with the display fields the web app lists. */
    static final String TYPE_COLUMNS = COLUMNS + ", tool_type, is_visible, supports_progress";
    static final String LIST_TYPES = "SELECT " + TYPE_COLUMNS + " FROM task_cost_configs"
            + " WHERE ($1::boolean IS NULL OR is_active = $1) ORDER BY task_type LIMIT " + MAX_CONFIGS;
    static final String FIND_TYPE = "SELECT " + TYPE_COLUMNS + " FROM task_cost_configs WHERE task_type = $1";

    /**
     * Insert or replace. An identical PUT changes nothing (no new version): the WHERE makes the update
     * skip, RETURNING is then empty and the caller reads the unchanged row. A new row has version 1;
     * every update bumps it, so {@code version = 1} in RETURNING means "created".
     */
    static final String UPSERT = "INSERT INTO task_cost_configs AS c (task_type, billing_type, base_cost_per_second, unit_cost, "
            + "cost_factors, run_type, category, content_type, display_name, is_active, tool_type, is_visible, "
            + "supports_progress) "
            + "VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8, $9, $10, $11, $12, $13) "
            + "ON CONFLICT (task_type) DO UPDATE SET billing_type = EXCLUDED.billing_type, "
            + "base_cost_per_second = EXCLUDED.base_cost_per_second, unit_cost = EXCLUDED.unit_cost, "
            + "cost_factors = EXCLUDED.cost_factors, run_type = EXCLUDED.run_type, category = EXCLUDED.category, "
            + "content_type = EXCLUDED.content_type, display_name = EXCLUDED.display_name, is_active = EXCLUDED.is_active, "
            + "tool_type = EXCLUDED.tool_type, is_visible = EXCLUDED.is_visible, supports_progress = EXCLUDED.supports_progress "
            + "WHERE (c.billing_type, c.base_cost_per_second, c.unit_cost, c.cost_factors, c.run_type, c.category, "
            + "c.content_type, c.display_name, c.is_active, c.tool_type, c.is_visible, c.supports_progress) "
            + "IS DISTINCT FROM (EXCLUDED.billing_type, "
            + "EXCLUDED.base_cost_per_second, EXCLUDED.unit_cost, EXCLUDED.cost_factors, EXCLUDED.run_type, "
            + "EXCLUDED.category, EXCLUDED.content_type, EXCLUDED.display_name, EXCLUDED.is_active, EXCLUDED.tool_type, "
            + "EXCLUDED.is_visible, EXCLUDED.supports_progress) "
            + "RETURNING " + TYPE_COLUMNS;

    /** A type's versions, newest first (written by the table's trigger on every change). */
    static final String VERSIONS = "SELECT task_type, version, valid_from, billing_type, base_cost_per_second, unit_cost, "
            + "cost_factors::text AS cost_factors, run_type, category, content_type, is_active "
            + "FROM task_cost_config_versions WHERE task_type = $1 ORDER BY version DESC LIMIT " + MAX_CONFIGS;

    public Uni<List<TaskCostConfigRow>> versions(SqlConnection connection, String taskType) {
        return connection.preparedQuery(VERSIONS).execute(Tuple.of(taskType)).map(rows -> Rows.map(rows,
                row -> new TaskCostConfigRow(row.getString("task_type"), row.getString("billing_type"),
                        row.getBigDecimal("base_cost_per_second"), row.getBigDecimal("unit_cost"),
                        CreditsJson.parse(row.getString("cost_factors")), row.getString("run_type"),
                        row.getString("category"), row.getString("content_type"), null, row.getBoolean("is_active"),
                        row.getInteger("version"), Rows.instant(row, "valid_from"))));
    }

    /** Every type ({@code active} null), or the active or inactive ones, by name. */
    public Uni<List<TaskTypeRow>> listTypes(SqlConnection connection, Boolean active) {
        return connection.preparedQuery(LIST_TYPES).execute(Tuple.of(active))
                .map(rows -> Rows.map(rows, TaskCostConfigRepository::mapType));
    }

    public Uni<TaskTypeRow> findType(SqlConnection connection, String taskType) {
        return connection.preparedQuery(FIND_TYPE).execute(Tuple.of(taskType))
                .map(rows -> Rows.first(rows, TaskCostConfigRepository::mapType));
    }

    public Uni<TaskCostConfigRow> find(SqlConnection connection, String taskType) {
        return connection.preparedQuery(FIND).execute(Tuple.of(taskType))
                .map(rows -> Rows.first(rows, TaskCostConfigRepository::map));
    }

    /** The written row, or null when the stored config was already identical. */
    public Uni<TaskTypeRow> upsert(SqlConnection connection, TaskCostConfigRow config, TaskTypeRow.Display display) {
        Tuple values = Tuple.tuple().addValue(config.taskType()).addValue(config.billingType())
                .addValue(config.baseCostPerSecond()).addValue(config.unitCost())
                .addValue(CreditsJson.write(config.costFactors())).addValue(config.runType()).addValue(config.category())
                .addValue(config.contentType()).addValue(config.displayName()).addValue(config.isActive())
                .addValue(display.toolType()).addValue(display.isVisible()).addValue(display.supportsProgress());
        return connection.preparedQuery(UPSERT).execute(values).map(rows -> Rows.first(rows, TaskCostConfigRepository::mapType));
    }

    static TaskTypeRow mapType(Row row) {
        return new TaskTypeRow(map(row), row.getString("tool_type"), row.getBoolean("is_visible"),
                row.getBoolean("supports_progress"));
    }

    static TaskCostConfigRow map(Row row) {
        return new TaskCostConfigRow(row.getString("task_type"), row.getString("billing_type"),
                row.getBigDecimal("base_cost_per_second"), row.getBigDecimal("unit_cost"),
                CreditsJson.parse(row.getString("cost_factors")), row.getString("run_type"), row.getString("category"),
                row.getString("content_type"), row.getString("display_name"), row.getBoolean("is_active"),
                row.getInteger("version"), Rows.instant(row, "updated_at"));
    }
}
