package ai.reigh.tasks.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.db.Db.PageRead;
import ai.reigh.common.testing.Plans;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A tasks page of given projects checks that the caller sees them itself, so the page needs no statement
 * before it (TaskService asks which answer it is only when a page comes back empty). The check is made
 * once for the statement: a page over a stranger's project walks none of its tasks. And a page walks an index
 * in its order and stops at the page. Planned as the service runs it (generic plan with sorts priced out, the
 * service's role, row-level security on), in a transaction that is rolled back.
 */
@QuarkusTest
class TaskPagePlanTest {

    @Test
    void aPageOverAStrangersProjectIsRefusedOnceWithoutWalkingItsTasks() throws Exception {
        UUID owner = UUID.randomUUID();
        UUID stranger = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        TaskQueries.Statement page = TaskQueries.ownPage(stranger, TaskFilter.ofProject(project), null, null, 51);
        Plans.inRolledBackTransaction(sql -> {
            sql.execute("INSERT INTO projects (id, user_id, name) VALUES ('" + project + "', '" + owner + "', 'plan test')");
            sql.execute(tasksOf(owner, project, 5000, "now()"));
            Plans.asServiceReadingAPage(sql, "reigh_tasks", PageRead.IN_ORDER);
            sql.execute("PREPARE page AS " + page.sql());

            Plans.actAs(sql, stranger);
            String refused = Plans.executed(sql, "EXECUTE page" + values(page));
            assertThat(refused).as(refused).contains("One-Time Filter").contains("(never executed)")
                    .startsWith("Limit (actual rows=0");

            Plans.actAs(sql, owner);
            String served = Plans.executed(sql, "EXECUTE page" + values(page));
            assertThat(served).as(served).startsWith("Limit (actual rows=51");
        });
    }

    /**
     * A page of one project walks that project's newest-first index and stops at the page, whatever the
     * statistics and whatever else the owner holds. A generic plan knows no argument's value and takes
     * every project for an average one. On the statistics of a database with many small projects, a page
     * of a project of 100 000 tasks fetched the whole project and sorted it (137–167 ms a page): the page
     * transaction prices sorts out, so that plan is not open. Named with its owner too, the page walked the
     * owner's index, and a page of the owner's older project stepped over every newer task of their other
     * project first: 20 000 rows on the statistics made here (4 000 owners with three tasks each).
     */
    @Test
    void aPageOfOneProjectWalksOnlyThatProjectsIndexWhateverTheStatistics() throws Exception {
        UUID owner = UUID.randomUUID();
        UUID big = UUID.randomUUID();
        UUID small = UUID.randomUUID();
        Plans.inRolledBackTransaction(sql -> {
            sql.execute("INSERT INTO projects (id, user_id, name) VALUES ('" + big + "', '" + owner + "', 'big'),"
                    + " ('" + small + "', '" + owner + "', 'small')");
            sql.execute("INSERT INTO tasks (project_id, user_id, task_type, status, created_at)"
                    + " SELECT o.id, o.id, 'single_image', 'Complete', now() - i * interval '1 second'"
                    + " FROM generate_series(1, 12000) i, LATERAL (SELECT ('00000000-0000-4000-8000-'"
                    + " || lpad(to_hex(i % 4000), 12, '0'))::uuid AS id) o");
            sql.execute(tasksOf(owner, big, 20_000, "now()"));
            sql.execute(tasksOf(owner, small, 60, "now() - interval '1 day'"));
            sql.execute("ANALYZE tasks");
            Plans.asServiceReadingAPage(sql, "reigh_tasks", PageRead.IN_ORDER);
            Plans.actAs(sql, owner);
            // The older project's first page, and a later page of the big one.
            TaskQueries.Statement first = TaskQueries.ownPage(owner, TaskFilter.ofProject(small), null, null, 51);
            TaskQueries.Statement next = TaskQueries.ownPage(owner, TaskFilter.ofProject(big),
                    Instant.now().minus(Duration.ofSeconds(100)), UUID.randomUUID(), 51);
            sql.execute("PREPARE page_first AS " + first.sql());
            sql.execute("PREPARE page_next AS " + next.sql());

            assertWalksOnlyThePage(Plans.executed(sql, "EXECUTE page_first" + values(first)));
            assertWalksOnlyThePage(Plans.executed(sql, "EXECUTE page_next" + values(next)));
        });
    }

    /**
     * A page of a parent's sub-tasks fetches them through their own index and sorts them
     * ({@link TaskFilter#pageRead}: few then sort): walked through the project's index in order, three
     * old sub-tasks cost a read of the whole project to learn there were no more.
     */
    @Test
    void aPageOfSubTasksFetchesThemInsteadOfWalkingTheProject() throws Exception {
        UUID owner = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        UUID parent = UUID.randomUUID();
        TaskFilter subTasks = new TaskFilter(List.of(project), null, null, null, null, parent, null, null, false, null,
                null, null);
        assertThat(subTasks.pageRead()).isEqualTo(PageRead.FEW_THEN_SORT);
        assertThat(TaskFilter.ofProject(project).pageRead()).isEqualTo(PageRead.IN_ORDER);
        TaskQueries.Statement page = TaskQueries.ownPage(owner, subTasks, null, null, 51);
        Plans.inRolledBackTransaction(sql -> {
            sql.execute("INSERT INTO projects (id, user_id, name) VALUES ('" + project + "', '" + owner + "', 'plan test')");
            sql.execute(tasksOf(owner, project, 5000, "now()"));
            sql.execute("INSERT INTO tasks (project_id, user_id, task_type, status, parent_task_id, created_at)"
                    + " SELECT '" + project + "', '" + owner + "', 'single_image', 'Complete', '" + parent + "',"
                    + " now() - interval '1 day' - i * interval '1 second' FROM generate_series(1, 3) i");
            sql.execute("ANALYZE tasks");
            Plans.asServiceReadingAPage(sql, "reigh_tasks", subTasks.pageRead());
            Plans.actAs(sql, owner);
            sql.execute("PREPARE page AS " + page.sql());

            String served = Plans.executed(sql, "EXECUTE page" + values(page));
            assertThat(served).as(served).startsWith("Limit (actual rows=3")
                    .doesNotContain("tasks_project_newest_first");
        });
    }

    private static String tasksOf(UUID owner, UUID project, int count, String newest) {
        return "INSERT INTO tasks (project_id, user_id, task_type, status, created_at) SELECT '" + project + "', '"
                + owner + "', 'single_image', 'Complete', " + newest + " - i * interval '1 second'"
                + " FROM generate_series(1, " + count + ") i";
    }

    private static void assertWalksOnlyThePage(String plan) {
        assertThat(plan).as(plan).startsWith("Limit (actual rows=51")
                .contains("Index Scan using tasks_project_newest_first on tasks t (actual rows=51 loops=1)")
                .doesNotContain("Sort");
    }

    /** The statement's arguments as an EXECUTE's literal list. */
    private static String values(TaskQueries.Statement statement) {
        List<String> literals = new ArrayList<>();
        for (int i = 0; i < statement.arguments().size(); i++) {
            literals.add(literal(statement.arguments().getValue(i)));
        }
        return "(" + String.join(", ", literals) + ")";
    }

    private static String literal(Object value) {
        if (value instanceof Object[] array) {
            return "'{" + String.join(",", Arrays.stream(array).map(String::valueOf).toList()) + "}'";
        }
        return value instanceof Number ? value.toString() : "'" + value + "'";
    }
}
