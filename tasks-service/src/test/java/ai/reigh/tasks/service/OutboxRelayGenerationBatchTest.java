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
 * The relay delivers generations to projects-service in batch calls, each generation answered on its
 * own (the one of a project that is gone parked alone), and to a projects-service of the previous
 * release (no batch route: 404) one call each. The real projects-service, behind a stand-in that
 * records the calls.
 */
@QuarkusTest
class OutboxRelayGenerationBatchTest {
    private static final String BATCH_ROUTE = "/internal/v1/generations/batch";

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

    private static OutboxRow generation(long id, UUID projectId) {
        UUID taskId = UUID.randomUUID();
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("task_id", taskId.toString())
                .put("project_id", projectId.toString()).put("type", "image")
                .put("url", "https://cdn.example.test/tasks/" + taskId + ".png");
        payload.putObject("metadata").put("prompt", "a relayed cat");
        return new OutboxRow(id, taskId, OutboxRow.GENERATION, payload, 1, Instant.now(), null);
    }

    /** Three generations of a real project, and in their middle one of a project that does not exist. */
    private static List<OutboxRow> rows(UUID projectId) {
        List<OutboxRow> rows = new ArrayList<>();
        rows.add(generation(-1, projectId));
        rows.add(generation(-2, projectId));
        rows.add(generation(-3, UUID.randomUUID()));
        rows.add(generation(-4, projectId));
        return rows;
    }

    private static UUID project() {
        UUID userId = UUID.randomUUID();
        UUID projectId = UUID.randomUUID();
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO users (id, email) VALUES (?, ?)", userId, userId + "@example.test");
            sql.update("INSERT INTO projects (id, user_id, name) VALUES (?, ?, 'relayed')", projectId, userId);
        }
        return projectId;
    }

    private OutboxRelay relayThrough(String projectsUrl) {
        Receivers receivers = new Receivers(
                QuarkusRestClientBuilder.newBuilder().baseUri(URI.create(projectsUrl)).build(ProjectsInternalApi.class),
                QuarkusRestClientBuilder.newBuilder().baseUri(URI.create(ReighTestEnvironment.sibling("credits").url()))
                        .build(CreditsInternalApi.class));
        return new OutboxRelay(db, outbox, receivers, metrics, config, traces, vertx);
    }

    private static void assertEachDeliveredOnceButTheStrangers(List<OutboxRow> rows, List<Settlement> settled) {
        assertThat(settled).extracting(Settlement::outcome)
                .containsExactly(Outcome.DELIVERED, Outcome.DELIVERED, Outcome.PARKED, Outcome.DELIVERED);
        assertThat(settled.get(2).error()).contains("projects-service refused with 404 not_found");
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            for (OutboxRow row : rows) {
                assertThat(sql.count("SELECT count(*) FROM generations WHERE task_id = ?", row.taskId()))
                        .as("generations of task %s", row.taskId()).isEqualTo(row.id() == -3 ? 0 : 1);
            }
        }
    }

    @Test
    void generationsAreDeliveredInOneCallEachAnsweredOnItsOwn() throws Exception {
        List<OutboxRow> rows = rows(project());
        try (OtherRelease projects = OtherRelease.newer(ReighTestEnvironment.sibling("projects").url())) {
            OutboxRelay relay = relayThrough(projects.url());

            List<Settlement> settled = relay.deliverGenerations(rows).await().atMost(Duration.ofSeconds(30));
            assertEachDeliveredOnceButTheStrangers(rows, settled);
            assertThat(projects.requested()).containsExactly("POST " + BATCH_ROUTE + " → 200");

            // Delivered again (a lost answer, a crash before settling): the same rows, nothing made twice.
            List<Settlement> again = relay.deliverGenerations(rows).await().atMost(Duration.ofSeconds(30));
            assertEachDeliveredOnceButTheStrangers(rows, again);
        }
    }

    @Test
    void generationsForAProjectsServiceWithoutTheBatchRouteAreDeliveredOneCallEach() throws Exception {
        List<OutboxRow> rows = rows(project());
        try (OtherRelease older = OtherRelease.older(ReighTestEnvironment.sibling("projects").url(), BATCH_ROUTE)) {
            List<Settlement> settled = relayThrough(older.url()).deliverGenerations(rows).await()
                    .atMost(Duration.ofSeconds(30));

            assertEachDeliveredOnceButTheStrangers(rows, settled);
            assertThat(older.requested()).containsExactly("POST " + BATCH_ROUTE + " → 404",
                    "POST /internal/v1/generations → 201", "POST /internal/v1/generations → 201",
                    "POST /internal/v1/generations → 404", "POST /internal/v1/generations → 201");
        }
    }
}
