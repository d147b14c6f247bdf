package ai.reigh.common.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.error.PgErrors;
import ai.reigh.common.testing.EmbeddedPostgres;
import ai.reigh.common.testing.Migrations;

/**
 * V2_12 and V2_13 (the media model) on a database that the released schema filled (every migration
 * of the release but those two, so 2.21 to 2.41 are applied before 2.12 and 2.13 arrive): links keep their
 * positions, order and timestamps and gain empty metadata; the same generation twice in a shot stays;
 * every shot keeps its fields and gains a parent video generation (a placeholder in its project);
 * nothing of this is published as a realtime event; and the migrated timeline accepts a swap.
 */
class ShotTimelineMigrationTest {
    private static final String DATABASE = "reigh_timeline_upgrade";
    /**
     * This release's migrations: the released schema is everything else, but 2.50 and 2.52, which
     * rewrite the trigger functions and the row-level policies of 2.12 and 2.13 and so come after them.
     */
    private static final String[] THIS_RELEASE = { "2.12", "2.13", "2.50", "2.52" };

    @Test
    void shotsAndLinksOfTheReleasedSchemaKeepWorkingAfterTheMigration() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.shared();
        try (Connection admin = DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", "");
                Statement sql = admin.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + DATABASE);
            sql.execute("CREATE DATABASE " + DATABASE + " OWNER " + EmbeddedPostgres.OWNER);
        }
        String url = pg.jdbcUrl(DATABASE);
        assertThat(Migrations.applyAllBut(url, THIS_RELEASE).success).isTrue();

        UUID user = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        UUID opening = UUID.randomUUID();
        UUID empty = UUID.randomUUID();
        UUID still;
        UUID other;
        String linksQuery = "SELECT id, shot_id, generation_id, position, created_at, updated_at FROM shot_generations"
                + " ORDER BY shot_id, position NULLS LAST, id";
        String shotsQuery = "SELECT id, project_id, name, \"order\", settings::text, created_at, updated_at FROM shots ORDER BY id";
        List<List<Object>> linksBefore;
        List<List<Object>> shotsBefore;
        long generationsBefore;
        long eventsBefore;
        try (Connection projects = asService(url, "reigh_projects")) {
            update(projects, "INSERT INTO users (id, email) VALUES (?, 'old@example.test')", user);
            update(projects, "INSERT INTO projects (id, user_id, name) VALUES (?, ?, 'old project')", project, user);
            update(projects, "INSERT INTO shots (id, project_id, name, \"order\", settings, created_at) VALUES"
                    + " (?, ?, 'Opening', 0, '{\"travel\": {\"frames\": 81}}', now() - interval '3 days')", opening, project);
            update(projects, "INSERT INTO shots (id, project_id, name, \"order\") VALUES (?, ?, 'Empty', 1)", empty, project);
            still = (UUID) value(projects, "INSERT INTO generations (project_id, type, url) VALUES (?, 'image',"
                    + " 'https://cdn.example.test/still.png') RETURNING id", project);
            other = (UUID) value(projects, "INSERT INTO generations (project_id, type, url) VALUES (?, 'image',"
                    + " 'https://cdn.example.test/other.png') RETURNING id", project);
            // The released service spaced positions by one; the same generation twice, and unpositioned.
            update(projects, "INSERT INTO shot_generations (shot_id, generation_id, position, created_at) VALUES"
                    + " (?, ?, 0, now() - interval '2 days'), (?, ?, 1, now() - interval '1 day'), (?, ?, 2, now()),"
                    + " (?, ?, NULL, now())", opening, still, opening, other, opening, still, opening, other);
            linksBefore = rows(projects, linksQuery);
            shotsBefore = rows(projects, shotsQuery);
            generationsBefore = ((Number) value(projects, "SELECT count(*) FROM generations")).longValue();
        }
        try (Connection tasks = asService(url, "reigh_tasks")) {
            eventsBefore = ((Number) value(tasks, "SELECT count(*) FROM realtime_events")).longValue();
        }

        assertThat(Migrations.apply(url).success).isTrue();
        try (Connection tasks = asService(url, "reigh_tasks")) {
            assertThat(((Number) value(tasks, "SELECT count(*) FROM realtime_events")).longValue())
                    .as("the migration's own writes are not published").isEqualTo(eventsBefore);
        }

        try (Connection projects = asService(url, "reigh_projects")) {
            assertThat(rows(projects, linksQuery)).as("links unchanged").isEqualTo(linksBefore);
            assertThat(rows(projects, shotsQuery)).as("shots unchanged (updated_at included)").isEqualTo(shotsBefore);
            assertThat(rows(projects, "SELECT DISTINCT metadata::text FROM shot_generations"))
                    .containsExactly(List.of("{}"));
            assertThat(rows(projects, "SELECT aspect_ratio FROM shots")).as("no aspect ratio of its own: the project's")
                    .containsOnly(Arrays.asList((Object) null));

            List<List<Object>> parents = rows(projects, "SELECT s.id, g.project_id, g.type, g.url IS NULL,"
                    + " g.params #>> '{orchestrator_details,shot_id}' = s.id::text, g.params ->> 'tool_type'"
                    + " FROM shots s JOIN generations g ON g.id = s.parent_generation_id ORDER BY s.id");
            assertThat(parents).as("every shot has a placeholder parent video in its project").containsExactlyInAnyOrder(
                    List.of(opening, project, "video", true, true, "travel-between-images"),
                    List.of(empty, project, "video", true, true, "travel-between-images"));
            assertThat(((Number) value(projects, "SELECT count(*) FROM generations")).longValue())
                    .isEqualTo(generationsBefore + 2);
            assertThat(((Number) value(projects, "SELECT count(*) FROM shot_generations sg JOIN shots s"
                    + " ON s.parent_generation_id = sg.generation_id")).longValue()).as("parents are not linked").isZero();

            // The migrated timeline takes a swap in one statement.
            try (PreparedStatement swap = projects.prepareStatement("UPDATE shot_generations SET position = CASE position"
                    + " WHEN 0 THEN 1 ELSE 0 END WHERE shot_id = ? AND position IN (0, 1)")) {
                swap.setObject(1, opening);
                assertThat(swap.executeUpdate()).isEqualTo(2);
            }
            assertThat(rows(projects, "SELECT generation_id FROM shot_generations WHERE shot_id = ? AND position IS NOT NULL"
                    + " ORDER BY position", opening)).containsExactly(List.of(other), List.of(still), List.of(still));
            try (PreparedStatement collide = projects.prepareStatement(
                    "UPDATE shot_generations SET position = 2 WHERE shot_id = ? AND position = 0")) {
                collide.setObject(1, opening);
                collide.executeUpdate();
                throw new AssertionError("two links at one position were accepted");
            } catch (SQLException refused) {
                assertThat(refused.getSQLState()).isEqualTo(PgErrors.UNIQUE_VIOLATION);
            }
        }
    }

    private static Connection asService(String url, String role) throws SQLException {
        Connection connection = DriverManager.getConnection(url, role, "");
        try (Statement sql = connection.createStatement()) {
            sql.execute("SELECT set_config('reigh.role', 'service', false)");
        }
        return connection;
    }

    private static void update(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, params)) {
            statement.execute();
        }
    }

    private static Object value(Connection connection, String sql, Object... params) throws SQLException {
        List<List<Object>> all = rows(connection, sql, params);
        assertThat(all).as(sql).hasSize(1);
        return all.get(0).get(0);
    }

    private static List<List<Object>> rows(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, params); ResultSet result = statement.executeQuery()) {
            List<List<Object>> out = new ArrayList<>();
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(result.getObject(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }
}
