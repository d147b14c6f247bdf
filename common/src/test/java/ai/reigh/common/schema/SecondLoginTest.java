package ai.reigh.common.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.error.PgErrors;
import ai.reigh.common.testing.Migrations;
import ai.reigh.common.testing.SqlSession;

/**
 * Password rotation without lockout rests on this: a service's second login ({@code <role>_alt}, created
 * by CloudNativePG as a member of the service's role, {@code inRoles}) may do exactly what the service's
 * own role may — the same grants on every table, column and function, the same row-level security,
 * nothing more — so its pods can switch logins while the other's password changes.
 */
class SecondLoginTest {
    private static final List<String> SERVICE_ROLES = List.of("reigh_projects", "reigh_tasks", "reigh_credits",
            "reigh_storage");

    @BeforeAll
    static void secondLogins() {
        Migrations.ensureApplied();
        try (SqlSession admin = SqlSession.as("postgres")) {
            for (String role : SERVICE_ROLES) {
                // What CloudNativePG does for a managed role with inRoles: [<role>] (INHERIT is the default).
                admin.update("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "_alt') THEN "
                        + "CREATE ROLE " + role + "_alt LOGIN IN ROLE " + role + "; END IF; END $$");
            }
        }
    }

    @Test
    void theSecondLoginHasExactlyTheGrantsOfItsService() {
        try (SqlSession admin = SqlSession.as("postgres")) {
            for (String role : SERVICE_ROLES) {
                String differences = """
                        SELECT c.relname || ' ' || p.privilege FROM pg_class c
                        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
                        CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES']) p(privilege)
                        WHERE c.relkind IN ('r', 'v', 'p')
                          AND has_table_privilege(?, c.oid, p.privilege) IS DISTINCT FROM has_table_privilege(?, c.oid, p.privilege)
                        UNION ALL
                        SELECT c.relname || '.' || a.attname || ' ' || p.privilege FROM pg_attribute a
                        JOIN pg_class c ON c.oid = a.attrelid
                        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
                        CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE']) p(privilege)
                        WHERE c.relkind IN ('r', 'v', 'p') AND a.attnum > 0 AND NOT a.attisdropped
                          AND has_column_privilege(?, c.oid, a.attnum, p.privilege)
                              IS DISTINCT FROM has_column_privilege(?, c.oid, a.attnum, p.privilege)
                        UNION ALL
                        SELECT f.proname FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace AND n.nspname = 'public'
                        WHERE has_function_privilege(?, f.oid, 'EXECUTE') IS DISTINCT FROM has_function_privilege(?, f.oid, 'EXECUTE')
                        """;
                String alternate = role + "_alt";
                assertThat(admin.query(differences, role, alternate, role, alternate, role, alternate))
                        .as(alternate + " against " + role).isEmpty();
                assertThat(admin.count("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = 'public' AND c.relkind = 'r' AND has_table_privilege(?, c.oid, 'SELECT')", alternate))
                        .as(alternate + " reads something at all").isPositive();
            }
        }
    }

    @Test
    void rowLevelSecurityAppliesToTheSecondLoginAsToTheService() {
        UUID owner = SchemaFixtures.user();
        UUID stranger = SchemaFixtures.user();
        UUID project = SchemaFixtures.project(owner);
        try (SqlSession projects = SqlSession.as("reigh_projects_alt").actingAsUser(stranger)) {
            assertThat(projects.count("SELECT count(*) FROM projects WHERE id = ?", project)).isZero();
            assertThat(projects.acting("user", owner).count("SELECT count(*) FROM projects WHERE id = ?", project)).isEqualTo(1);
            assertThat(projects.actingAsNobody().count("SELECT count(*) FROM projects")).isZero();
        }
    }

    @Test
    void theSecondLoginCannotDoWhatItsServiceCannot() {
        UUID user = SchemaFixtures.user();
        try (SqlSession tasks = SqlSession.as("reigh_tasks_alt").actingAsService()) {
            assertThat(tasks.failureOf("INSERT INTO credits_ledger (user_id, amount, type) VALUES (?, 5, 'manual')", user))
                    .isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
        }
        try (SqlSession credits = SqlSession.as("reigh_credits_alt").actingAsService()) {
            assertThat(credits.failureOf("UPDATE users SET total_credits = 1000 WHERE id = ?", user))
                    .isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
        }
    }
}
