package ai.reigh.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The web app's task lists and counts: several statuses and task types at once, top-level only,
 * updated/processed after a time, tasks of a parent, across projects; exact totals and per-status
 * counts by the same filters (the task pane's "processing", "done in the last hour", "failed in the
 * last hour" badges are three counts over windows).
 */
@QuarkusTest
class TaskFiltersApiTest {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private static final Instant TWO_HOURS_AGO = NOW.minus(2, ChronoUnit.HOURS);
    private static final Instant ONE_HOUR_AGO = NOW.minus(1, ChronoUnit.HOURS);

    /** A task row as the test needs it, inserted by the schema owner (statuses and times set directly). */
    private static UUID insert(Fixtures.Owner owner, UUID projectId, String type, String status, UUID parent,
            Instant updatedAt, Instant processedAt, Instant createdAt) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return (UUID) sql.query("""
                    INSERT INTO tasks (project_id, user_id, task_type, status, parent_task_id, run_type,
                                       lease_token, lease_expires_at, generation_processed_at, created_at, updated_at)
                    SELECT ?, ?, c.task_type, s.status, ?, c.run_type,
                           CASE WHEN s.status = 'In Progress' THEN gen_random_uuid() END,
                           CASE WHEN s.status = 'In Progress' THEN now() + interval '1 day' END,
                           ?::timestamptz, ?::timestamptz, ?::timestamptz
                    FROM task_cost_configs c, (SELECT ?::text AS status) s WHERE c.task_type = ? RETURNING id""",
                    projectId, owner.userId(), parent, processedAt == null ? null : processedAt.toString(),
                    createdAt.toString(), updatedAt.toString(), status, type).get(0).get(0);
        }
    }

    /** Without credits: these tasks are never claimable, so no other test's worker takes them. */
    private static Fixtures.Owner owner() {
        return Fixtures.owner(java.math.BigDecimal.ZERO);
    }

    private static UUID insert(Fixtures.Owner owner, String type, String status, Instant at) {
        return insert(owner, owner.projectId(), type, status, null, at,
                "Complete".equals(status) ? at : null, at);
    }

    private static List<String> ids(Response answer) {
        return answer.then().statusCode(200).extract().path("items.id");
    }

    private static List<String> strings(UUID... ids) {
        List<String> out = new ArrayList<>();
        for (UUID id : ids) {
            out.add(id.toString());
        }
        return out;
    }

    @Test
    void severalStatusesAndTypesTopLevelOnlyWithAnExactTotal() {
        Fixtures.Owner owner = owner();
        Instant t = NOW.minus(10, ChronoUnit.MINUTES);
        UUID queuedImage = insert(owner, "single_image", "Queued", t.plusSeconds(1));
        UUID runningEdit = insert(owner, "image_edit", "In Progress", t.plusSeconds(2));
        UUID doneImage = insert(owner, "single_image", "Complete", t.plusSeconds(3));
        UUID queuedVideo = insert(owner, "wan_2_2_i2v", "Queued", t.plusSeconds(4));
        UUID orchestrator = insert(owner, "travel_orchestrator", "In Progress", t.plusSeconds(5));
        UUID subTask = insert(owner, owner.projectId(), "travel_segment", "Queued", orchestrator, t.plusSeconds(6), null,
                t.plusSeconds(6));

        String base = "/v1/tasks?project_id=" + owner.projectId();
        assertThat(ids(Api.as(owner.token()).get(base + "&status=Queued,In Progress&task_type=single_image,image_edit")))
                .containsExactly(strings(runningEdit, queuedImage).toArray(String[]::new));
        // Top-level only leaves the orchestrator's sub-task out; false keeps only sub-tasks.
        assertThat(ids(Api.as(owner.token()).get(base + "&status=Queued,In Progress&top_level=true")))
                .containsExactly(strings(orchestrator, queuedVideo, runningEdit, queuedImage).toArray(String[]::new));
        assertThat(ids(Api.as(owner.token()).get(base + "&top_level=false"))).containsExactly(subTask.toString());
        assertThat(ids(Api.as(owner.token()).get(base + "&parent_task_id=" + orchestrator)))
                .containsExactly(subTask.toString());
        // The task log: every type but the hidden ones.
        assertThat(ids(Api.as(owner.token()).get(base + "&exclude_task_type=travel_segment,travel_orchestrator,wan_2_2_i2v")))
                .containsExactly(strings(doneImage, runningEdit, queuedImage).toArray(String[]::new));

        // An exact total whatever the page: 4 top-level tasks that are Queued or In Progress, 1 per page.
        Response first = Api.as(owner.token()).get(base + "&status=Queued,In Progress&top_level=true&include_total=true&limit=1");
        first.then().statusCode(200).body("total", equalTo(4)).body("items.size()", equalTo(1));
        List<String> walked = new ArrayList<>(ids(first));
        String cursor = first.path("next_cursor");
        while (cursor != null) {
            Response next = Api.as(owner.token()).get(base + "&status=Queued,In Progress&top_level=true&include_total=true"
                    + "&limit=1&cursor=" + cursor);
            next.then().body("total", equalTo(4));
            walked.addAll(ids(next));
            cursor = next.path("next_cursor");
        }
        assertThat(walked).containsExactly(strings(orchestrator, queuedVideo, runningEdit, queuedImage).toArray(String[]::new));
        Api.as(owner.token()).get(base + "&status=Queued").then().statusCode(200)
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("total")));
    }

    @Test
    void updatedAndProcessedAfterAndTheProcessedOrderOfFinishedTasks() {
        Fixtures.Owner owner = owner();
        UUID oldFailure = insert(owner, "single_image", "Failed", TWO_HOURS_AGO);
        UUID recentFailure = insert(owner, "single_image", "Failed", NOW.minus(5, ChronoUnit.MINUTES));
        UUID recentCancel = insert(owner, "image_edit", "Cancelled", NOW.minus(4, ChronoUnit.MINUTES));
        UUID oldSuccess = insert(owner, "single_image", "Complete", TWO_HOURS_AGO);
        // Created first but processed last: the "succeeded" tab orders by processing time.
        UUID lateSuccess = insert(owner, owner.projectId(), "single_image", "Complete", null,
                NOW.minus(1, ChronoUnit.MINUTES), NOW.minus(1, ChronoUnit.MINUTES), NOW.minus(30, ChronoUnit.MINUTES));
        UUID earlySuccess = insert(owner, owner.projectId(), "single_image", "Complete", null,
                NOW.minus(3, ChronoUnit.MINUTES), NOW.minus(3, ChronoUnit.MINUTES), NOW.minus(20, ChronoUnit.MINUTES));

        String base = "/v1/tasks?project_id=" + owner.projectId();
        assertThat(ids(Api.as(owner.token()).get(base + "&status=Failed,Cancelled&updated_after=" + ONE_HOUR_AGO)))
                .containsExactlyInAnyOrder(strings(recentFailure, recentCancel).toArray(String[]::new));
        assertThat(ids(Api.as(owner.token()).get(base + "&status=Complete&processed_after=" + ONE_HOUR_AGO)))
                .containsExactly(strings(earlySuccess, lateSuccess).toArray(String[]::new));
        List<String> byProcessing = new ArrayList<>();
        Response page = Api.as(owner.token()).get(base + "&status=Complete&sort=processed&limit=2&include_total=true");
        page.then().body("total", equalTo(3));
        byProcessing.addAll(ids(page));
        page = Api.as(owner.token()).get(base + "&status=Complete&sort=processed&limit=2&cursor=" + page.path("next_cursor"));
        byProcessing.addAll(ids(page));
        assertThat((Object) page.path("next_cursor")).isNull();
        assertThat(byProcessing).containsExactly(strings(lateSuccess, earlySuccess, oldSuccess).toArray(String[]::new));
        assertThat(oldFailure).isNotNull();
    }

    @Test
    void countsPerStatusFollowTheSameFiltersAndTimeWindows() {
        Fixtures.Owner owner = owner();
        insert(owner, "single_image", "Queued", NOW.minus(3, ChronoUnit.HOURS));
        insert(owner, "single_image", "In Progress", NOW.minus(2, ChronoUnit.MINUTES));
        insert(owner, "travel_segment", "Queued", NOW);
        UUID orchestrator = insert(owner, "travel_orchestrator", "In Progress", NOW);
        insert(owner, owner.projectId(), "single_image", "Queued", orchestrator, NOW, null, NOW);
        insert(owner, "single_image", "Complete", NOW.minus(10, ChronoUnit.MINUTES));
        insert(owner, "single_image", "Complete", TWO_HOURS_AGO);
        insert(owner, "single_image", "Failed", NOW.minus(10, ChronoUnit.MINUTES));
        insert(owner, "single_image", "Cancelled", TWO_HOURS_AGO);

        String base = "/v1/tasks/counts?project_id=" + owner.projectId() + "&task_type=single_image,travel_orchestrator&top_level=true";
        // Processing: every Queued or In Progress top-level task of the visible types, whenever.
        Api.as(owner.token()).get(base).then().statusCode(200).body("queued", equalTo(1)).body("in_progress", equalTo(2))
                .body("complete", equalTo(2)).body("failed", equalTo(1)).body("cancelled", equalTo(1)).body("total", equalTo(7));
        // Succeeded in the last hour, and failed or cancelled in the last hour.
        Api.as(owner.token()).get(base + "&status=Complete&processed_after=" + ONE_HOUR_AGO).then().statusCode(200)
                .body("complete", equalTo(1)).body("total", equalTo(1));
        Api.as(owner.token()).get(base + "&status=Failed,Cancelled&updated_after=" + ONE_HOUR_AGO).then().statusCode(200)
                .body("failed", equalTo(1)).body("cancelled", equalTo(0)).body("total", equalTo(1));
        // The list's total with the same filters is the same number.
        Api.as(owner.token()).get("/v1/tasks?project_id=" + owner.projectId()
                + "&task_type=single_image,travel_orchestrator&top_level=true&status=Queued,In Progress&include_total=true&limit=1")
                .then().statusCode(200).body("total", equalTo(3));
    }

    @Test
    void severalProjectsOfTheCallerAndNeverAnotherUsersTasks() {
        Fixtures.Owner owner = owner();
        Fixtures.Owner stranger = owner();
        UUID second = owner.anotherProject();
        UUID here = insert(owner, "single_image", "Queued", NOW.minus(2, ChronoUnit.MINUTES));
        UUID there = insert(owner, second, "image_edit", "Queued", null, NOW.minus(1, ChronoUnit.MINUTES), null,
                NOW.minus(1, ChronoUnit.MINUTES));
        insert(stranger, "single_image", "Queued", NOW);

        assertThat(ids(Api.as(owner.token()).get("/v1/tasks?project_id=" + owner.projectId() + "," + second)))
                .containsExactly(there.toString(), here.toString());
        assertThat(ids(Api.as(owner.token()).get("/v1/tasks?status=Queued&include_total=true")))
                .containsExactly(there.toString(), here.toString());
        Api.as(owner.token()).get("/v1/tasks/counts?project_id=" + owner.projectId() + "," + second).then()
                .statusCode(200).body("queued", equalTo(2));
        // One project that is not the caller's makes the whole request a 404, as a single one does.
        Api.as(owner.token()).get("/v1/tasks?project_id=" + owner.projectId() + "," + stranger.projectId()).then()
                .statusCode(404);
        Api.as(owner.token()).get("/v1/tasks/counts?project_id=" + stranger.projectId() + "&status=Queued").then()
                .statusCode(404);
        // A stranger's parent task id matches nothing of the caller's.
        UUID strangersParent = insert(stranger, "travel_orchestrator", "In Progress", NOW);
        insert(stranger, stranger.projectId(), "travel_segment", "Queued", strangersParent, NOW, null, NOW);
        assertThat(ids(Api.as(owner.token()).get("/v1/tasks?parent_task_id=" + strangersParent))).isEmpty();
    }

    @Test
    void malformedFiltersAreNamed400s() {
        Fixtures.Owner owner = owner();
        String many = String.join(",", java.util.Collections.nCopies(51, "single_image"));
        for (String[] bad : new String[][] {
                { "status=Queued,Done", "status" },
                { "task_type=Single_Image", "task_type" },
                { "task_type=" + many, "task_type" },
                { "exclude_task_type=a;b", "exclude_task_type" },
                { "top_level=yes", "top_level" },
                { "parent_task_id=42", "parent_task_id" },
                { "project_id=" + owner.projectId() + ",nope", "project_id" },
                { "updated_after=yesterday", "updated_after" },
                { "processed_after=2026-13-01T00:00:00Z", "processed_after" },
                { "sort=random", "sort" },
                { "sort=processed&status=Queued", "sort" },
                { "include_total=maybe", "include_total" } }) {
            Api.as(owner.token()).get("/v1/tasks?" + bad[0]).then().statusCode(400)
                    .body("code", equalTo("validation_failed")).body("errors[0].field", equalTo(bad[1]));
        }
        Api.as(owner.token()).get("/v1/tasks/counts?status=Queued,Done").then().statusCode(400)
                .body("errors[0].field", equalTo("status"));
        Api.as(owner.token()).get("/v1/tasks/counts?updated_after=soon").then().statusCode(400)
                .body("errors[0].field", equalTo("updated_after"));
    }
}
