package ai.reigh.tasks.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.db.Db;
import ai.reigh.common.testing.ReighTestEnvironment;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.tasks.OtherRelease;
import ai.reigh.tasks.client.CreditsInternalApi;
import ai.reigh.tasks.client.ProjectsInternalApi;
import ai.reigh.tasks.client.Receivers;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.repository.OutboxRepository;
import ai.reigh.tasks.repository.OutboxRow;
import ai.reigh.tasks.service.OutboxRelay.Outcome;
import ai.reigh.tasks.service.OutboxRelay.Settlement;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

/**
 * A rolling upgrade where the relay is newer than credits-service: the previous release has no batch
 * route (404), so the relay delivers the same charges one call each, and each is charged once or parked
 * as the single call answers it. A relay of this release against the real credits-service behind a
 * stand-in of its previous release.
 */
@QuarkusTest
class OutboxRelayOlderReceiverTest {
    private static final String BATCH_ROUTE = "/internal/v1/charges/batch";

    @Inject
    Db db;
    @Inject
    OutboxRepository outbox;
    @Inject
    TaskMetrics metrics;
    @Inject
    TasksConfig config;
    @Inject
    OutboxTraces traces;
    @Inject
    Vertx vertx;

    private static OutboxRow charge(long id, UUID userId, String taskType) {
        UUID taskId = UUID.randomUUID();
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("task_id", taskId.toString())
                .put("user_id", userId.toString()).put("task_type", taskType)
                .put("started_at", Instant.now().minusSeconds(30).toString())
                .put("processed_at", Instant.now().minusSeconds(20).toString());
        payload.putObject("params");
        return new OutboxRow(id, taskId, OutboxRow.CHARGE, payload, 1, Instant.now(), null);
    }

    @Test
    void chargesForACreditsServiceWithoutTheBatchRouteAreDeliveredOneCallEach() throws Exception {
        UUID userId = UUID.randomUUID();
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO users (id, email) VALUES (?, ?)", userId, userId + "@example.test");
        }
        List<OutboxRow> rows = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rows.add(charge(-1 - i, userId, "single_image"));
        }
        rows.add(charge(-4, userId, "no_price_" + UUID.randomUUID().toString().substring(0, 8)));
        String credits = ReighTestEnvironment.sibling("credits").url();
        String projects = ReighTestEnvironment.sibling("projects").url();

        try (OtherRelease older = OtherRelease.older(credits, BATCH_ROUTE)) {
            Receivers receivers = new Receivers(
                    QuarkusRestClientBuilder.newBuilder().baseUri(URI.create(projects)).build(ProjectsInternalApi.class),
                    QuarkusRestClientBuilder.newBuilder().baseUri(URI.create(older.url())).build(CreditsInternalApi.class));
            OutboxRelay relay = new OutboxRelay(db, outbox, receivers, metrics, config, traces, vertx);

            List<Settlement> settled = relay.deliverCharges(rows).await().atMost(Duration.ofSeconds(30));

            assertThat(settled).extracting(Settlement::outcome)
                    .containsExactly(Outcome.DELIVERED, Outcome.DELIVERED, Outcome.DELIVERED, Outcome.PARKED);
            assertThat(settled.get(3).error()).contains("422 unknown_task_type");
            assertThat(older.requested()).containsExactly("POST " + BATCH_ROUTE + " → 404",
                    "POST /internal/v1/charges → 201", "POST /internal/v1/charges → 201",
                    "POST /internal/v1/charges → 201", "POST /internal/v1/charges → 422");
        }
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM credits_ledger WHERE user_id = ? AND type = 'spend'", userId))
                    .isEqualTo(3);
        }
    }
}
