package ai.reigh.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Server-sent events of a project's changes, for its owner only, resumable with Last-Event-ID. */
@QuarkusTest
class EventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/v1/events")
    URL events;

    /** One server-sent event as received. */
    record Event(String id, String name, JsonNode data) {
    }

    /** An open stream: its events (and comments) as they arrive; close() disconnects. */
    static final class Stream implements AutoCloseable {
        final HttpResponse<java.util.stream.Stream<String>> response;
        final BlockingQueue<Event> received = new LinkedBlockingQueue<>();
        final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
        /** Counted down when the server ends the stream (or the test closes it). */
        final CountDownLatch ended = new CountDownLatch(1);
        private final Thread reader;

        Stream(HttpResponse<java.util.stream.Stream<String>> response) {
            this.response = response;
            this.reader = new Thread(this::read, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            try (java.util.stream.Stream<String> lines = response.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            received.add(new Event(id, name, JSON.readTree(data.toString())));
                        }
                        id = null;
                        name = null;
                        data.setLength(0);
                    } else if (line.startsWith(":")) {
                        comments.add(line.substring(1).trim());
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    }
                }
            } catch (Exception closed) {
                // The test closed the stream.
            } finally {
                ended.countDown();
            }
        }

        Event next(String name, UUID rowId) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                Event event = received.poll(100, TimeUnit.MILLISECONDS);
                if (event != null && event.name().equals(name) && event.data().get("id").asText().equals(rowId.toString())) {
                    return event;
                }
            }
            throw new AssertionError("no " + name + " event for " + rowId);
        }

        /** The event if it arrives within {@code wait}, else null (for events that may rightly be held back). */
        Event within(String name, UUID rowId, java.time.Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                Event event = received.poll(50, TimeUnit.MILLISECONDS);
                if (event != null && event.name().equals(name) && event.data().get("id").asText().equals(rowId.toString())) {
                    return event;
                }
            }
            return null;
        }

        /** The next event whose name matches {@code names} (a regular expression: "a|b"). */
        Event nextNamed(String names) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                Event event = received.poll(100, TimeUnit.MILLISECONDS);
                if (event != null && event.name().matches(names)) {
                    return event;
                }
            }
            throw new AssertionError("no " + names + " event");
        }

        @Override
        public void close() {
            reader.interrupt();
            response.body().close();
        }
    }

    private Stream open(String token, UUID projectId, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(events + "?project_id=" + projectId))
                .header("Accept", "text/event-stream");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return new Stream(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
    }

    @Test
    void theOwnerSeesATasksChangesAsTheyHappen() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        try (Stream stream = open(owner.token(), owner.projectId(), null)) {
            assertThat(stream.response.statusCode()).isEqualTo(200);
            assertThat(stream.response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            UUID taskId = Fixtures.createTask(owner, "single_image");
            Event created = stream.next("task.created", taskId);
            assertThat(created.data().get("table").asText()).isEqualTo("tasks");
            assertThat(created.data().get("op").asText()).isEqualTo("INSERT");
            assertThat(created.data().get("project_id").asText()).isEqualTo(owner.projectId().toString());
            assertThat(created.data().get("status").asText()).isEqualTo("Queued");
            assertThat(Long.parseLong(created.id())).isPositive();

            Fixtures.claimOne(owner.localWorker(), "sse-worker");
            Event claimed = stream.next("task.updated", taskId);
            assertThat(claimed.data().get("status").asText()).isEqualTo("In Progress");
            Api.as(owner.token()).post("/v1/tasks/" + taskId + "/cancel").then().statusCode(200);
            Event cancelled = stream.next("task.updated", taskId);
            assertThat(cancelled.data().get("status").asText()).isEqualTo("Cancelled");
            assertThat(Long.parseLong(cancelled.id())).isGreaterThan(Long.parseLong(claimed.id()));

            // Another project's changes are not in this stream.
            Fixtures.Owner other = Fixtures.owner();
            UUID foreign = Fixtures.createTask(other, "single_image");
            UUID mine = Fixtures.createTask(owner, "single_image");
            stream.next("task.created", mine);
            assertThat(stream.received).noneMatch(event -> event.data().get("id").asText().equals(foreign.toString()));
        }
    }

    @Test
    void theGenerationOfACompletedTaskIsAnEventToo() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        try (Stream stream = open(owner.token(), owner.projectId(), null)) {
            UUID taskId = Fixtures.createTask(owner, "single_image");
            Fixtures.Claimed claimed = Fixtures.claimOne(owner.localWorker(), "sse-generation-" + UUID.randomUUID());
            Api.as(owner.localWorker()).body(Fixtures.body("lease_token", claimed.leaseToken(), "output_location",
                    "https://cdn.test/sse.png")).post("/v1/workers/tasks/" + taskId + "/complete").then().statusCode(200);
            Event complete = stream.next("task.updated", taskId);
            assertThat(complete.data().get("status").asText()).isIn("In Progress", "Complete");
            // Written by projects-service when the relay delivers: the feed reads every owner's table.
            Event generation = stream.nextNamed("generation.created");
            assertThat(generation.data().get("table").asText()).isEqualTo("generations");
            assertThat(generation.data().get("project_id").asText()).isEqualTo(owner.projectId().toString());
        }
    }

    @Test
    void variantChangesAndGenerationUpdatesCarryTheRowsTheOwnerSees() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        try (Stream stream = open(owner.token(), owner.projectId(), null);
                ai.reigh.common.testing.SqlSession sql = ai.reigh.common.testing.SqlSession.as("reigh_projects")
                        .actingAsUser(owner.userId())) {
            UUID generation = (UUID) sql.value("INSERT INTO generations (project_id, type, url, params) VALUES (?, 'image',"
                    + " 'https://cdn.test/a.png', '{\"prompt\": \"secret-ish params are not in events\"}') RETURNING id",
                    owner.projectId());
            Event created = stream.next("generation.created", generation);
            assertThat(created.data().get("new").get("url").asText()).isEqualTo("https://cdn.test/a.png");
            assertThat(created.data().get("new").has("params")).isFalse();
            assertThat(created.data().has("old")).isFalse();

            // One statement (one transaction): the database checks at commit that the generation shows its primary.
            UUID variant = (UUID) sql.value("WITH v AS (INSERT INTO generation_variants (generation_id, project_id, url,"
                    + " is_primary, variant_type) VALUES (?, ?, 'https://cdn.test/b.png', true, 'upscaled') RETURNING id)"
                    + " UPDATE generations g SET url = 'https://cdn.test/b.png', primary_variant_id = v.id FROM v"
                    + " WHERE g.id = ? RETURNING v.id", generation, owner.projectId(), generation);
            Event added = stream.next("generation_variant.created", variant);
            assertThat(added.data().get("table").asText()).isEqualTo("generation_variants");
            assertThat(added.data().get("new").get("generation_id").asText()).isEqualTo(generation.toString());
            assertThat(added.data().get("new").get("is_primary").asBoolean()).isTrue();
            Event shown = stream.next("generation.updated", generation);
            assertThat(shown.data().get("old").get("url").asText()).isEqualTo("https://cdn.test/a.png");
            assertThat(shown.data().get("new").get("url").asText()).isEqualTo("https://cdn.test/b.png");
            assertThat(shown.data().get("new").get("primary_variant_id").asText()).isEqualTo(variant.toString());

            sql.update("UPDATE generation_variants SET starred = true WHERE id = ?", variant);
            Event starred = stream.next("generation_variant.updated", variant);
            assertThat(starred.data().get("old").get("starred").asBoolean()).isFalse();
            assertThat(starred.data().get("new").get("starred").asBoolean()).isTrue();

            sql.update("DELETE FROM generations WHERE id = ?", generation);
            java.util.Map<String, Event> deletions = new java.util.HashMap<>();
            while (deletions.size() < 2) {
                Event next = stream.nextNamed("generation_variant.deleted|generation.deleted");
                deletions.put(next.name(), next);
            }
            Event gone = deletions.get("generation_variant.deleted");
            assertThat(gone.data().get("id").asText()).isEqualTo(variant.toString());
            assertThat(gone.data().has("new")).isFalse();
            assertThat(gone.data().get("old").get("generation_id").asText()).isEqualTo(generation.toString());
            assertThat(deletions.get("generation.deleted").data().get("old").get("id").asText())
                    .isEqualTo(generation.toString());
        }
    }

    @Test
    void anotherUsersProjectIsNotFound() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        Fixtures.Owner stranger = Fixtures.owner();
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(events + "?project_id="
                + owner.projectId())).header("Authorization", "Bearer " + stranger.token()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.headers().firstValue("content-type").orElse("")).contains("problem+json");
        assertThat(answer.body()).contains("\"not_found\"");
        HttpResponse<String> noProject = HTTP.send(HttpRequest.newBuilder(URI.create(events.toString()))
                .header("Authorization", "Bearer " + owner.token()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noProject.statusCode()).isEqualTo(400);
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(events + "?project_id="
                + owner.projectId())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> worker = HTTP.send(HttpRequest.newBuilder(URI.create(events + "?project_id="
                + owner.projectId())).header("Authorization", "Bearer " + Tokens.worker()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(worker.statusCode()).isEqualTo(403);
    }

    @Test
    void theTokenMayComeInTheQueryAndLastEventIdResumes() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        UUID first;
        UUID second;
        String firstEventId;
        HttpRequest viaQuery = HttpRequest.newBuilder(URI.create(events + "?project_id=" + owner.projectId()
                + "&access_token=" + owner.token())).build();
        try (Stream stream = new Stream(HTTP.send(viaQuery, HttpResponse.BodyHandlers.ofLines()))) {
            assertThat(stream.response.statusCode()).isEqualTo(200);
            first = Fixtures.createTask(owner, "single_image");
            firstEventId = stream.next("task.created", first).id();
        }
        // Disconnected: changes happen meanwhile.
        second = Fixtures.createTask(owner, "single_image");
        Api.as(owner.token()).post("/v1/tasks/" + first + "/cancel").then().statusCode(200);
        try (Stream resumed = open(owner.token(), owner.projectId(), firstEventId)) {
            Event missedCreate = resumed.next("task.created", second);
            Event missedCancel = resumed.next("task.updated", first);
            assertThat(Long.parseLong(missedCreate.id())).isGreaterThan(Long.parseLong(firstEventId));
            assertThat(missedCancel.data().get("status").asText()).isEqualTo("Cancelled");
            // Live events keep coming after the replay.
            UUID third = Fixtures.createTask(owner, "single_image");
            resumed.next("task.created", third);
            List<String> ids = new ArrayList<>();
            resumed.received.forEach(event -> ids.add(event.id()));
            assertThat(ids).doesNotContain(firstEventId);
        }
    }

    /**
     * Event ids are allocated when a change is written but become visible when its transaction commits,
     * so a later id can be visible before an earlier one. A client that resumes with the id of the last
     * event it received (on this instance or, behind a Service, on another replica) must still get an
     * earlier id that committed after that event reached it: here a task inserted by a transaction that
     * commits after a later task's, while the client is away.
     */
    @Test
    void aResumeMissesNoEventThatCommittedAfterALaterOne() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        UUID late = UUID.randomUUID();
        UUID early;
        String resumeFrom;
        // Another subscriber of the project keeps the feed reading while the client is away.
        try (Stream watcher = open(owner.token(), owner.projectId(), null)) {
            Stream client = open(owner.token(), owner.projectId(), null);
            try (client; SqlSession slow = SqlSession.as("reigh_owner").actingAsService()) {
                UUID first = Fixtures.createTask(owner, "single_image");
                resumeFrom = client.next("task.created", first).id();
                Connection connection = slow.connection();
                connection.setAutoCommit(false);
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO tasks (id, project_id, user_id,"
                        + " task_type) VALUES (?, ?, ?, 'single_image')")) {
                    insert.setObject(1, late);
                    insert.setObject(2, owner.projectId());
                    insert.setObject(3, owner.userId());
                    insert.executeUpdate();
                }
                early = Fixtures.createTask(owner, "single_image");
                // The later event may reach the client now, or be held back until the earlier one settles:
                // either is right, as long as the resume below brings whatever the client has not had.
                Event seen = client.within("task.created", early, java.time.Duration.ofMillis(1000));
                if (seen != null) {
                    resumeFrom = seen.id();
                }
                client.close();
                connection.commit();
            }
            watcher.next("task.created", late);
        }
        try (Stream resumed = open(owner.token(), owner.projectId(), resumeFrom)) {
            resumed.next("task.created", late);
        }
    }

    /**
     * Events reach a stream in id order even when their transactions commit out of order: the later
     * one waits for the earlier; and a stream resumed meanwhile gets from its backlog only what comes
     * before the uncommitted id, the rest live, in order.
     */
    @Test
    void eventsReachAStreamInIdOrderEvenWhenTheyCommitOutOfOrder() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        UUID late = UUID.randomUUID();
        UUID early;
        try (Stream live = open(owner.token(), owner.projectId(), null)) {
            UUID first = Fixtures.createTask(owner, "single_image");
            String resumeFrom = live.next("task.created", first).id();
            try (SqlSession slow = SqlSession.as("reigh_owner").actingAsService()) {
                Connection connection = slow.connection();
                connection.setAutoCommit(false);
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO tasks (id, project_id, user_id,"
                        + " task_type) VALUES (?, ?, ?, 'single_image')")) {
                    insert.setObject(1, late);
                    insert.setObject(2, owner.projectId());
                    insert.setObject(3, owner.userId());
                    insert.executeUpdate();
                }
                early = Fixtures.createTask(owner, "single_image");
                try (Stream resumed = open(owner.token(), owner.projectId(), resumeFrom)) {
                    connection.commit();
                    for (Stream stream : List.of(live, resumed)) {
                        List<Event> order = createdInArrivalOrder(stream, late, early);
                        assertThat(order).extracting(event -> event.data().get("id").asText())
                                .as("the earlier id first").containsExactly(late.toString(), early.toString());
                        assertThat(Long.parseLong(order.get(0).id())).isLessThan(Long.parseLong(order.get(1).id()));
                    }
                }
            }
        }
    }

    /** The task.created events of {@code rows}, as they arrive. */
    private static List<Event> createdInArrivalOrder(Stream stream, UUID... rows) throws InterruptedException {
        List<String> wanted = new ArrayList<>();
        for (UUID row : rows) {
            wanted.add(row.toString());
        }
        List<Event> arrived = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (arrived.size() < wanted.size() && System.nanoTime() < deadline) {
            Event event = stream.received.poll(100, TimeUnit.MILLISECONDS);
            if (event != null && event.name().equals("task.created") && wanted.contains(event.data().get("id").asText())) {
                arrived.add(event);
            }
        }
        return arrived;
    }

    /**
     * A stream lives no longer than its token: it ends at {@code exp}, an event created after that is
     * not delivered on it, and the client resumes with a fresh token and Last-Event-ID without losing
     * the event. A token already past {@code exp} (within the verifier's clock skew) cannot open one.
     */
    @Test
    void theStreamEndsWhenItsTokenExpiresAndResumesWithAFreshOne() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        String shortLived = Tokens.builder().subject(owner.userId().toString()).ttl(Duration.ofSeconds(3)).sign();
        Instant expiry = Instant.ofEpochSecond(JSON.readTree(java.util.Base64.getUrlDecoder()
                .decode(shortLived.split("\\.")[1])).get("exp").asLong());
        String lastEventId;
        UUID afterExpiry;
        try (Stream stream = open(shortLived, owner.projectId(), null)) {
            assertThat(stream.response.statusCode()).isEqualTo(200);
            UUID beforeExpiry = Fixtures.createTask(owner, "single_image");
            lastEventId = stream.next("task.created", beforeExpiry).id();

            assertThat(stream.ended.await(Duration.between(Instant.now(), expiry).toMillis() + 3000,
                    TimeUnit.MILLISECONDS)).as("the stream ends within 3 s of its token's expiry").isTrue();
            assertThat(Instant.now()).as("not before the token expired").isAfterOrEqualTo(expiry.minusMillis(100));
            afterExpiry = Fixtures.createTask(owner, "single_image");
            assertThat(stream.received).noneMatch(event -> event.data().get("id").asText().equals(afterExpiry.toString()));
        }
        try (Stream resumed = open(owner.token(), owner.projectId(), lastEventId)) {
            assertThat(resumed.response.statusCode()).isEqualTo(200);
            resumed.next("task.created", afterExpiry);
        }
        // As a browser resumes: a new EventSource, the fresh token and the last id in the URL.
        HttpRequest asABrowser = HttpRequest.newBuilder(URI.create(events + "?project_id=" + owner.projectId()
                + "&access_token=" + owner.token() + "&last_event_id=" + lastEventId)).build();
        try (Stream resumed = new Stream(HTTP.send(asABrowser, HttpResponse.BodyHandlers.ofLines()))) {
            assertThat(resumed.response.statusCode()).isEqualTo(200);
            resumed.next("task.created", afterExpiry);
        }
        Map<String, Object> lapsed = Tokens.validClaims(owner.userId().toString());
        lapsed.put("iat", Instant.now().getEpochSecond() - 20);
        lapsed.put("exp", Instant.now().getEpochSecond() - 5);
        String expiredWithinSkew = Tokens.signRaw(lapsed);
        Api.as(expiredWithinSkew).get("/v1/tasks").then().statusCode(200);
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(events + "?project_id="
                + owner.projectId())).header("Authorization", "Bearer " + expiredWithinSkew).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("\"unauthorized\"");
    }

    @Test
    void idleStreamsGetKeepAliveComments() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        try (Stream stream = open(owner.token(), owner.projectId(), null)) {
            String comment = stream.comments.poll(5, TimeUnit.SECONDS);
            assertThat(comment).isEqualTo("keep-alive");
        }
    }

    @Test
    void aLastEventIdThatIsNotAnIdIsRefused() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(events + "?project_id="
                + owner.projectId())).header("Authorization", "Bearer " + owner.token()).header("Last-Event-ID", "x1")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(400);
        HttpResponse<String> inTheUrl = HTTP.send(HttpRequest.newBuilder(URI.create(events + "?project_id="
                + owner.projectId() + "&last_event_id=-3")).header("Authorization", "Bearer " + owner.token()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(inTheUrl.statusCode()).isEqualTo(400);
        assertThat(inTheUrl.body()).contains("last_event_id");
    }
}
