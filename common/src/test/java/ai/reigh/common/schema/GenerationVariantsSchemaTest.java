package ai.reigh.common.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.error.PgErrors;
import ai.reigh.common.testing.EmbeddedPostgres;
import ai.reigh.common.testing.Migrations;
import ai.reigh.common.testing.SqlSession;

/**
 * generation_variants at the SQL level: the database itself keeps exactly one primary per generation
 * that has variants and the generation's media equal to it, lineage inside one project, the producing
 * task ids coherent, owners-only row-level security and projects-service as the only writer.
 */
class GenerationVariantsSchemaTest {
    private static UUID alice;
    private static UUID bob;
    private static UUID aliceProject;
    private static UUID bobProject;

    @BeforeAll
    static void data() {
        Migrations.ensureApplied();
        alice = SchemaFixtures.user();
        bob = SchemaFixtures.user();
        aliceProject = SchemaFixtures.project(alice);
        bobProject = SchemaFixtures.project(bob);
    }

    @Test
    void aSecondPrimaryIsRefusedAtOnce() {
        try (SqlSession projects = SqlSession.as("reigh_projects").actingAsUser(alice)) {
            UUID generation = generationWithOriginal(projects, aliceProject, "https://cdn.example.test/a.png");
            assertThat(projects.failureOf("INSERT INTO generation_variants (generation_id, project_id, url, is_primary)"
                    + " VALUES (?, ?, 'https://cdn.example.test/b.png', true)", generation, aliceProject))
                    .isEqualTo(PgErrors.UNIQUE_VIOLATION);
        }
    }

    @Test
    void aGenerationWithVariantsCannotCommitWithoutAPrimary() throws SQLException {
        try (SqlSession projects = SqlSession.as("reigh_projects").actingAsUser(alice)) {
            UUID generation = generationWithOriginal(projects, aliceProject, "https://cdn.example.test/c.png");
            assertThat(inOneTransaction(projects, "UPDATE generation_variants SET is_primary = false WHERE generation_id = ?",
                    generation)).as("no primary left").isEqualTo(PgErrors.CHECK_VIOLATION);
            assertThat(projects.count("SELECT count(*) FROM generation_variants WHERE generation_id = ? AND is_primary",
                    generation)).isEqualTo(1);
        }
    }

    @Test
    void switchingThePrimaryMustCopyItsMediaOntoTheGeneration() throws SQLException {
        try (SqlSession projects = SqlSession.as("reigh_projects").actingAsUser(alice)) {
            UUID generation = generationWithOriginal(projects, aliceProject, "https://cdn.example.test/d.png");
            UUID upscaled = (UUID) projects.value("INSERT INTO generation_variants (generation_id, project_id, url, variant_type)"
                    + " VALUES (?, ?, 'https://cdn.example.test/d-up.png', 'upscaled') RETURNING id", generation, aliceProject);
            // The unique index is checked row by row: the old primary is cleared first.
            String switchOnly = "UPDATE generation_variants SET is_primary = false WHERE generation_id = ? AND is_primary;"
                    + " UPDATE generation_variants SET is_primary = true WHERE id = ?";
            assertThat(inOneTransaction(projects, switchOnly + "; UPDATE generations SET primary_variant_id = ? WHERE id = ?",
                    generation, upscaled, upscaled, generation)).as("media not copied").isEqualTo(PgErrors.CHECK_VIOLATION);
            assertThat(inOneTransaction(projects, switchOnly + "; UPDATE generations SET primary_variant_id = ?,"
                    + " url = 'https://cdn.example.test/d-up.png' WHERE id = ?", generation, upscaled, upscaled, generation))
                    .isNull();
            assertThat(projects.query("SELECT url, primary_variant_id FROM generations WHERE id = ?", generation))
                    .containsExactly(java.util.List.of("https://cdn.example.test/d-up.png", upscaled));
        }
    }

