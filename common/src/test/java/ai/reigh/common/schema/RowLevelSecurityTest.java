package ai.reigh.common.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.error.PgErrors;
import ai.reigh.common.testing.EmbeddedPostgres;
import ai.reigh.common.testing.Migrations;
import ai.reigh.common.testing.SqlSession;

/**
 * Row-level security at the SQL level: fail closed, own rows only, public resources for all, each shape
 * of policy (owner column, owned through the project, operators only), and the acting context read once
 * per statement.
 */
class RowLevelSecurityTest {
    /** The acting context as an init plan: how PostgreSQL prints {@code (SELECT reigh_acting_user())}. */
    private static final Pattern READ_ONCE = Pattern.compile(
            "\\(\\s*SELECT reigh_(acts_for_all|acting_user)\\(\\) AS reigh_(acts_for_all|acting_user)\\)");
    private static UUID alice;
    private static UUID bob;
    private static UUID aliceProject;
    private static UUID aliceTask;

    @BeforeAll
    static void data() {
        Migrations.ensureApplied();
        alice = SchemaFixtures.user();
        bob = SchemaFixtures.user();
        aliceProject = SchemaFixtures.project(alice);
        SchemaFixtures.project(bob);
        try (SqlSession projects = SqlSession.as("reigh_projects").actingAsUser(alice)) {
            projects.update("INSERT INTO resources (user_id, type, name, is_public) VALUES (?, 'lora', 'shared', true)", alice);
            projects.update("INSERT INTO resources (user_id, type, name, is_public) VALUES (?, 'lora', 'mine', false)", alice);
            projects.update("INSERT INTO shots (project_id, name, \"order\") VALUES (?, 's', 0)", aliceProject);
            // A generation with media shows its primary variant: both rows in one statement.
            UUID generation = UUID.randomUUID();
            projects.update("WITH g AS (INSERT INTO generations (id, project_id, type, url, primary_variant_id)"
                    + " VALUES (?, ?, 'image', 'https://x/v', ?) RETURNING id, project_id, primary_variant_id)"
                    + " INSERT INTO generation_variants (id, generation_id, project_id, url, is_primary)"
                    + " SELECT primary_variant_id, id, project_id, 'https://x/v', true FROM g",
                    generation, aliceProject, UUID.randomUUID());
            projects.update("INSERT INTO shot_generations (shot_id, generation_id)"
                    + " SELECT id, ? FROM shots WHERE project_id = ?", generation, aliceProject);
        }
        try (SqlSession tasks = SqlSession.as("reigh_tasks").actingAsUser(alice)) {
            // Its insert also writes the task's history and a realtime event of alice's project (triggers).
            aliceTask = (UUID) tasks.value("INSERT INTO tasks (project_id, user_id, task_type) VALUES (?, ?, 'single_image')"
                    + " RETURNING id", aliceProject, alice);
        }
        try (SqlSession storage = SqlSession.as("reigh_storage").actingAsUser(alice)) {
            storage.update("INSERT INTO storage_objects (owner_id, bucket, key, kind, content_type, size_bytes)"
                    + " VALUES (?, 'b', ?, 'upload', 'image/png', 1)", alice, alice + "/k");
        }
    }

    /** A table, the role that reads it, and how to count alice's rows in it (by {@code key}). */
    private record Owned(String role, String table, String aliceRows, UUID key) {
    }

    private static List<Owned> ownedTables() {
        return List.of(
                new Owned("reigh_projects", "users", "SELECT count(*) FROM users WHERE id = ?", alice),
                new Owned("reigh_projects", "generations", "SELECT count(*) FROM generations WHERE project_id = ?",
                        aliceProject),
                new Owned("reigh_projects", "generation_variants",
                        "SELECT count(*) FROM generation_variants WHERE project_id = ?", aliceProject),
                new Owned("reigh_projects", "shot_generations", "SELECT count(*) FROM shot_generations sg"
                        + " WHERE sg.shot_id IN (SELECT id FROM shots WHERE project_id = ?)", aliceProject),
                new Owned("reigh_tasks", "tasks", "SELECT count(*) FROM tasks WHERE user_id = ?", alice),
                new Owned("reigh_tasks", "realtime_events", "SELECT count(*) FROM realtime_events WHERE project_id = ?",
                        aliceProject),
                new Owned("reigh_storage", "storage_objects", "SELECT count(*) FROM storage_objects WHERE owner_id = ?",
                        alice));
    }

    @Test
    void eachShapeOfPolicyShowsTheOwnerTheirRowsTheServiceAllAndOthersNone() {
        for (Owned owned : ownedTables()) {
            try (SqlSession asAlice = SqlSession.as(owned.role()).actingAsUser(alice);
                    SqlSession asBob = SqlSession.as(owned.role()).actingAsUser(bob);
                    SqlSession asNobody = SqlSession.as(owned.role()).actingAsNobody();
                    SqlSession asService = SqlSession.as(owned.role()).actingAsService()) {
                long mine = asAlice.count(owned.aliceRows(), owned.key());
                assertThat(mine).as("alice's own %s", owned.table()).isPositive();
                assertThat(asService.count(owned.aliceRows(), owned.key())).as("%s for the service", owned.table())
                        .isEqualTo(mine);
                assertThat(asBob.count(owned.aliceRows(), owned.key())).as("alice's %s for bob", owned.table()).isZero();
                assertThat(asNobody.count(owned.aliceRows(), owned.key())).as("%s for nobody", owned.table()).isZero();
            }
        }
    }

