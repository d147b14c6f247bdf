package ai.reigh.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.client.Downstream;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.ConfirmTaskOutput;
import ai.reigh.common.internal.StorageObjectView;
import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.ReighTestEnvironment;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import ai.reigh.tasks.client.StorageInternalApi;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Rolling upgrades: releases of the services run side by side for a while, so what one release sends
 * may carry fields the other does not know. An old receiver and a new sender: the relay delivers a
 * charge and a generation written as a newer tasks-service writes them to this release's real
 * credits-service and projects-service — charged and created exactly once, never refused. And the
 * reverse: this release's REST client reads a newer storage-service's answers and problems.
 */
@QuarkusTest
class RollingUpgradeTest {
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static long count(String sql, Object... args) {
        try (SqlSession session = SqlSession.as("reigh_owner").actingAsService()) {
            return session.count(sql, args);
        }
    }

    @Test
    void aChargeAndAGenerationWrittenByANewerReleaseAreDeliveredOnceToThisReleasesReceivers() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        UUID taskId = Fixtures.createTask(owner, "single_image", Map.of("prompt", "a heron"), List.of());
        Fixtures.Claimed claimed = Fixtures.claimOne(owner.localWorker(), "newer-release");
        assertThat(claimed.taskId()).isEqualTo(taskId);
        String url = "https://cdn.test/heron.png";
        // A newer tasks-service completed the task: the task row as this release writes it, the outbox rows
        // with fields this release's receivers do not know (one of them even named like money).
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE tasks SET status = 'Complete', output_location = ?, generation_processed_at = now(),"
                    + " lease_token = NULL, lease_expires_at = NULL WHERE id = ?", url, taskId);
        }
        Map<String, Object> charge = new LinkedHashMap<>();
        charge.put("task_id", taskId.toString());
        charge.put("user_id", owner.userId().toString());
        charge.put("task_type", "single_image");
        charge.put("params", Map.of("prompt", "a heron"));
        charge.put("started_at", Fixtures.instant(taskId, "generation_started_at").toString());
        charge.put("processed_at", Fixtures.instant(taskId, "generation_processed_at").toString());
        charge.put("amount", -1_000_000);
        charge.put("billing", Map.of("region", "eu", "sub_task_seconds", List.of(3, 4)));
        Map<String, Object> generation = new LinkedHashMap<>();
        generation.put("task_id", taskId.toString());
        generation.put("project_id", owner.projectId().toString());
        generation.put("type", "image");
        generation.put("url", url);
        generation.put("metadata", Map.of("prompt", "a heron"));
        generation.put("variant_of", UUID.randomUUID().toString());
        generation.put("labels", List.of("newer"));
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO task_outbox (task_id, kind, payload) VALUES (?, 'charge', ?::jsonb),"
                    + " (?, 'generation', ?::jsonb)", taskId, JSON.writeValueAsString(charge), taskId,
                    JSON.writeValueAsString(generation));
        }

        Fixtures.await("both rows delivered", DELIVERY, () -> count("SELECT count(*) FROM task_outbox WHERE task_id = ?"
                + " AND delivered_at IS NOT NULL", taskId) == 2);
        assertThat(spends(taskId)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM generations WHERE task_id = ? AND url = ?", taskId, url)).isEqualTo(1);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            // Priced by this credits-service's own formula: the unknown "amount" was ignored.
            assertThat(sql.value("SELECT amount::text FROM credits_ledger WHERE task_id = ? AND type = 'spend'", taskId))
                    .isEqualTo("-0.025");
            assertThat(sql.count("SELECT count(*) FROM task_outbox WHERE task_id = ? AND last_error IS NOT NULL", taskId))
                    .isZero();
        }

        // Delivered again (a lost acknowledgement): still one spend and one generation.
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE task_outbox SET delivered_at = NULL, next_attempt_at = now() WHERE task_id = ?", taskId);
        }
        Fixtures.await("both rows delivered a second time", DELIVERY, () -> count("SELECT count(*) FROM task_outbox"
                + " WHERE task_id = ? AND delivered_at IS NOT NULL AND attempts = 2", taskId) == 2);
        assertThat(spends(taskId)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM generations WHERE task_id = ?", taskId)).isEqualTo(1);
    }

    @Test
    void thisReleasesClientReadsANewerStorageServicesAnswersAndProblems() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "newer-storage");
        Response ticket = Fixtures.uploadTicket(worker, taskId, claimed.leaseToken());
        UUID objectId = UUID.fromString(ticket.path("object_id"));
        String storage = ReighTestEnvironment.sibling("storage").url();
        // What storage-service itself answers to a confirmation before the bytes are there.
        Response direct = Api.as(Tokens.service()).body(Map.of("task_id", taskId.toString()))
                .post(storage + "/internal/v1/storage/objects/" + objectId + "/confirm");
        direct.then().statusCode(409);

        try (OtherRelease newer = OtherRelease.newer(storage)) {
            StorageInternalApi client = QuarkusRestClientBuilder.newBuilder().baseUri(URI.create(newer.url()))
                    .build(StorageInternalApi.class);
            // The problem, with a field this release does not know: its status, code and detail are kept.
            assertThatThrownBy(() -> Downstream.call("storage-service",
                    () -> client.confirm(objectId, new ConfirmTaskOutput(taskId))).await().atMost(Duration.ofSeconds(20)))
                    .isInstanceOfSatisfying(ProblemException.class, problem -> {
                        assertThat(problem.status()).isEqualTo(409);
                        assertThat(problem.code()).isEqualTo(direct.<String>path("code"));
                        assertThat(problem.getMessage()).isEqualTo(direct.<String>path("detail"));
                    });

            Fixtures.upload(ticket);
            Instant before = Instant.now();
            StorageObjectView confirmed = client.confirm(objectId, new ConfirmTaskOutput(taskId)).await()
                    .atMost(Duration.ofSeconds(20));
            assertThat(confirmed.id()).isEqualTo(objectId);
            assertThat(confirmed.isReady()).isTrue();
            assertThat(confirmed.ownerId()).isEqualTo(owner.userId());
            assertThat(confirmed.url()).contains(taskId.toString());
            assertThat(confirmed.createdAt()).isBefore(before);
        }
    }

    private static long spends(UUID taskId) {
        return count("SELECT count(*) FROM credits_ledger WHERE task_id = ? AND type = 'spend'", taskId);
    }
}
