package ai.reigh.common.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.EmbeddedPostgres;
import ai.reigh.common.testing.Migrations;

/**
 * V2_12 (generation lineage and variants) on a database that the previous release filled (its whole
 * history, so 2.12 arrives below versions already applied, as in a real upgrade): every
 * generation keeps its media, name, star, metadata and timestamps, gains its original variant as
 * primary, its task's params and its producing task ids, and no realtime event is written for it.
 */
class GenerationMediaMigrationTest {
    private static final String DATABASE = "reigh_media_upgrade";
    /**
     * This release's migrations: the database of the previous release has every other one (2.41 too),
     * except 2.50 and 2.52, which rewrite the trigger functions and the row-level policies of 2.12 and
     * 2.13 and so come after them.
     */
    private static final String[] THIS_RELEASE = { "2.12", "2.13", "2.50", "2.52" };

    @Test
    void generationsOfThePreviousSchemaKeepWorkingAfterTheMigration() throws Exception {
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
        UUID shot = UUID.randomUUID();
        UUID task = UUID.randomUUID();
        UUID object = UUID.randomUUID();
        UUID fromTask;
        UUID upload;
        long eventsBefore;
        List<Object> taskRowBefore;
        List<Object> uploadRowBefore;
        try (Connection projects = asService(url, "reigh_projects")) {
            update(projects, "INSERT INTO users (id, email) VALUES (?, 'old@example.test')", user);
            update(projects, "INSERT INTO projects (id, user_id, name) VALUES (?, ?, 'old project')", project, user);
            update(projects, "INSERT INTO shots (id, project_id, name, \"order\") VALUES (?, ?, 'old shot', 0)", shot, project);
            fromTask = (UUID) value(projects, "INSERT INTO generations (project_id, task_id, type, url, thumbnail_url, metadata,"
                    + " created_at) VALUES (?, ?, 'image', 'https://cdn.example.test/cat.png', 'https://cdn.example.test/cat-t.png',"
                    + " '{\"prompt\": \"a cat\", \"tool_type\": \"image-generation\"}', now() - interval '2 days') RETURNING id",
                    project, task);
            upload = (UUID) value(projects, "INSERT INTO generations (project_id, type, url, object_id, metadata, name, starred)"
                    + " VALUES (?, 'video', 'https://cdn.example.test/clip.mp4', ?, '{\"note\": \"mine\"}', 'my clip', true)"
                    + " RETURNING id", project, object);
            update(projects, "INSERT INTO shot_generations (shot_id, generation_id, position) VALUES (?, ?, 3)", shot, upload);
            taskRowBefore = row(projects, "SELECT url, thumbnail_url, metadata::text, name, starred, created_at, updated_at"
                    + " FROM generations WHERE id = ?", fromTask);
            uploadRowBefore = row(projects, "SELECT url, thumbnail_url, metadata::text, name, starred, created_at, updated_at"
                    + " FROM generations WHERE id = ?", upload);
        }
        try (Connection tasks = asService(url, "reigh_tasks")) {
            eventsBefore = ((Number) value(tasks, "SELECT count(*) FROM realtime_events")).longValue();
        }

        assertThat(Migrations.apply(url).success).isTrue();

        try (Connection projects = asService(url, "reigh_projects")) {
            String unchanged = "SELECT url, thumbnail_url, metadata::text, name, starred, created_at, updated_at"
                    + " FROM generations WHERE id = ?";
            assertThat(row(projects, unchanged, fromTask)).isEqualTo(taskRowBefore);
            assertThat(row(projects, unchanged, upload)).isEqualTo(uploadRowBefore);

            assertThat(row(projects, "SELECT params ->> 'prompt', tasks::text, is_child, based_on, parent_generation_id"
                    + " FROM generations WHERE id = ?", fromTask))
                    .containsExactly("a cat", "{" + task + "}", false, null, null);
            assertThat(row(projects, "SELECT params::text, tasks::text, is_child FROM generations WHERE id = ?", upload))
                    .containsExactly("{}", "{}", false);

            String original = "SELECT v.variant_type, v.is_primary, v.url = g.url, v.thumbnail_url IS NOT DISTINCT FROM g.thumbnail_url,"
                    + " v.object_id IS NOT DISTINCT FROM g.object_id, v.task_id IS NOT DISTINCT FROM g.task_id,"
                    + " g.primary_variant_id = v.id, v.viewed_at IS NOT NULL, v.project_id = g.project_id"
                    + " FROM generations g JOIN generation_variants v ON v.generation_id = g.id WHERE g.id = ?";
            for (UUID generation : List.of(fromTask, upload)) {
                assertThat(rows(projects, original, generation)).as("one original variant, primary, same media")
                        .containsExactly(List.of("original", true, true, true, true, true, true, true, true));
            }
            assertThat(row(projects, "SELECT position FROM shot_generations WHERE shot_id = ? AND generation_id = ?", shot, upload))
                    .containsExactly(3);
        }
        try (Connection tasks = asService(url, "reigh_tasks")) {
            assertThat(((Number) value(tasks, "SELECT count(*) FROM realtime_events")).longValue())
                    .as("the migration's own writes are not published").isEqualTo(eventsBefore);
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
        return row(connection, sql, params).get(0);
    }

    private static List<Object> row(Connection connection, String sql, Object... params) throws SQLException {
        List<List<Object>> all = rows(connection, sql, params);
        assertThat(all).as(sql).hasSize(1);
        return all.get(0);
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
