package ai.reigh.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.devtools.http.PlatformClient;

/**
 * Scenario 6: two replicas of tasks-service and two of credits-service ({@link TwoReplicas}) under
 * load, then {@code kill -9} of one of each. The suite is built for replicas (one reaper leader at a
 * time, relays taking disjoint batches with SKIP LOCKED, long-poll wake-ups through LISTEN/NOTIFY, which
 * every instance hears, realtime events read from their table by every instance); this runs two of each
 * and proves it:
 *
 * <ul>
 * <li>users create through the gateway (tasks-service A) and on B; half the workers live on A, half on
 * B; when B dies its workers and users move to A, as clients behind a Kubernetes Service do
 * ({@link ServiceFront}); both tasks-services reach credits through one Service address spreading
 * over credits A and B, and credits A dies;</li>
 * <li>a long poll parked on one instance is woken by a task created on the other, in both directions;
 * on B the poll fallback is set far beyond the wait, so only a notification can wake it in time;</li>
 * <li>an event-stream subscriber on each instance; the one on B resumes on A with Last-Event-ID; both
 * receive every event of the project, exactly as the database recorded it, and the recorded events
 * match every task's own history (one created, one In Progress per claim, one Queued per requeue, one
 * Complete; one per generation);</li>
 * <li>a task claimed on B by a worker that dies with it is taken back by the surviving reaper;</li>
 * <li>then the load is whole (one task per key, each Complete with one generation and one spend) and
 * {@link Invariants#check} holds.</li>
 * </ul>
 */
class TwoReplicasKillTest {
    private static final String SCENARIO = "two replicas of tasks-service and credits-service, kill -9 one of each";
    private static final int CREATOR_THREADS = 4;
    private static final int TASKS_PER_CREATOR = 12;
    private static final Duration CREATE_PACE = Duration.ofMillis(500);
    private static final int WORKERS_PER_REPLICA = 2;
    private static final int PROBES_PER_DIRECTION = 3;
    /**
     * Tasks-service B's long-poll fallback tick (1 s by default, as on A): far beyond the probes' 20 s
     * wait, so that a claim parked on B and answered within seconds was woken by a notification.
     */
    private static final String B_CLAIM_POLL_INTERVAL = "300s";
    /** A wake-up through NOTIFY takes milliseconds; this bound only allows for a busy machine. */
    private static final double WAKE_BOUND_SECONDS = 5.0;

