package ai.reigh.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** API.md's routing table, row by row, and what must never be routed. */
class RouteTableTest {

    @ParameterizedTest
    @CsvSource({
            "/v1/me, PROJECTS", "/v1/me/tokens, PROJECTS", "/v1/projects, PROJECTS", "/v1/projects/x/shots, PROJECTS",
            "/v1/shots/x/generations, PROJECTS", "/v1/generations/x, PROJECTS", "/v1/resources, PROJECTS",
            "/v1/training-data/batches, PROJECTS",
            "/v1/tasks, TASKS", "/v1/tasks/counts, TASKS", "/v1/events, TASKS", "/v1/workers/claim, TASKS",
            "/v1/workers/heartbeat, TASKS", "/v1/workers/tasks/x/complete, TASKS", "/v1/admin/workers, TASKS",
            "/v1/admin/queue, TASKS", "/v1/admin/outbox, TASKS", "/v1/admin/outbox/42/replay, TASKS",
            // The operator console's reads (docs/console.md).
            "/v1/admin/tasks, TASKS", "/v1/admin/tasks/x/requeue, TASKS", "/v1/admin/activity, TASKS",
            "/v1/admin/overview, TASKS", "/v1/admin/overview/stream, TASKS", "/v1/admin/users, PROJECTS", "/v1/admin/generations, PROJECTS",
            "/v1/admin/credits/users/x, CREDITS", "/v1/admin/credits/activity, CREDITS",
            "/v1/admin/storage/buckets, STORAGE", "/v1/admin/storage/usage/x, STORAGE",
            "/v1/credits/balance, CREDITS", "/v1/credits/stripe/webhook, CREDITS", "/v1/task-costs, CREDITS",
            "/v1/task-costs/estimate, CREDITS", "/v1/admin/credits/grants, CREDITS", "/v1/admin/task-costs/x, CREDITS",
            "/v1/storage/uploads, STORAGE", "/v1/storage/objects/x, STORAGE",
            "/storage/v1/object/public/public/a/b.png, STORAGE", "/v1/workers/uploads, STORAGE",
            // The deployed GPU fleet's protocol (docs/worker-compat.md): its edge functions, its heartbeat
            // RPC, and the public URLs it builds.
            "/functions/v1/claim-next-task, TASKS", "/functions/v1/complete_task, TASKS",
            "/functions/v1/update-task-status, TASKS", "/rest/v1/rpc/func_worker_heartbeat_with_logs, TASKS",
            "/storage/v1/object/public/image_uploads/a/tasks/b/c.mp4, STORAGE" })
    void routesByTheLongestWholeSegmentPrefix(String path, Service expected) {
        assertThat(RouteTable.route(path)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/internal", "/internal/v1/charges", "/internal/v1/generations", "/v1/meow",
            "/v1/taskss", "/v1", "/", "/v2/projects", "/v1/admin", "/v1/admin/userz", "/v1/admin/outboxes", "/storage",
            // Only the fleet's one RPC: PostgREST's tables and other functions are not ours to answer.
            "/rest/v1/tasks", "/rest/v1/workers", "/rest/v1/rpc/claim_next_task", "/rest/v1/rpc", "/functions/v2/x",
            "/functions" })
    void internalAndUnknownPathsAreNotRouted(String path) {
        assertThat(RouteTable.route(path)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({ "/v1/projects/3f0c1b2e-0000-4000-8000-000000000001/shots, /v1/projects/**",
            "/v1/workers/uploads/abc, /v1/workers/uploads/**", "/v1/me, /v1/me/**",
            "/internal/v1/charges, UNROUTED", "/v9/3f0c1b2e-0000-4000-8000-000000000001, UNROUTED" })
    void metricsCountTheRoutePrefixNeverThePath(String path, String template) {
        assertThat(RouteTable.metricsTemplate(path)).isEqualTo(template);
    }
}
