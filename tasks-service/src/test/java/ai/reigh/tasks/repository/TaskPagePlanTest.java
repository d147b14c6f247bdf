package ai.reigh.tasks.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Plans;
import ai.reigh.common.testing.SqlSession;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A tasks page of given projects checks that the caller sees them itself, so the page needs no statement
 * before it (TaskService asks which answer it is only when a page comes back empty). The check is made
 * once for the statement: a page over a stranger's project walks none of its tasks. Planned as the service
 * runs it (generic plan, the service's role, row-level security on), in a transaction that is rolled back.
 */
@QuarkusTest
class TaskPagePlanTest {

    @Test
    void aPageOverAStrangersProjectIsRefusedOnceWithoutWalkingItsTasks() throws Exception {
        UUID owner = UUID.randomUUID();
        UUID stranger = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        TaskQueries.Statement page = TaskQueries.page(stranger, TaskFilter.ofProject(project), null, null, 51);
        try (SqlSession admin = SqlSession.as("postgres")) {
            Connection connection = admin.connection();
            connection.setAutoCommit(false);
            try (Statement sql = connection.createStatement()) {
                sql.execute("SET LOCAL session_replication_role = replica");
                sql.execute("INSERT INTO projects (id, user_id, name) VALUES ('" + project + "', '" + owner + "', 'plan test')");
                sql.execute("INSERT INTO tasks (project_id, user_id, task_type, status, created_at) SELECT '" + project
                        + "', '" + owner + "', 'single_image', 'Complete', now() - i * interval '1 second'"
                        + " FROM generate_series(1, 5000) i");
                Plans.asService(sql, "reigh_tasks");
                sql.execute("PREPARE page(uuid, uuid, uuid[], bigint) AS " + page.sql());

                Plans.actAs(sql, stranger);
                String refused = Plans.executed(sql, execute(stranger, project));
                assertThat(refused).as(refused).contains("One-Time Filter").contains("(never executed)")
                        .startsWith("Limit (actual rows=0");

                Plans.actAs(sql, owner);
                String served = Plans.executed(sql, execute(owner, project));
                assertThat(served).as(served).startsWith("Limit (actual rows=51");
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
    }

    private static String execute(UUID caller, UUID project) {
        return "EXECUTE page('" + caller + "', '" + project + "', '{" + project + "}', 1)";
    }
}
