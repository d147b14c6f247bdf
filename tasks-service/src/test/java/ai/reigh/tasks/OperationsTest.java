package ai.reigh.tasks;

import static ai.reigh.tasks.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import ai.reigh.tasks.service.Reaper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** What operators see and rely on: the admin views (admin only), the metrics, and housekeeping. */
@QuarkusTest
class OperationsTest {
    @Inject
    Reaper reaper;

    @Test
    void adminsSeeWorkersWithTheirHeartbeatAge() {
        String admin = Tokens.admin(UUID.randomUUID());
        String workerId = "admin-view-" + UUID.randomUUID();
        Api.as(Tokens.worker()).body(body("worker_id", workerId, "current_model", "flux", "vram_total_mb", 80000))
                .post("/v1/workers/heartbeat").then().statusCode(200);
        Response page = Api.as(admin).get("/v1/admin/workers?limit=200");
        page.then().statusCode(200);
        List<Map<String, Object>> items = page.path("items");
        Map<String, Object> mine = items.stream().filter(item -> workerId.equals(item.get("id"))).findFirst().orElseThrow();
        assertThat(mine.get("status")).isEqualTo("active");
        assertThat(mine.get("current_model")).isEqualTo("flux");
        assertThat(((BigDecimal) mine.get("heartbeat_age_seconds")).doubleValue()).isBetween(0.0, 30.0);
        assertThat(mine.get("last_heartbeat")).isNotNull();
        Api.as(admin).get("/v1/admin/workers?status=active&limit=1").then().statusCode(200)
                .body("items.size()", equalTo(1));
        Api.as(admin).get("/v1/admin/workers?status=lost").then().statusCode(400);
        Api.as(admin).get("/v1/admin/workers?cursor=%%%").then().statusCode(400);
    }

    @Test
    void adminsSeeTheQueueByStatusAndType() {
        Fixtures.Owner owner = Fixtures.owner();
        Fixtures.createTask(owner, "z_image_turbo");
        Response queue = Api.as(Tokens.admin(UUID.randomUUID())).get("/v1/admin/queue");
        queue.then().statusCode(200).body("queued", greaterThanOrEqualTo(1))
                .body("oldest_queued_age_seconds", org.hamcrest.Matchers.notNullValue());
        List<Map<String, Object>> buckets = queue.path("by_status_and_type");
        assertThat(buckets).anySatisfy(bucket -> {
            assertThat(bucket.get("status")).isEqualTo("Queued");
            assertThat(bucket.get("task_type")).isEqualTo("z_image_turbo");
            assertThat(((Number) bucket.get("count")).intValue()).isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    void oldRealtimeEventsArePruned() {
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO realtime_events (project_id, event, table_name, op, row_id, created_at)"
                    + " VALUES (?, 'task.created', 'tasks', 'INSERT', ?, now() - interval '2 hours')", UUID.randomUUID(), old);
            sql.update("INSERT INTO realtime_events (project_id, event, table_name, op, row_id)"
                    + " VALUES (?, 'task.created', 'tasks', 'INSERT', ?)", UUID.randomUUID(), recent);
        }
        Fixtures.await("the old event to be pruned", Duration.ofSeconds(20), () -> {
            reaper.housekeeping().await().atMost(Duration.ofSeconds(10));
            try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
                return sql.count("SELECT count(*) FROM realtime_events WHERE row_id = ?", old) == 0;
            }
        });
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM realtime_events WHERE row_id = ?", recent)).isEqualTo(1);
        }
    }

    @Test
    void onlyAdminsMayLook() {
        Fixtures.Owner owner = Fixtures.owner();
        Api.as(owner.token()).get("/v1/admin/workers").then().statusCode(403).body("code", equalTo("forbidden"));
        Api.as(Tokens.worker()).get("/v1/admin/queue").then().statusCode(403);
        Api.given().get("/v1/admin/queue").then().statusCode(401);
    }

    @Test
    void queueMetricsArePublished() {
        Fixtures.Owner owner = Fixtures.owner();
        Fixtures.createTask(owner, "single_image");
        Fixtures.claimOne(owner.localWorker(), "metrics");
        String gpuInProgress = "reigh_tasks_queue_depth{run_type=\"gpu\",status=\"In Progress\"}";
        Fixtures.await("the queue gauges to be sampled", Duration.ofSeconds(15), () -> {
            String metrics = Api.management().get("/q/metrics").asString();
            return metrics.contains(gpuInProgress) && !metrics.contains(gpuInProgress + " 0.0")
                    && !metrics.contains("reigh_tasks_workers{health=\"online\"} 0.0");
        });
        String metrics = Api.management().get("/q/metrics").asString();
        assertThat(metrics).contains("reigh_tasks_claimed_total", "reigh_tasks_completions_total",
                "reigh_tasks_lease_expiries_total", "reigh_tasks_outbox_lag_seconds", "reigh_tasks_claim_parked",
                "reigh_tasks_queue_depth{run_type=\"api\",status=\"Queued\"}",
                "reigh_tasks_queue_oldest_age_seconds{run_type=\"gpu\"}", "reigh_tasks_workers{health=\"stale\"}");
    }
}