    @Test
    void lineageAndSegmentsStayInsideTheirProject() {
        UUID bobs;
        try (SqlSession asBob = SqlSession.as("reigh_projects").actingAsUser(bob)) {
            bobs = (UUID) asBob.value("INSERT INTO generations (project_id, type, url) VALUES (?, 'image',"
                    + " 'https://cdn.example.test/bob.png') RETURNING id", bobProject);
        }
        try (SqlSession service = SqlSession.as("reigh_projects").actingAsService()) {
            assertThat(service.failureOf("INSERT INTO generations (project_id, type, url, based_on) VALUES (?, 'image',"
                    + " 'https://cdn.example.test/e.png', ?)", aliceProject, bobs)).isEqualTo(PgErrors.FOREIGN_KEY_VIOLATION);
            assertThat(service.failureOf("INSERT INTO generations (project_id, type, url, parent_generation_id) VALUES (?,"
                    + " 'video', 'https://cdn.example.test/f.mp4', ?)", aliceProject, bobs)).isEqualTo(PgErrors.FOREIGN_KEY_VIOLATION);
            UUID source = (UUID) service.value("INSERT INTO generations (project_id, type, url) VALUES (?, 'image',"
                    + " 'https://cdn.example.test/g.png') RETURNING id", aliceProject);
            UUID derived = (UUID) service.value("INSERT INTO generations (project_id, type, url, based_on) VALUES (?, 'image',"
                    + " 'https://cdn.example.test/h.png', ?) RETURNING id", aliceProject, source);
            UUID child = (UUID) service.value("INSERT INTO generations (project_id, type, url, parent_generation_id, child_order)"
                    + " VALUES (?, 'video', 'https://cdn.example.test/i.mp4', ?, 0) RETURNING id", aliceProject, source);
            assertThat(service.query("SELECT is_child FROM generations WHERE id = ?", child)).containsExactly(java.util.List.of(true));
            service.update("DELETE FROM generations WHERE id = ?", source);
            assertThat(service.query("SELECT based_on FROM generations WHERE id = ?", derived))
                    .as("a derivative outlives its source").containsExactly(java.util.Collections.singletonList(null));
            assertThat(service.count("SELECT count(*) FROM generations WHERE id = ?", child)).as("segments go with their parent")
                    .isZero();
        }
    }

    @Test
    void theCreatingTaskIsAlwaysAmongTheProducingTasks() {
        try (SqlSession service = SqlSession.as("reigh_projects").actingAsService()) {
            assertThat(service.failureOf("INSERT INTO generations (project_id, type, url, task_id) VALUES (?, 'image',"
                    + " 'https://cdn.example.test/j.png', ?)", aliceProject, UUID.randomUUID())).isEqualTo(PgErrors.CHECK_VIOLATION);
            UUID task = UUID.randomUUID();
            assertThat(service.failureOf("INSERT INTO generations (project_id, type, url, task_id, tasks) VALUES (?, 'image',"
                    + " 'https://cdn.example.test/k.png', ?, ARRAY[?]::uuid[])", aliceProject, task, task)).isNull();
        }
    }

    @Test
    void variantsAreVisibleAndWritableByTheirOwnerOnly() {
        UUID generation;
        try (SqlSession asAlice = SqlSession.as("reigh_projects").actingAsUser(alice)) {
            generation = generationWithOriginal(asAlice, aliceProject, "https://cdn.example.test/l.png");
        }
        try (SqlSession asBob = SqlSession.as("reigh_projects").actingAsUser(bob);
                SqlSession nobody = SqlSession.as(EmbeddedPostgres.OWNER).actingAsNobody()) {
            assertThat(asBob.count("SELECT count(*) FROM generation_variants WHERE generation_id = ?", generation)).isZero();
            assertThat(asBob.update("UPDATE generation_variants SET starred = true WHERE generation_id = ?", generation)).isZero();
            assertThat(asBob.update("DELETE FROM generation_variants WHERE generation_id = ?", generation)).isZero();
            assertThat(asBob.failureOf("INSERT INTO generation_variants (generation_id, project_id, url) VALUES (?, ?,"
                    + " 'https://evil.example.test/x.png')", generation, aliceProject)).isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            assertThat(nobody.count("SELECT count(*) FROM generation_variants")).as("forced: the owner too").isZero();
        }
        for (String role : new String[] { "reigh_tasks", "reigh_credits", "reigh_storage" }) {
            try (SqlSession other = SqlSession.as(role).actingAsService()) {
                assertThat(other.failureOf("SELECT count(*) FROM generation_variants")).as(role)
                        .isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            }
        }
    }

    /** A generation with its original variant as primary, committed. */
    private static UUID generationWithOriginal(SqlSession session, UUID project, String url) {
        UUID generation = (UUID) session.value("INSERT INTO generations (project_id, type, url) VALUES (?, 'image', ?)"
                + " RETURNING id", project, url);
        session.update("WITH v AS (INSERT INTO generation_variants (generation_id, project_id, url, is_primary, variant_type)"
                + " VALUES (?, ?, ?, true, 'original') RETURNING id, generation_id)"
                + " UPDATE generations g SET primary_variant_id = v.id FROM v WHERE g.id = v.generation_id",
                generation, project, url);
        return generation;
    }

    /** Runs the statements (separated by ';') as one transaction; the SQLSTATE it fails with, or null. */
    private static String inOneTransaction(SqlSession session, String statements, Object... params) throws SQLException {
        Connection connection = session.connection();
        connection.setAutoCommit(false);
        try {
            int next = 0;
            for (String statement : statements.split(";")) {
                int count = (int) statement.chars().filter(c -> c == '?').count();
                Object[] own = java.util.Arrays.copyOfRange(params, next, next + count);
                next += count;
                session.update(statement.trim(), own);
            }
            connection.commit();
            return null;
        } catch (SqlSession.SqlFailure failure) {
            connection.rollback();
            return failure.sqlState();
        } catch (SQLException failure) {
            connection.rollback();
            return failure.getSQLState();
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
