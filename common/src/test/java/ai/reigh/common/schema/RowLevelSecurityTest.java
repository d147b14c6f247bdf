package ai.reigh.common.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.error.PgErrors;
import ai.reigh.common.testing.EmbeddedPostgres;
import ai.reigh.common.testing.Migrations;
import ai.reigh.common.testing.SqlSession;

/** Row-level security at the SQL level: fail closed, own rows only, public resources for all. */
class RowLevelSecurityTest {
    private static UUID alice;
    private static UUID bob;
    private static UUID aliceProject;

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
        }
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
