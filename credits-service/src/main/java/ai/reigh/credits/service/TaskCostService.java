package ai.reigh.credits.service;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.credits.repository.TaskCostConfigRepository;
import ai.reigh.credits.repository.TaskCostConfigRow;
import ai.reigh.credits.repository.TaskTypeRow;
import io.smallrye.mutiny.Uni;

/** The registry of task types and their prices: list, admin upsert (versioned), estimate. */
@ApplicationScoped
public class TaskCostService {
    private final Db db;
    private final TaskCostConfigRepository configs;

    public TaskCostService(Db db, TaskCostConfigRepository configs) {
        this.db = db;
        this.configs = configs;
    }

    /** Reference data, not anyone's rows: read acting as the platform. {@code active} null: every type. */
    public Uni<List<TaskTypeRow>> list(Boolean active) {
        return db.inTransaction(Actor.service(), connection -> configs.listTypes(connection, active));
    }

    /** One type (the web app looks its task types up by name); unknown is a 404. */
    public Uni<TaskTypeRow> get(String taskType) {
        return db.inTransaction(Actor.service(), connection -> configs.findType(connection, taskType)).map(found -> {
            if (found == null) {
                throw ProblemException.notFound("Task type");
            }
            return found;
        });
    }

    /**
     * Creates (201) or replaces (200) a config; every change is a new version, in force from now on,
     * while tasks that started earlier keep the version they started under. An identical PUT writes
     * no version.
     */
    public Uni<Written<TaskTypeRow>> upsert(UUID adminId, TaskCostConfigRow config, TaskTypeRow.Display display) {
        return db.inTransaction(Actor.admin(adminId), connection -> configs.upsert(connection, config, display)
                .chain(written -> written != null
                        ? Uni.createFrom().item(new Written<>(written, written.config().version() == 1))
                        : configs.findType(connection, config.taskType()).map(Written::existing)));
    }

    /**
     * The price a task would have now. {@code durationSeconds} is required for per_second types (but
     * orchestrators, whose own time is not billed) and billed like a run: {@code max(1, ceil(d))}.
     */
    public Uni<Price> estimate(String taskType, JsonNode params, BigDecimal durationSeconds) {
        return db.inTransaction(Actor.service(), connection -> configs.find(connection, taskType)).map(config -> {
            if (config == null || !config.isActive()) {
                throw ProblemException.validation("task_type", "unknown or inactive task type");
            }
            boolean timed = config.perSecond() && !config.orchestrator();
            if (timed && durationSeconds == null) {
                throw ProblemException.validation("duration_seconds", "is required for per_second task types");
            }
            long seconds = timed ? TaskPricing.billedSeconds(durationSeconds) : 0;
            return TaskPricing.price(config, params, seconds);
        });
    }
}
