package ai.reigh.tasks;

import static ai.reigh.tasks.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.tasks.service.Reaper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Every (status, command) pair of the task state machine, through the API (and the reaper): the
 * allowed transitions happen, everything else is refused with the documented 409 and changes nothing.
 */
@QuarkusTest
class StateMachineTest {
    private static final String TYPE = "lora_training";

    @Inject
    Reaper reaper;

    /** A task brought to a status, with the lease it holds or last held, and its owner's tokens. */
    record Subject(Fixtures.Owner owner, String worker, String workerId, UUID taskId, UUID lease) {
    }

    /** What a command did: the HTTP answer (or null for the reaper) and the status afterwards. */
    record Outcome(int httpStatus, String code, String statusAfter) {
        @Override
        public String toString() {
            return httpStatus + " " + code + " -> " + statusAfter;
        }
    }

    private Subject in(String status) {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        String workerId = "sm-" + UUID.randomUUID();
        UUID taskId = Fixtures.createTask(owner, TYPE);
        if (status.equals("Queued")) {
            return new Subject(owner, worker, workerId, taskId, UUID.randomUUID());
        }
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, workerId);
        assertThat(claimed.taskId()).isEqualTo(taskId);
        UUID lease = claimed.leaseToken();
        String path = "/v1/workers/tasks/" + taskId;
        switch (status) {
            case "In Progress" -> {
            }
            case "Complete" -> Api.as(worker).body(body("lease_token", lease, "output_location", "https://x/1.png"))
                    .post(path + "/complete").then().statusCode(200);
            case "Failed" -> Api.as(worker).body(body("lease_token", lease, "error", "boom", "retryable", false))
                    .post(path + "/fail").then().statusCode(200);
            case "Cancelled" -> Api.as(owner.token()).post("/v1/tasks/" + taskId + "/cancel").then().statusCode(200);
            default -> throw new IllegalArgumentException(status);
        }
        assertThat(Fixtures.status(taskId)).isEqualTo(status);
        return new Subject(owner, worker, workerId, taskId, lease);
    }

    private Outcome http(Subject subject, Response answer) {
        String code = answer.contentType() != null && answer.contentType().contains("problem") ? answer.path("code") : null;
        return new Outcome(answer.statusCode(), code, Fixtures.status(subject.taskId()));
    }

    private Map<String, Function<Subject, Outcome>> commands() {
        Map<String, Function<Subject, Outcome>> commands = new LinkedHashMap<>();
        commands.put("claim", s -> {
            Response answer = Fixtures.claim(s.worker(), body("worker_id", s.workerId()));
            boolean gotIt = answer.statusCode() == 200 && s.taskId().toString().equals(answer.path("tasks[0].id"));
            return new Outcome(gotIt ? 200 : answer.statusCode(), null, Fixtures.status(s.taskId()));
        });
        commands.put("start", s -> http(s, Api.as(s.worker()).body(body("lease_token", s.lease()))
                .post("/v1/workers/tasks/" + s.taskId() + "/start")));
        commands.put("complete", s -> http(s, Api.as(s.worker())
                .body(body("lease_token", s.lease(), "output_location", "https://x/other.png"))
                .post("/v1/workers/tasks/" + s.taskId() + "/complete")));
        commands.put("fail-retryable", s -> http(s, Api.as(s.worker())
                .body(body("lease_token", s.lease(), "error", "oom", "retryable", true))
                .post("/v1/workers/tasks/" + s.taskId() + "/fail")));
        commands.put("fail-final", s -> http(s, Api.as(s.worker())
                .body(body("lease_token", s.lease(), "error", "bad input", "retryable", false))
                .post("/v1/workers/tasks/" + s.taskId() + "/fail")));
        commands.put("cancel", s -> http(s, Api.as(s.owner().token()).post("/v1/tasks/" + s.taskId() + "/cancel")));
        commands.put("heartbeat", s -> {
            Response answer = Api.as(s.worker()).body(body("worker_id", s.workerId(), "task_ids", List.of(s.taskId())))
                    .post("/v1/workers/heartbeat");
            assertThat(answer.statusCode()).isEqualTo(200);
            List<String> lost = answer.path("lost_task_ids");
            List<String> cancelled = answer.path("cancel_task_ids");
            String code = lost.contains(s.taskId().toString()) ? "lost"
                    : cancelled.contains(s.taskId().toString()) ? "cancelled" : "renewed";
            return new Outcome(200, code, Fixtures.status(s.taskId()));
        });
        commands.put("lease-expiry", s -> {
            Fixtures.expireLease(s.taskId());
            reaper.runOnce().await().atMost(Duration.ofSeconds(10));
            Fixtures.await("the reaper to have looked", Duration.ofSeconds(15), () -> {
                reaper.runOnce().await().atMost(Duration.ofSeconds(10));
                return !"In Progress".equals(Fixtures.status(s.taskId()))
                        || Fixtures.column(s.taskId(), "lease_expires_at") == null;
            });
            return new Outcome(0, null, Fixtures.status(s.taskId()));
        });
        return commands;
    }

    private static Outcome expected(int http, String code, String after) {
        return new Outcome(http, code, after);
    }

    /** The table: status → command → outcome. */
    private static Map<String, Map<String, Outcome>> table() {
        Map<String, Map<String, Outcome>> table = new LinkedHashMap<>();
        table.put("Queued", Map.of(
                "claim", expected(200, null, "In Progress"),
                "start", expected(409, "lease_lost", "Queued"),
                "complete", expected(409, "lease_lost", "Queued"),
                "fail-retryable", expected(409, "lease_lost", "Queued"),
                "fail-final", expected(409, "lease_lost", "Queued"),
                "cancel", expected(200, null, "Cancelled"),
                "heartbeat", expected(200, "lost", "Queued"),
                "lease-expiry", expected(0, null, "Queued")));
        table.put("In Progress", Map.of(
                "claim", expected(204, null, "In Progress"),
                "start", expected(200, null, "In Progress"),
                "complete", expected(200, null, "Complete"),
                "fail-retryable", expected(200, null, "Queued"),
                "fail-final", expected(200, null, "Failed"),
                "cancel", expected(200, null, "Cancelled"),
                "heartbeat", expected(200, "renewed", "In Progress"),
                "lease-expiry", expected(0, null, "Queued")));
        for (String terminal : List.of("Complete", "Failed", "Cancelled")) {
            table.put(terminal, Map.of(
                    "claim", expected(204, null, terminal),
                    "start", expected(409, "lease_lost", terminal),
                    // The lease that completed the task, with another body: a conflicting completion.
                    "complete", expected(409, terminal.equals("Complete") ? "conflict" : "lease_lost", terminal),
                    "fail-retryable", expected(409, "lease_lost", terminal),
                    "fail-final", expected(409, "lease_lost", terminal),
                    "cancel", expected(409, "invalid_transition", terminal),
                    "heartbeat", expected(200, terminal.equals("Cancelled") ? "cancelled" : "lost", terminal),
                    "lease-expiry", expected(0, null, terminal)));
        }
        return table;
    }

    @Test
    void everyStatusAnswersEveryCommandAsTheStateMachineSays() {
        List<String> mismatches = new ArrayList<>();
        int pairs = 0;
        for (var row : table().entrySet()) {
            for (var command : commands().entrySet()) {
                Subject subject = in(row.getKey());
                Outcome actual = command.getValue().apply(subject);
                Outcome wanted = row.getValue().get(command.getKey());
                pairs++;
                if (!actual.equals(wanted)) {
                    mismatches.add(row.getKey() + " + " + command.getKey() + ": wanted " + wanted + ", got " + actual);
                }
            }
        }
        assertThat(pairs).isEqualTo(5 * 8);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void aRetryableFailureOnTheLastAttemptFailsForGood() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, TYPE);
        for (int attempt = 1; attempt <= 3; attempt++) {
            try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
                sql.update("UPDATE tasks SET run_after = NULL WHERE id = ?", taskId);
            }
            Fixtures.Claimed claimed = Fixtures.claimOne(worker, "last-attempt");
            assertThat(claimed.taskId()).isEqualTo(taskId);
            Response failed = Api.as(worker).body(body("lease_token", claimed.leaseToken(), "error", "oom " + attempt,
                    "retryable", true)).post("/v1/workers/tasks/" + taskId + "/fail");
            failed.then().statusCode(200);
            assertThat((Integer) failed.path("attempts")).isEqualTo(attempt);
            if (attempt < 3) {
                assertThat((String) failed.path("status")).isEqualTo("Queued");
                assertThat((String) failed.path("run_after")).as("backoff").isNotNull();
            } else {
                assertThat((String) failed.path("status")).isEqualTo("Failed");
                assertThat((String) failed.path("error_message")).isEqualTo("oom 3");
            }
        }
    }

    @Test
    void theDatabaseRefusesToChangeATerminalTaskWhoeverAsks() {
        Subject done = in("Complete");
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.failureOf("UPDATE tasks SET status = 'Queued' WHERE id = ?", done.taskId()))
                    .isEqualTo("23514");
            assertThat(sql.failureOf("UPDATE tasks SET status = 'In Progress', lease_token = gen_random_uuid(),"
                    + " lease_expires_at = now() WHERE id = ?", done.taskId())).isEqualTo("23514");
        }
        assertThat(Fixtures.status(done.taskId())).isEqualTo("Complete");
    }
}