    @Test
    void twoReplicasOfEachLoseNothingWhenOneOfEachIsKilledUnderLoad() throws Exception {
        try (TwoReplicas replicas = TwoReplicas.start(Map.of("reigh.tasks.claim.poll-interval", B_CLAIM_POLL_INTERVAL))) {
            String tasksA = replicas.tasksA().url();
            String tasksB = replicas.tasksB().url();
            String creditsA = replicas.creditsA().url();
            String creditsB = replicas.creditsB().url();
            ServiceFront credits = replicas.creditsService();
            String gateway = Platform.system().gatewayUrl();
            // Uploads are storage-service's: the workers reach them through the gateway.
            Map<String, String> uploads = Map.of("/v1/workers/uploads", gateway);
            Platform.Tenant tenant = Platform.newTenant("replicas", new BigDecimal("5000"));
            WakeProbe probe = new WakeProbe();
            try (ServiceFront workersOfA = ServiceFront.preferring("workers of A", List.of(tasksA, tasksB), uploads);
                    ServiceFront workersOfB = ServiceFront.preferring("workers of B", List.of(tasksB, tasksA), uploads);
                    ServiceFront usersOfB = ServiceFront.preferring("users of B", List.of(tasksB, tasksA), Map.of());
                    EventSubscriber onA = new EventSubscriber("subscriber on A", List.of(tasksA, tasksB), tenant.token(),
                            tenant.projectId(), "0");
                    EventSubscriber onB = new EventSubscriber("subscriber on B", List.of(tasksB, tasksA), tenant.token(),
                            tenant.projectId(), "0")) {
                onA.awaitConnected(Duration.ofSeconds(30));
                onB.awaitConnected(Duration.ofSeconds(30));
                LoadUnderFault.Plan plan = new LoadUnderFault.Plan(CREATOR_THREADS, TASKS_PER_CREATOR, CREATE_PACE,
                        List.of(gateway, usersOfB.url()), List.of(workersOfA.url(), workersOfB.url()), WORKERS_PER_REPLICA);
                long loadStarted = System.nanoTime();
                try (LoadUnderFault load = LoadUnderFault.start("replicas", tenant, plan)) {
                    // Long polls parked on one replica, tasks created on the other, while the load runs.
                    for (int i = 0; i < PROBES_PER_DIRECTION; i++) {
                        probe.measure("B", tasksB, "A", tasksA);
                        probe.measure("A", tasksA, "B", tasksB);
                    }
                    List<Double> parkedOnB = probe.seconds("B");
                    List<Double> parkedOnA = probe.seconds("A");
                    assertThat(parkedOnB).hasSize(PROBES_PER_DIRECTION)
                            .as("claims parked on B (no poll fallback within the wait) woken by tasks created on A")
                            .allMatch(seconds -> seconds < WAKE_BOUND_SECONDS);
                    assertThat(parkedOnA).hasSize(PROBES_PER_DIRECTION)
                            .as("claims parked on A woken by tasks created on B")
                            .allMatch(seconds -> seconds < WAKE_BOUND_SECONDS);
                    load.awaitMidLoad();
                    Await.until("both tasks-services serve claims and creates, both credits-services charges",
                            Duration.ofSeconds(60), () -> workersOfA.answered(tasksA, "POST /v1/workers/claim") > 0
                                    && workersOfB.answered(tasksB, "POST /v1/workers/claim") > 0
                                    && usersOfB.answered(tasksB, "POST /v1/tasks") > 0
                                    && credits.answered(creditsA, "POST /internal/v1/charges") > 0
                                    && credits.answered(creditsB, "POST /internal/v1/charges") > 0);

                    // A worker on B that dies with it: it claims one task and is never heard of again. Its lease
                    // runs out after B is gone, so only A's reaper can take the task back.
                    String ghostTask = ghostClaim(tasksB, tenant);
                    long inFlightAtKill = Platform.count("SELECT count(*) FROM tasks WHERE project_id = ?::uuid"
                            + " AND status = 'In Progress'", tenant.projectId());
                    int answeredAtKill = load.creators().taskIdByKey().size();
                    long claimsOnA = workersOfA.answered(tasksA, "POST /v1/workers/claim");
                    long claimsOnB = workersOfB.answered(tasksB, "POST /v1/workers/claim");
                    double killedAfterLoadStart = (System.nanoTime() - loadStarted) / 1e9;
                    long killedAtMillis = System.currentTimeMillis();
                    replicas.tasksB().kill();
                    replicas.creditsA().kill();
                    long chargesOnA = credits.answered(creditsA, "POST /internal/v1/charges");
                    long chargesOnBAtKill = credits.answered(creditsB, "POST /internal/v1/charges");

                    // The survivor's reaper takes the dead worker's task back; a live worker finishes it.
                    double reclaimed = Await.until("the dead worker's task taken back by the surviving reaper",
                            Duration.ofSeconds(30), () -> Platform.count("SELECT count(*) FROM tasks WHERE id = ?::uuid"
                                    + " AND worker_id = 'replicas-ghost' AND status = 'In Progress'", ghostTask) == 0);
                    Await.until("the subscriber of B resumed on A", Duration.ofSeconds(30), () ->
                            onB.connections().size() >= 2 && onB.connections().get(onB.connections().size() - 1)
                                    .startsWith(tasksA));

                    load.finish();
                    List<Object> ghost = Platform.sql(sql -> sql.query("""
                            SELECT t.status, t.worker_id, t.attempts,
                                   (SELECT extract(epoch FROM min(e.created_at)) * 1000 FROM realtime_events e
                                    WHERE e.row_id = t.id AND e.event = 'task.updated' AND e.status = 'Queued')
                            FROM tasks t WHERE t.id = ?::uuid""", ghostTask)).get(0);
                    assertThat(ghost.get(0)).as("the dead worker's task, finished by a live worker").isEqualTo("Complete");
                    assertThat((String) ghost.get(1)).startsWith("replicas-").isNotEqualTo("replicas-ghost");
                    assertThat(((Number) ghost.get(2)).intValue()).isGreaterThanOrEqualTo(2);
                    assertThat(ghost.get(3)).as("the dead worker's task was requeued").isNotNull();
                    double requeuedAfterKill = (((Number) ghost.get(3)).doubleValue() - killedAtMillis) / 1000.0;
                    assertThat(requeuedAfterKill).as("requeued after B was killed: by A's reaper, the only one left")
                            .isPositive();

                    // The clients of B moved to A; the relays reached credits B through the Service address.
                    assertThat(workersOfB.refused(tasksB)).as("B's workers found B gone").isPositive();
                    assertThat(workersOfB.answered(tasksA, "POST /v1/workers/claim")).as("and claim on A").isPositive();
                    assertThat(credits.refused(creditsA)).as("the credits Service found A gone").isPositive();
                    assertThat(credits.answered(creditsB, "POST /internal/v1/charges")).as("and charges went on, on B")
                            .isGreaterThan(chargesOnBAtKill);

                    Map<String, Object> checked = Invariants.check(SCENARIO, load.ledger());
                    Map<String, Object> events = checkEveryEventReachedEverySubscriber(tenant, List.of(onA, onB));
                    assertThat(onA.connections()).as("the subscriber on A never lost its stream").hasSize(1);

                    load.figures(SCENARIO).put("faults_injected", 2).put("replicas_started_s", replicas.startSeconds())
                            .put("wake_parked_B_created_A_p50_ms", millis(WakeProbe.median(parkedOnB)))
                            .put("wake_parked_B_created_A_max_ms", millis(WakeProbe.max(parkedOnB)))
                            .put("wake_parked_A_created_B_p50_ms", millis(WakeProbe.median(parkedOnA)))
                            .put("wake_parked_A_created_B_max_ms", millis(WakeProbe.max(parkedOnA)))
                            .put("killed_after_load_start_s", killedAfterLoadStart)
                            .put("tasks_in_progress_at_kill", inFlightAtKill).put("keys_answered_at_kill", answeredAtKill)
                            .put("claims_answered_before_kill_A_B", claimsOnA + "/" + claimsOnB)
                            .put("claims_on_A_by_workers_of_A", workersOfA.answered(tasksA, "POST /v1/workers/claim"))
                            .put("claims_on_A_by_workers_of_B_after_kill",
                                    workersOfB.answered(tasksA, "POST /v1/workers/claim"))
                            .put("creates_on_B", usersOfB.answered(tasksB, "POST /v1/tasks"))
                            .put("creates_on_A_by_users_of_B_after_kill", usersOfB.answered(tasksA, "POST /v1/tasks"))
                            .put("requests_lost_in_flight_502", workersOfB.lostInFlight() + usersOfB.lostInFlight()
                                    + credits.lostInFlight())
                            .put("charges_on_credits_A", chargesOnA).put("charges_on_credits_B",
                                    credits.answered(creditsB, "POST /internal/v1/charges"))
                            .put("ghost_requeued_after_kill_s", requeuedAfterKill)
                            .put("ghost_taken_back_within_s", reclaimed)
                            .put("subscriber_B_resumed_on_A_within_s", onB.lastResumeSeconds())
                            .putAll(events).putAll(checked).print();
                }
            }
        }
    }