    @Test
    void theTaskHistoryIsForOperatorsOnly() {
        try (SqlSession asAlice = SqlSession.as("reigh_tasks").actingAsUser(alice);
                SqlSession asService = SqlSession.as("reigh_tasks").actingAsService()) {
            assertThat(asService.count("SELECT count(*) FROM task_history WHERE task_id = ?", aliceTask)).isPositive();
            assertThat(asAlice.count("SELECT count(*) FROM task_history WHERE task_id = ?", aliceTask))
                    .as("not even the task's owner").isZero();
        }
    }

    @Test
    void everyPolicyReadsTheActingContextOncePerStatement() {
        try (SqlSession owner = SqlSession.as(EmbeddedPostgres.OWNER)) {
            List<List<Object>> policies = owner.query("SELECT tablename || '.' || policyname,"
                    + " coalesce(qual, '') || ' ' || coalesce(with_check, '') FROM pg_policies WHERE schemaname = 'public'");
            assertThat(policies).hasSizeGreaterThan(20);
            for (List<Object> policy : policies) {
                String perRow = READ_ONCE.matcher((String) policy.get(1)).replaceAll("");
                assertThat(perRow).as("policy %s calls the acting context outside an init plan: %s", policy.get(0),
                        policy.get(1)).doesNotContain("reigh_act");
            }
        }
    }

    @Test
    void aScanUnderThePolicyComparesEveryRowWithValuesReadOnce() {
        try (SqlSession tasks = SqlSession.as("reigh_tasks").actingAsUser(alice);
                SqlSession projects = SqlSession.as("reigh_projects").actingAsUser(alice)) {
            for (String plan : List.of(plan(tasks, "SELECT count(*) FROM tasks WHERE status <> 'Failed'"),
                    plan(projects, "SELECT count(*) FROM generations g WHERE g.type <> 'video'"),
                    plan(projects, "SELECT count(*) FROM shot_generations"))) {
                assertThat(plan).as(plan).contains("InitPlan");
                plan.lines().filter(line -> line.contains("Filter:") || line.contains("Cond:"))
                        .forEach(line -> assertThat(line).as(plan).doesNotContain("current_setting"));
            }
        }
    }

    private static String plan(SqlSession session, String sql) {
        return String.join("\n", session.query("EXPLAIN (VERBOSE, COSTS OFF) " + sql).stream()
                .map(row -> (String) row.get(0)).toList());
    }

    @Test
    void withNobodyActingNoRowIsVisibleEvenToTheOwnerRole() {
        try (SqlSession projects = SqlSession.as("reigh_projects").actingAsNobody();
                SqlSession owner = SqlSession.as(EmbeddedPostgres.OWNER).actingAsNobody()) {
            assertThat(projects.count("SELECT count(*) FROM projects")).isZero();
            assertThat(projects.count("SELECT count(*) FROM shots")).isZero();
            assertThat(projects.count("SELECT count(*) FROM resources")).isZero();
            assertThat(owner.count("SELECT count(*) FROM projects")).as("forced: the owner too").isZero();
            assertThat(owner.count("SELECT count(*) FROM users")).isZero();
        }
    }

    @Test
    void aUserSeesAndChangesOnlyTheirOwnRows() {
        try (SqlSession asBob = SqlSession.as("reigh_projects").actingAsUser(bob)) {
            assertThat(asBob.count("SELECT count(*) FROM projects WHERE user_id = ?", alice)).isZero();
            assertThat(asBob.count("SELECT count(*) FROM projects")).isEqualTo(1);
            assertThat(asBob.count("SELECT count(*) FROM shots WHERE project_id = ?", aliceProject)).isZero();
            assertThat(asBob.update("UPDATE projects SET name = 'stolen' WHERE id = ?", aliceProject)).isZero();
            assertThat(asBob.update("DELETE FROM projects WHERE id = ?", aliceProject)).isZero();
            assertThat(asBob.failureOf("INSERT INTO projects (user_id, name) VALUES (?, 'planted')", alice))
                    .as("writing a row for someone else violates the policy").isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            assertThat(asBob.failureOf("INSERT INTO shots (project_id, name, \"order\") VALUES (?, 'x', 7)", aliceProject))
                    .isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
        }
        try (SqlSession asAlice = SqlSession.as("reigh_projects").actingAsUser(alice)) {
            assertThat(asAlice.count("SELECT count(*) FROM projects WHERE id = ?", aliceProject)).isEqualTo(1);
        }
    }

    @Test
    void publicResourcesAreReadableButNotWritableByOthers() {
        try (SqlSession asBob = SqlSession.as("reigh_projects").actingAsUser(bob)) {
            assertThat(asBob.query("SELECT name FROM resources WHERE user_id = ? ORDER BY name", alice))
                    .extracting(row -> row.get(0)).containsExactly("shared");
            assertThat(asBob.update("UPDATE resources SET name = 'defaced' WHERE user_id = ?", alice)).isZero();
            assertThat(asBob.update("DELETE FROM resources WHERE user_id = ?", alice)).isZero();
        }
    }

    @Test
    void theLedgerShowsOnlyOwnEntries() {
        SchemaFixtures.grant(alice, "5");
        try (SqlSession asBob = SqlSession.as("reigh_credits").actingAsUser(bob)) {
            assertThat(asBob.count("SELECT count(*) FROM credits_ledger WHERE user_id = ?", alice)).isZero();
        }
        try (SqlSession asAlice = SqlSession.as("reigh_credits").actingAsUser(alice)) {
            assertThat(asAlice.count("SELECT count(*) FROM credits_ledger WHERE user_id = ?", alice)).isPositive();
        }
    }
}
