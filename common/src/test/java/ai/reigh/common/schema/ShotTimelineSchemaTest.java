package ai.reigh.common.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.error.PgErrors;
import ai.reigh.common.testing.Migrations;
import ai.reigh.common.testing.SqlSession;

/**
 * The timeline at the SQL level (V2_13): positions unique per shot but checked at the end of each
 * statement, so one statement can swap or shift any number of frames; link metadata is a JSON object;
 * a shot's parent video generation stays in its project; link events carry the link's row.
 */
class ShotTimelineSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static UUID alice;
    private static UUID aliceProject;

    @BeforeAll
    static void data() {
        Migrations.ensureApplied();
        alice = SchemaFixtures.user();
        aliceProject = SchemaFixtures.project(alice);
    }

    @Test
    void oneStatementSwapsTwoPositions() {
        try (SqlSession projects = SqlSession.as("reigh_projects").actingAsUser(alice)) {
            UUID shot = shot(projects);
            UUID first = link(projects, shot, image(projects), 0);
            UUID second = link(projects, shot, image(projects), 50);
            assertThat(projects.failureOf("UPDATE shot_generations SET position = CASE id WHEN ? THEN 50 ELSE 0 END"
                    + " WHERE id IN (?, ?)", first, first, second)).as("a swap in one statement").isNull();
            assertThat(projects.query("SELECT id FROM shot_generations WHERE shot_id = ? ORDER BY position", shot))
                    .containsExactly(List.of(second), List.of(first));
            // Shifting every frame by one spacing passes through taken positions row by row.
            assertThat(projects.failureOf("UPDATE shot_generations SET position = position + 50 WHERE shot_id = ?", shot))
                    .isNull();
        }
    }

    @Test
    void twoLinksCannotEndAStatementAtOnePosition() {
        try (SqlSession projects = SqlSession.as("reigh_projects").actingAsUser(alice)) {
            UUID shot = shot(projects);
            UUID first = link(projects, shot, image(projects), 0);
            link(projects, shot, image(projects), 50);
            assertThat(projects.failureOf("UPDATE shot_generations SET position = 50 WHERE id = ?", first))
                    .isEqualTo(PgErrors.UNIQUE_VIOLATION);
            assertThat(projects.failureOf("INSERT INTO shot_generations (shot_id, generation_id, position) VALUES (?, ?, 0)",
                    shot, image(projects))).isEqualTo(PgErrors.UNIQUE_VIOLATION);
            assertThat(projects.query("SELECT constraint_name FROM information_schema.table_constraints"
                    + " WHERE table_name = 'shot_generations' AND constraint_type = 'UNIQUE'"))
                    .containsExactly(List.of("shot_generations_unique_position"));
            // Unpositioned links never collide, and a generation may be in a shot twice.
            UUID generation = image(projects);
            link(projects, shot, generation, null);
            link(projects, shot, generation, null);
            link(projects, shot, generation, 100);
            assertThat(projects.count("SELECT count(*) FROM shot_generations WHERE shot_id = ? AND generation_id = ?",
                    shot, generation)).isEqualTo(3);
        }
    }

    @Test
    void linkMetadataIsAnObjectAndStartsEmpty() {
        try (SqlSession projects = SqlSession.as("reigh_projects").actingAsUser(alice)) {
            UUID shot = shot(projects);
            UUID link = link(projects, shot, image(projects), 0);
            assertThat(projects.value("SELECT metadata::text FROM shot_generations WHERE id = ?", link)).isEqualTo("{}");
            assertThat(projects.failureOf("UPDATE shot_generations SET metadata = '[1]'::jsonb WHERE id = ?", link))
                    .isEqualTo(PgErrors.CHECK_VIOLATION);
            assertThat(projects.failureOf("UPDATE shot_generations SET metadata = NULL WHERE id = ?", link))
                    .isEqualTo(PgErrors.NOT_NULL_VIOLATION);
            assertThat(projects.failureOf("UPDATE shot_generations SET metadata = '{\"pair_prompt\": \"dawn\"}'::jsonb"
                    + " WHERE id = ?", link)).isNull();
        }
    }

    @Test
    void aShotsParentGenerationIsOfItsProjectAndMayGo() {
        UUID bob = SchemaFixtures.user();
        UUID bobProject = SchemaFixtures.project(bob);
        UUID bobsVideo;
        try (SqlSession asBob = SqlSession.as("reigh_projects").actingAsUser(bob)) {
            bobsVideo = (UUID) asBob.value("INSERT INTO generations (project_id, type) VALUES (?, 'video') RETURNING id",
                    bobProject);
        }
        try (SqlSession service = SqlSession.as("reigh_projects").actingAsService()) {
            UUID shot = shot(service);
            assertThat(service.failureOf("UPDATE shots SET parent_generation_id = ? WHERE id = ?", bobsVideo, shot))
                    .as("another project's generation").isEqualTo(PgErrors.FOREIGN_KEY_VIOLATION);
            UUID parent = (UUID) service.value("INSERT INTO generations (project_id, type) VALUES (?, 'video') RETURNING id",
                    aliceProject);
            service.update("UPDATE shots SET parent_generation_id = ?, aspect_ratio = '9:16' WHERE id = ?", parent, shot);
            assertThat(service.failureOf("UPDATE shots SET aspect_ratio = ? WHERE id = ?", "1".repeat(21), shot))
                    .isEqualTo(PgErrors.CHECK_VIOLATION);
            service.update("DELETE FROM generations WHERE id = ?", parent);
            assertThat(service.query("SELECT parent_generation_id, aspect_ratio FROM shots WHERE id = ?", shot))
                    .as("the shot stays without its parent").containsExactly(java.util.Arrays.asList(null, "9:16"));
        }
    }

    @Test
    void linkEventsCarryTheLinkRowButNotItsMetadata() throws Exception {
        UUID link;
        UUID shot;
        UUID generation;
        try (SqlSession projects = SqlSession.as("reigh_projects").actingAsUser(alice)) {
            shot = shot(projects);
            generation = image(projects);
            link = link(projects, shot, generation, 0);
            projects.update("UPDATE shot_generations SET position = 50, metadata = '{\"pair_prompt\": \"x\"}' WHERE id = ?",
                    link);
            projects.update("DELETE FROM shot_generations WHERE id = ?", link);
        }
        try (SqlSession tasks = SqlSession.as("reigh_tasks").actingAsService()) {
            List<List<Object>> events = tasks.query("SELECT event, new_row::text, old_row::text FROM realtime_events"
                    + " WHERE row_id = ? ORDER BY id", link);
            assertThat(events).extracting(row -> row.get(0))
                    .containsExactly("shot_generation.created", "shot_generation.updated", "shot_generation.deleted");
            JsonNode created = JSON.readTree((String) events.get(0).get(1));
            JsonNode updatedNew = JSON.readTree((String) events.get(1).get(1));
            JsonNode updatedOld = JSON.readTree((String) events.get(1).get(2));
            JsonNode deletedOld = JSON.readTree((String) events.get(2).get(2));
            assertThat(created.path("shot_id").asText()).isEqualTo(shot.toString());
            assertThat(created.path("generation_id").asText()).isEqualTo(generation.toString());
            assertThat(created.path("position").asInt()).isZero();
            assertThat(updatedOld.path("position").asInt()).isZero();
            assertThat(updatedNew.path("position").asInt()).isEqualTo(50);
            assertThat(deletedOld.path("id").asText()).isEqualTo(link.toString());
            assertThat(events.get(2).get(1)).as("a deleted link has no new row").isNull();
            for (JsonNode row : List.of(created, updatedNew, updatedOld, deletedOld)) {
                assertThat(row.has("metadata")).as("metadata is refetched, not published").isFalse();
            }
        }
    }

    private static UUID shot(SqlSession session) {
        return (UUID) session.value("INSERT INTO shots (project_id, name, \"order\") SELECT ?, 's',"
                + " coalesce(max(\"order\") + 1, 0) FROM shots WHERE project_id = ? RETURNING id", aliceProject, aliceProject);
    }

    private static UUID image(SqlSession session) {
        return (UUID) session.value("INSERT INTO generations (project_id, type) VALUES (?, 'image') RETURNING id",
                aliceProject);
    }

    private static UUID link(SqlSession session, UUID shot, UUID generation, Integer position) {
        return (UUID) session.value("INSERT INTO shot_generations (shot_id, generation_id, position) VALUES (?, ?, ?)"
                + " RETURNING id", shot, generation, position);
    }
}
