package ai.reigh.projects.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.db.Conditions;
import ai.reigh.common.page.PageRequest;
import ai.reigh.common.testing.Plans;
import ai.reigh.common.testing.SqlSession;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A generations page checks the project's ownership itself, so the page needs no statement before it
 * (GenerationService asks whether the project exists only when a page comes back empty). The check must
 * be made once for the statement, not per row: a stranger naming a project of 5 000 generations must not
 * make PostgreSQL walk them. The statement GenerationRepository builds is planned as the service runs it
 * (generic plan, the service's role, row-level security on), in a transaction that is rolled back.
 */
@QuarkusTest
class GenerationPagePlanTest {
    private static final GenerationFilter NO_FILTER = new GenerationFilter(null, null, null, false, null, null, null,
            null, null, null, null, null, null, null, null, null, false);

    @Test
    void aStrangersPageIsRefusedOnceWithoutWalkingTheProject() throws Exception {
        UUID owner = UUID.randomUUID();
        UUID stranger = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        PageRequest firstPage = PageRequest.of(50, null);
        Conditions where = GenerationRepository.pageConditions(project, stranger, NO_FILTER, firstPage);
        try (SqlSession admin = SqlSession.as("postgres")) {
            Connection connection = admin.connection();
            connection.setAutoCommit(false);
            try (Statement sql = connection.createStatement()) {
                sql.execute("SET LOCAL session_replication_role = replica");
                sql.execute("INSERT INTO projects (id, user_id, name) VALUES ('" + project + "', '" + owner + "', 'plan test')");
                sql.execute("INSERT INTO generations (project_id, type, url, created_at) SELECT '" + project
                        + "', 'image', 'https://cdn.example/' || i || '.png', now() - i * interval '1 second'"
                        + " FROM generate_series(1, 5000) i");
                Plans.asService(sql, "reigh_projects");
                sql.execute("PREPARE page(uuid, uuid, uuid) AS " + GenerationRepository.pageSql(where, NO_FILTER, firstPage));

                Plans.actAs(sql, stranger);
                String refused = Plans.executed(sql, execute(project, stranger));
                assertThat(refused).as(refused).contains("One-Time Filter").contains("(never executed)")
                        .startsWith("Limit (actual rows=0");

                Plans.actAs(sql, owner);
                String served = Plans.executed(sql, execute(project, owner));
                assertThat(served).as(served).startsWith("Limit (actual rows=51");
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
    }

    private static String execute(UUID project, UUID caller) {
        return "EXECUTE page('" + project + "', '" + project + "', '" + caller + "')";
    }
}
