package ai.reigh.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.devtools.http.PlatformClient;

/**
 * A browser's EventSource on {@code GET /v1/events?project_id=}, talking to tasks-service instances
 * directly: it connects to the first instance of its list that accepts the connection, and when the
 * stream ends (the instance died) it reconnects, to the next live one, with {@code Last-Event-ID} set
 * to the id of the last event it received, as the EventSource specification says. Records every event
 * it received (id → "event|row id|status"), how often, whether each connection's ids only grew, and on
 * which instance each connection was.
 */
final class EventSubscriber implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(20);
    private static final long RECONNECT_DELAY_MILLIS = 200;

    private final String name;
    private final List<String> instances;
    private final String token;
    private final String projectId;
    private final Map<Long, String> received = new ConcurrentHashMap<>();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final List<String> connections = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Thread loop;
    private volatile boolean closing;
    private volatile String lastEventId;
    private volatile Stream current;
    private volatile long disconnectedAtNanos;
    private volatile double lastResumeSeconds = -1;

    /** {@code instances}: tasks-service base URLs, the preferred one first. */
    EventSubscriber(String name, List<String> instances, String token, String projectId, String lastEventId) {
        this.name = name;
        this.instances = List.copyOf(instances);
        this.token = token;
        this.projectId = projectId;
        this.lastEventId = lastEventId;
        this.loop = new Thread(this::run, "events-" + name);
        loop.setDaemon(true);
        loop.start();
    }

    private void run() {
        while (!closing) {
            Stream stream = connect();
            if (stream == null) {
                Await.pause(RECONNECT_DELAY_MILLIS);
                continue;
            }
            try {
                stream.ended.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException ended) {
                // The instance went away (or we closed): reconnect below unless closing.
            }
            disconnectedAtNanos = System.nanoTime();
        }
    }

    /** The first instance that answers 200, or null when none does right now. */
    private Stream connect() {
        for (String instance : instances) {
            if (closing) {
                return null;
            }
            Stream stream = new Stream(instance);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(instance + "/v1/events?project_id=" + projectId))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
            String resumeFrom = lastEventId;
            if (resumeFrom != null) {
                request.header("Last-Event-ID", resumeFrom);
            }
            CompletableFuture<HttpResponse<Void>> response = HTTP.sendAsync(request.build(), info -> {
                stream.status.complete(info.statusCode());
                return HttpResponse.BodySubscribers.fromLineSubscriber(stream);
            });
            response.whenComplete((done, failure) -> stream.ended.complete(null));
            try {
                CompletableFuture.anyOf(stream.status, response).get(HEADERS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException refused) {
                continue; // connection refused: this instance is down, try the next one
            } catch (TimeoutException | InterruptedException e) {
                response.cancel(true);
                failures.add(instance + ": no answer within " + HEADERS_TIMEOUT.toSeconds() + " s");
                continue;
            }
            Integer status = stream.status.getNow(null);
            if (status == null) {
                continue; // the exchange ended without headers: down
            }
            if (status != 200) {
                failures.add(instance + ": " + status);
                stream.cancel();
                continue;
            }
            current = stream;
            if (disconnectedAtNanos != 0) {
                lastResumeSeconds = (System.nanoTime() - disconnectedAtNanos) / 1e9;
            }
            connections.add(instance + (resumeFrom == null ? "" : " (Last-Event-ID " + resumeFrom + ")"));
            return stream;
        }
        return null;
    }

    /** One connection's lines, parsed into events as they come. */
    private final class Stream implements Flow.Subscriber<String> {
        private final String instance;
        private final CompletableFuture<Integer> status = new CompletableFuture<>();
        private final CompletableFuture<Void> ended = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;
        private String id;
        private long lastIdOfConnection;
        private String event;
        private final StringBuilder data = new StringBuilder();

        Stream(String instance) {
            this.instance = instance;
        }

        @Override
        public void onSubscribe(Flow.Subscription given) {
            subscription = given;
            given.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.isEmpty()) {
                dispatch();
            } else if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.startsWith("event:")) {
                event = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).trim());
            }
            // Lines starting with ':' are keep-alive comments.
        }

        private void dispatch() {
            if (id != null && data.length() > 0) {
                try {
                    JsonNode body = PlatformClient.JSON.readTree(data.toString());
                    String seen = event + "|" + body.path("id").asText() + "|" + body.path("status").asText("");
                    long eventId = Long.parseLong(id);
                    if (eventId <= lastIdOfConnection) {
                        outOfOrder.incrementAndGet();
                    }
                    lastIdOfConnection = eventId;
                    received.merge(eventId, seen, (first, again) -> first);
                    deliveries.incrementAndGet();
                    lastEventId = id;
                } catch (IOException | NumberFormatException e) {
                    failures.add(instance + ": unreadable event " + id + " " + data);
                }
            }
            id = null;
            event = null;
            data.setLength(0);
        }

        @Override
        public void onError(Throwable failure) {
            ended.complete(null);
        }

        @Override
        public void onComplete() {
            ended.complete(null);
        }

        void cancel() {
            Flow.Subscription given = subscription;
            if (given != null) {
                given.cancel();
            }
            ended.complete(null);
        }
    }

    /** Waits until a stream is open (200 received). */
    void awaitConnected(Duration timeout) {
        Await.until(name + ": event stream open", timeout, () -> current != null);
    }

    String name() {
        return name;
    }

    /** Event id → "event|row id|status" of everything received, each id once. */
    Map<Long, String> received() {
        return Map.copyOf(received);
    }

    /** Events received, duplicates included (a resume may replay a few). */
    long deliveries() {
        return deliveries.get();
    }

    /** Events whose id was not above the one before it on the same connection (none expected). */
    long outOfOrder() {
        return outOfOrder.get();
    }

    /** The instance of each connection, in order, with the Last-Event-ID it resumed from. */
    List<String> connections() {
        synchronized (connections) {
            return List.copyOf(connections);
        }
    }

    /** Refused subscriptions and unreadable events (none expected). */
    List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    /** From the end of the last broken stream to the next one open; -1 when it never broke. */
    double lastResumeSeconds() {
        return lastResumeSeconds;
    }

    @Override
    public void close() {
        closing = true;
        Stream stream = current;
        if (stream != null) {
            stream.cancel();
        }
        loop.interrupt();
    }
}