    private static long millis(double seconds) {
        return Math.round(seconds * 1000);
    }

    /** Claims one task on {@code instance} as a worker that will never be heard of again; its id. */
    private static String ghostClaim(String instance, Platform.Tenant tenant) throws Exception {
        HttpResponse<byte[]> answer = Platform.HTTP.send(HttpRequest.newBuilder(URI.create(instance + "/v1/workers/claim"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + tenant.workerToken())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(
                        PlatformClient.JSON.writeValueAsBytes(Map.of("worker_id", "replicas-ghost", "limit", 1,
                                "wait_seconds", 15)))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(answer.statusCode()).as("the ghost's claim").isEqualTo(200);
        return PlatformClient.JSON.readTree(answer.body()).get("tasks").get(0).get("id").asText();
    }

    /**
     * Every event the database recorded for the project reached every subscriber (the one on B across
     * its resume on A), as recorded; and the recorded events are the tasks' and generations' own
     * history, so that nothing is missing from the table either.
     */
    private static Map<String, Object> checkEveryEventReachedEverySubscriber(Platform.Tenant tenant,
            List<EventSubscriber> subscribers) {
        Map<Long, String> recorded = new LinkedHashMap<>();
        for (List<Object> row : Platform.sql(sql -> sql.query("""
                SELECT id, event || '|' || row_id || '|' || coalesce(status, '') FROM realtime_events
                WHERE project_id = ?::uuid ORDER BY id""", tenant.projectId()))) {
            recorded.put(((Number) row.get(0)).longValue(), (String) row.get(1));
        }
        List<List<Object>> notTheirHistory = Platform.sql(sql -> sql.query("""
                SELECT t.id, t.attempts, count(e.id) FILTER (WHERE e.event = 'task.created') AS created,
                       count(e.id) FILTER (WHERE e.event = 'task.updated' AND e.status = 'In Progress') AS claimed,
                       count(e.id) FILTER (WHERE e.event = 'task.updated' AND e.status = 'Queued') AS requeued,
                       count(e.id) FILTER (WHERE e.event = 'task.updated' AND e.status = 'Complete') AS completed
                FROM tasks t LEFT JOIN realtime_events e ON e.row_id = t.id AND e.table_name = 'tasks'
                WHERE t.project_id = ?::uuid GROUP BY t.id, t.attempts
                HAVING count(e.id) FILTER (WHERE e.event = 'task.created') <> 1
                    OR count(e.id) FILTER (WHERE e.event = 'task.updated' AND e.status = 'In Progress') <> t.attempts
                    OR count(e.id) FILTER (WHERE e.event = 'task.updated' AND e.status = 'Queued') <> t.attempts - 1
                    OR count(e.id) FILTER (WHERE e.event = 'task.updated' AND e.status = 'Complete') <> 1""",
                tenant.projectId()));
        assertThat(notTheirHistory).as("tasks whose recorded events are not their history"
                + " (id, attempts, created, claimed, requeued, completed)").isEmpty();
        assertThat(Platform.count("""
                SELECT count(*) FROM generations g WHERE g.project_id = ?::uuid
                  AND (SELECT count(*) FROM realtime_events e WHERE e.row_id = g.id AND e.event = 'generation.created') <> 1""",
                tenant.projectId())).as("generations without exactly one generation.created event").isZero();

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("events_recorded", recorded.size());
        for (EventSubscriber subscriber : subscribers) {
            Await.until(subscriber.name() + ": every recorded event received", Duration.ofSeconds(30), () ->
                    subscriber.received().keySet().containsAll(recorded.keySet()), () -> {
                        Map<Long, String> notReceived = new LinkedHashMap<>(recorded);
                        notReceived.keySet().removeAll(subscriber.received().keySet());
                        return "not received: " + notReceived + "; failures: " + subscriber.failures();
                    });
            Set<Long> missing = new HashSet<>(recorded.keySet());
            missing.removeAll(subscriber.received().keySet());
            assertThat(missing).as("%s: events missed", subscriber.name()).isEmpty();
            assertThat(subscriber.received()).as("%s: each event as recorded, and no other", subscriber.name())
                    .isEqualTo(recorded);
            assertThat(subscriber.failures()).as("%s: refused subscriptions or unreadable events", subscriber.name())
                    .isEmpty();
            assertThat(subscriber.outOfOrder()).as("%s: events out of id order on a connection", subscriber.name())
                    .isZero();
            String key = subscriber.name().replace(' ', '_');
            figures.put(key + "_connections", subscriber.connections().size());
            figures.put(key + "_duplicates", subscriber.deliveries() - subscriber.received().size());
        }
        return figures;
    }
}
