package ai.reigh.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ai.reigh.devtools.http.PlatformClient;

/**
 * Users creating tasks through the gateway (or another origin) while a fault happens, as a careful
 * client does: every task has its own idempotency key, and a request that fails in a retryable way (no
 * answer, 5xx, 429) is sent again with the same key and body until it succeeds or a deadline passes.
 * Records, per key, the task id the platform answered, and every status it saw.
 */
final class TaskCreators {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(120);
    private static final long FIRST_BACKOFF_MILLIS = 200;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    private final Platform.Tenant tenant;
    private final String keyPrefix;
    private final int threads;
    private final int perThread;
    private final long paceMillis;
    private final List<URI> tasksUris;
    private final Map<String, String> taskIdByKey = new ConcurrentSkipListMap<>();
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong replays = new AtomicLong();
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private ExecutorService pool;
    private final List<Future<?>> running = new ArrayList<>();

    TaskCreators(Platform.Tenant tenant, String keyPrefix, int threads, int perThread, Duration pace) {
        this(tenant, keyPrefix, threads, perThread, pace, List.of(Platform.system().gatewayUrl()));
    }

    /** {@code origins}: where the users send their creates, thread {@code t} to {@code origins[t % n]}. */
    TaskCreators(Platform.Tenant tenant, String keyPrefix, int threads, int perThread, Duration pace, List<String> origins) {
        this.tenant = tenant;
        this.keyPrefix = keyPrefix;
        this.threads = threads;
        this.perThread = perThread;
        this.paceMillis = pace.toMillis();
        this.tasksUris = origins.stream().map(origin -> URI.create(origin + "/v1/tasks")).toList();
    }

    TaskCreators start() {
        pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            running.add(pool.submit(() -> {
                URI tasksUri = tasksUris.get(thread % tasksUris.size());
                for (int i = 0; i < perThread; i++) {
                    create(tasksUri, keyPrefix + "-" + thread + "-" + i, i % 3 == 0 ? "wan_2_2_i2v" : "single_image");
                    Await.pause(paceMillis);
                }
            }));
        }
        pool.shutdown();
        return this;
    }

    /** Waits for every creator to be done (each key created or given up). */
    void awaitDone(Duration timeout) throws Exception {
        if (!pool.awaitTermination(timeout.toSeconds(), TimeUnit.SECONDS)) {
            pool.shutdownNow();
            throw new AssertionError("the creators did not finish within " + timeout.toSeconds() + " s");
        }
        for (Future<?> future : running) {
            future.get();
        }
    }

    private void create(URI tasksUri, String key, String taskType) {
        byte[] body = json(Map.of("project_id", tenant.projectId(), "task_type", taskType,
                "params", Map.of("prompt", "fault load " + key), "idempotency_key", key));
        long giveUpAt = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        long backoff = FIRST_BACKOFF_MILLIS;
        for (int attempt = 1;; attempt++) {
            requests.incrementAndGet();
            if (attempt > 1) {
                retries.incrementAndGet();
            }
            try {
                HttpResponse<byte[]> answer = Platform.HTTP.send(HttpRequest.newBuilder(tasksUri).timeout(REQUEST_TIMEOUT)
                        .header("Authorization", "Bearer " + tenant.token()).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
                int status = answer.statusCode();
                statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                if (status == 201 || status == 200) {
                    if (status == 200) {
                        replays.incrementAndGet();
                    }
                    String id = PlatformClient.JSON.readTree(answer.body()).get("id").asText();
                    String earlier = taskIdByKey.putIfAbsent(key, id);
                    if (earlier != null && !earlier.equals(id)) {
                        failures.add(key + ": two tasks answered, " + earlier + " and " + id);
                    }
                    return;
                }
                if (status < 500 && status != 429) {
                    failures.add(key + ": " + status + " " + new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8));
                    return;
                }
            } catch (IOException noAnswer) {
                statuses.computeIfAbsent(-1, s -> new AtomicLong()).incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(key + ": interrupted");
                return;
            }
            if (System.nanoTime() > giveUpAt) {
                failures.add(key + ": still failing after " + attempt + " attempts");
                return;
            }
            Await.pause(backoff);
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
    }

    private static byte[] json(Object value) {
        try {
            return PlatformClient.JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    int expectedKeys() {
        return threads * perThread;
    }

    Map<String, String> taskIdByKey() {
        return taskIdByKey;
    }

    List<String> failures() {
        return failures;
    }

    long requests() {
        return requests.get();
    }

    long retries() {
        return retries.get();
    }

    long replays() {
        return replays.get();
    }

    /** Statuses seen (-1: no answer), for the figures. */
    Map<Integer, Long> statuses() {
        Map<Integer, Long> seen = new java.util.TreeMap<>();
        statuses.forEach((status, count) -> seen.put(status, count.get()));
        return seen;
    }
}
