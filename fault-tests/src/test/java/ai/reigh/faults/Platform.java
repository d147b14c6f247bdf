package ai.reigh.faults;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import ai.reigh.devtools.worker.ReferenceWorker;
import ai.reigh.devtools.worker.WorkerOptions;
import io.restassured.RestAssured;

/**
 * The platform every scenario runs against: one {@link SystemUnderTest} for the module (PostgreSQL,
 * S3Proxy, the four services and the gateway as processes, 6 s leases, 1 s reaper), and the
 * fixtures the scenarios share. Each scenario works for its own user, with local workers bound to
 * that user, so that scenarios never take each other's tasks.
 */
final class Platform {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    private Platform() {
    }

    private static final long STOP_GRACE_MILLIS = 10_000;
    private static final long STOP_LIMIT_MILLIS = 40_000;
    private static boolean stragglerHookInstalled;

    static synchronized SystemUnderTest system() {
        SystemUnderTest system = SystemUnderTest.shared();
        RestAssured.baseURI = system.gatewayUrl();
        if (!stragglerHookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(Platform::killStragglers, "fault-tests-stragglers"));
            stragglerHookInstalled = true;
        }
        return system;
    }

    /**
     * At exit the processes are stopped gracefully (SystemUnderTest's own hook, one after the other).
     * A service whose jar was rebuilt under it (in a shared checkout) can hang in its shutdown, loading
     * a class from a jar that is gone, and would keep this JVM (and the build) waiting: whatever still
     * runs after a grace period is killed.
     */
    private static void killStragglers() {
        long start = System.nanoTime();
        while (ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive)) {
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            if (elapsed > STOP_LIMIT_MILLIS) {
                return;
            }
            if (elapsed > STOP_GRACE_MILLIS) {
                ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A user with credits and a project, and the token of a local worker that takes only its tasks. */
    record Tenant(UUID userId, String token, String projectId, String workerToken) {
    }

    static Tenant newTenant(String label, BigDecimal credits) {
        system();
        UUID user = UUID.randomUUID();
        String token = Tokens.user(user);
        Api.as(token).get("/v1/me").then().statusCode(200);
        Api.as(Tokens.admin(UUID.randomUUID())).body(Map.of("user_id", user.toString(), "amount", credits,
                "reason", "fault test " + label, "idempotency_key", label + "-" + user))
                .post("/v1/admin/credits/grants").then().statusCode(201);
        String project = Api.as(token).body(Map.of("name", "Faults: " + label)).post("/v1/projects").then()
                .statusCode(201).extract().path("id");
        return new Tenant(user, token, project, Tokens.localWorker(user));
    }

    /** Creates a task directly (no fault in the way): its id. */
    static String createTask(Tenant tenant, String taskType, String prompt) {
        return Api.as(tenant.token()).body(Map.of("project_id", tenant.projectId(), "task_type", taskType,
                "params", Map.of("prompt", prompt))).post("/v1/tasks").then().statusCode(201).extract().path("id");
    }

    /** The reference worker in-process: short tasks, 1 s heartbeats (leases are 6 s), short long polls. */
    static ReferenceWorker referenceWorker(Tenant tenant, int workers, String prefix) {
        return referenceWorker(tenant, system().gatewayUrl(), workers, prefix);
    }

    /** The same, reaching the platform at {@code origin} instead of the gateway. */
    static ReferenceWorker referenceWorker(Tenant tenant, String origin, int workers, String prefix) {
        WorkerOptions options = WorkerOptions.parse(new String[] { "--gateway", origin,
                "--token", tenant.workerToken(), "--workers", String.valueOf(workers), "--task-seconds", "0.2",
                "--output-bytes", "2048", "--wait-seconds", "2", "--heartbeat-seconds", "1", "--id-prefix", prefix,
                "--quiet" });
        return new ReferenceWorker(options, System.out);
    }

    /** One SQL session as the owner acting for the platform (row-level security sees every row). */
    static <T> T sql(Function<SqlSession, T> work) {
        try (SqlSession session = SqlSession.as("reigh_owner").actingAsService()) {
            return work.apply(session);
        }
    }

    static long count(String query, Object... params) {
        return sql(session -> session.count(query, params));
    }

    /**
     * The status of {@code /q/health/ready} of one process, asked directly on its management port (not
     * through the gateway); -1 when nothing answers.
     */
    static int readiness(String service) {
        URI uri = URI.create(system().service(service).managementUrl() + "/q/health/ready");
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
