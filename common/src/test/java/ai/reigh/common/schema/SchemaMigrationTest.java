package ai.reigh.common.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.EmbeddedPostgres;
import ai.reigh.common.testing.Migrations;
import ai.reigh.common.testing.SqlSession;

class SchemaMigrationTest {

    @Test
    void servicesStartingTogetherApplyTheHistoryExactlyOnce() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.shared();
        try (Connection admin = DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", "");
                Statement sql = admin.createStatement()) {
            sql.execute("CREATE DATABASE reigh_concurrent OWNER " + EmbeddedPostgres.OWNER);
        }
        int services = 5;
        CyclicBarrier together = new CyclicBarrier(services);
        ExecutorService pool = Executors.newFixedThreadPool(services);
        List<Future<MigrateResult>> results = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            results.add(pool.submit(() -> {
                together.await();
                return Migrations.apply(pg.jdbcUrl("reigh_concurrent"));
            }));
        }
        int applied = 0;
        for (Future<MigrateResult> result : results) {
            MigrateResult outcome = result.get();
            assertThat(outcome.success).isTrue();
            applied += outcome.migrationsExecuted;
        }
        pool.shutdown();
        try (Connection check = DriverManager.getConnection(pg.jdbcUrl("reigh_concurrent"), EmbeddedPostgres.OWNER, "");
                Statement sql = check.createStatement();
                var rows = sql.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
            rows.next();
            long inHistory = rows.getLong(1);
            assertThat(applied).as("each migration ran once across all starters").isEqualTo((int) inHistory);
            assertThat(inHistory).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void everySeedTableExistsWithTheSeedColumnNames() {
        Migrations.ensureApplied();
        try (SqlSession owner = SqlSession.as(EmbeddedPostgres.OWNER)) {
            String[][] expected = {
                    { "users", "total_credits" }, { "users", "settings" }, { "projects", "aspect_ratio" },
                    { "shots", "order" }, { "generations", "url" }, { "generations", "thumbnail_url" },
                    { "generations", "starred" }, { "shot_generations", "position" }, { "tasks", "output_location" },
                    { "tasks", "dependant_on" }, { "tasks", "lease_token" }, { "tasks", "lease_expires_at" },
                    { "tasks", "attempts" }, { "tasks", "generation_started_at" },
                    { "tasks", "generation_processed_at" }, { "tasks", "idempotency_key" },
                    { "credits_ledger", "amount" }, { "task_cost_configs", "base_cost_per_second" },
                    { "task_cost_configs", "cost_factors" }, { "resources", "is_public" },
                    { "training_data_batches", "name" }, { "training_data", "original_filename" },
                    { "training_data_segments", "start_time" }, { "workers", "last_heartbeat" },
                    { "workers", "current_model" }, { "storage_objects", "owner_id" }, { "task_outbox", "payload" },
                    { "personal_access_tokens", "token_hash" }, { "generations", "params" },
                    { "generations", "based_on" }, { "generations", "parent_generation_id" }, { "generations", "is_child" },
                    { "generations", "child_order" }, { "generations", "pair_shot_generation_id" },
                    { "generations", "tasks" }, { "generations", "primary_variant_id" },
                    { "generation_variants", "is_primary" }, { "generation_variants", "variant_type" },
                    { "generation_variants", "viewed_at" }, { "generation_variants", "starred" },
                    { "shot_generations", "metadata" }, { "shots", "aspect_ratio" }, { "shots", "parent_generation_id" } };
            for (String[] column : expected) {
                assertThat(owner.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'"
                        + " AND table_name = ? AND column_name = ?", column[0], column[1]))
                        .as(column[0] + "." + column[1]).isEqualTo(1);
            }
        }
    }

    @Test
    void theProductionTaskTypesArePriced() {
        Migrations.ensureApplied();
        try (SqlSession credits = SqlSession.as("reigh_credits")) {
            assertThat(credits.value("SELECT unit_cost::text FROM task_cost_configs WHERE task_type = 'single_image'"))
                    .isEqualTo("0.025000");
            assertThat(credits.value("SELECT base_cost_per_second::text FROM task_cost_configs WHERE task_type = 'travel_segment'"))
                    .isEqualTo("0.027800");
            assertThat(credits.value("SELECT run_type FROM task_cost_configs WHERE task_type = 'qwen_image'")).isEqualTo("api");
            assertThat(credits.value("SELECT category FROM task_cost_configs WHERE task_type = 'travel_orchestrator'"))
                    .isEqualTo("orchestration");
            assertThat(credits.value("SELECT cost_factors -> 'resolution' ->> '8x' FROM task_cost_configs WHERE task_type = 'image_upscale'"))
                    .isEqualTo("4");
            assertThat(credits.count("SELECT count(*) FROM task_cost_config_versions")).isGreaterThanOrEqualTo(11);
        }
    }

    @Test
    void theDeployedWorkersOrchestratorFamiliesAreInTheRegistryWithTheirFirstVersion() {
        Migrations.ensureApplied();
        try (SqlSession credits = SqlSession.as("reigh_credits")) {
            for (String[] type : new String[][] { { "join_clips_orchestrator", "orchestration" },
                    { "edit_video_orchestrator", "orchestration" }, { "join_clips_segment", "generation" } }) {
                assertThat(credits.query("SELECT billing_type, base_cost_per_second::text, category, run_type, content_type,"
                        + " is_active, version FROM task_cost_configs WHERE task_type = ?", type[0]))
                        .as(type[0]).containsExactly(List.of("per_second", "0.027800", type[1], "gpu", "video", true, 1));
                // Recorded as every config is (the history trigger): version 1, in force since the migration.
                assertThat(credits.query("SELECT v.version, v.category, v.valid_from = c.updated_at"
                        + " FROM task_cost_config_versions v JOIN task_cost_configs c USING (task_type)"
                        + " WHERE v.task_type = ?", type[0])).as(type[0] + " versions")
                        .containsExactly(List.of(1, type[1], true));
            }
        }
    }

    @Test
    void everyUserDataTableHasForcedRowLevelSecurity() {
        Migrations.ensureApplied();
        try (SqlSession owner = SqlSession.as(EmbeddedPostgres.OWNER)) {
            for (String table : List.of("users", "projects", "shots", "generations", "shot_generations", "resources",
                    "training_data_batches", "training_data", "training_data_segments", "personal_access_tokens",
                    "tasks", "credits_ledger", "storage_objects", "realtime_events", "generation_variants")) {
                assertThat(owner.query("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ?", table))
                        .as(table).containsExactly(List.of(true, true));
            }
        }
    }
}
