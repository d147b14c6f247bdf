package ai.reigh.devtools.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.devtools.http.ApiResponse;
import ai.reigh.devtools.http.PlatformClient;

/**
 * One simulated GPU worker, following the worker protocol of API.md as a production worker does:
 * long-poll claim → (model load) → start → generate, watching for cancellation → upload the output
 * through a presigned URL → complete with the lease token (or fail). Heartbeats run beside it (see
 * {@link ReferenceWorker}), renewing the leases of the tasks it holds and delivering cancellations.
 */
final class SimulatedWorker implements GpuWorker {
    private static final Duration SLICE = Duration.ofMillis(100);

    private final WorkerOptions options;
    private final PlatformClient platform;
    private final WorkerStats stats;
    private final AtomicBoolean stopping;
    private final String idPrefix;
    private final AtomicReference<String> workerId = new AtomicReference<>();
    /** Tasks held now (id -> lease token), reported in heartbeats. */
    private final Map<String, String> held = new ConcurrentHashMap<>();
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private volatile boolean down;
    private volatile long lastWorkNanos = System.nanoTime();
    private int incarnation;

    SimulatedWorker(WorkerOptions options, PlatformClient platform, WorkerStats stats, AtomicBoolean stopping,
            String idPrefix) {
        this.options = options;
        this.platform = platform;
        this.stats = stats;
        this.stopping = stopping;
        this.idPrefix = idPrefix;
        workerId.set(idPrefix + "-0");
    }

    @Override
    public void run() {
        while (!stopping.get()) {
            try {
                List<JsonNode> tasks = claim();
                if (tasks.isEmpty()) {
                    continue;
                }
                lastWorkNanos = System.nanoTime();
                for (JsonNode task : tasks) {
                    held.put(task.get("id").asText(), task.get("lease_token").asText());
                }
                for (JsonNode task : tasks) {
                    if (stopping.get() || down) {
                        break;
                    }
                    work(task);
                    lastWorkNanos = System.nanoTime();
                }
                if (down) {
                    reboot();
                }
            } catch (RuntimeException e) {
                stats.error(e.toString());
                pause(Duration.ofMillis(500));
            } finally {
                held.clear();
            }
        }
    }

    private List<JsonNode> claim() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("worker_id", workerId.get());
        body.put("run_type", options.runType());
        body.put("limit", options.claimLimit());
        body.put("wait_seconds", options.waitSeconds());
        if (options.sameModelOnly()) {
            body.put("same_model_only", true);
        }
        ApiResponse answer = platform.post("/v1/workers/claim", body,
                Duration.ofSeconds(options.waitSeconds() + 15L));
        if (answer.status() == 204) {
            return List.of();
        }
        answer.expect(200);
        List<JsonNode> tasks = new ArrayList<>();
        answer.body().get("tasks").forEach(tasks::add);
        stats.claimed.addAndGet(tasks.size());
        return tasks;
    }

    private void work(JsonNode task) {
        String taskId = task.get("id").asText();
        String lease = task.get("lease_token").asText();
        String base = "/v1/workers/tasks/" + taskId;
        if (ThreadLocalRandom.current().nextDouble() < options.crashRate()) {
            crash();
            return;
        }
        // The model loads before billing starts.
        if (!simulate(taskId, WorkerOptions.seconds(Math.min(1.0, options.taskSeconds() * 0.1)))) {
            return;
        }
        if (!fenced(platform.post(base + "/start", Map.of("lease_token", lease)))) {
            return;
        }
        if (!simulate(taskId, WorkerOptions.seconds(options.taskSeconds()))) {
            return;
        }
        if (ThreadLocalRandom.current().nextDouble() < options.failRate()) {
            boolean retryable = ThreadLocalRandom.current().nextBoolean();
            if (fenced(platform.post(base + "/fail", Map.of("lease_token", lease,
                    "error", "simulated failure (" + (retryable ? "retryable" : "permanent") + ")",
                    "retryable", retryable)))) {
                stats.failedReported.incrementAndGet();
            }
            return;
        }
        OutputGenerator.Output output = OutputGenerator.forTask(task.get("task_type").asText(), options.outputBytes(),
                taskId.hashCode());
        ApiResponse upload = platform.post("/v1/workers/uploads", Map.of("task_id", taskId, "lease_token", lease,
                "filename", output.filename(), "content_type", output.contentType(),
                "size_bytes", output.bytes().length));
        if (!fenced(upload)) {
            return;
        }
        int put = platform.putBytes(upload.body().get("upload_url").asText(), headers(upload.body()), output.bytes());
        if (put / 100 != 2) {
            stats.error("upload of " + taskId + ": the store answered " + put);
            return;
        }
        stats.bytesUploaded.addAndGet(output.bytes().length);
        Map<String, Object> result = new HashMap<>();
        result.put("worker_id", workerId.get());
        result.put("model", options.model());
        result.put("bytes", output.bytes().length);
        result.put("simulated", true);
        if (fenced(platform.post(base + "/complete", Map.of("lease_token", lease,
                "object_id", upload.body().get("object_id").asText(), "result_data", result)))) {
            stats.completed.incrementAndGet();
        }
        held.remove(taskId);
    }

    /**
     * Interprets a worker call's answer: 2xx goes on; 409 lease_lost means the task is no longer ours
     * (reclaimed, cancelled): drop it, nothing to undo; anything else is an error.
     */
    private boolean fenced(ApiResponse answer) {
        if (answer.ok()) {
            return true;
        }
        if (answer.status() == 409 && ("lease_lost".equals(answer.code()) || "invalid_transition".equals(answer.code()))) {
            stats.leasesLost.incrementAndGet();
        } else {
            stats.error(answer.toString());
        }
        return false;
    }

    /** Generates for a while in slices, giving up when the task is cancelled or the worker stops. */
    private boolean simulate(String taskId, Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < until) {
            if (cancelled.remove(taskId)) {
                stats.cancelled.incrementAndGet();
                held.remove(taskId);
                return false;
            }
            if (stopping.get()) {
                return false;
            }
            pause(SLICE.compareTo(duration) < 0 ? SLICE : duration);
        }
        return true;
    }

    /** Crashes mid-task: no more heartbeats, the task abandoned with its lease left to expire. */
    private void crash() {
        stats.crashes.incrementAndGet();
        down = true;
    }

    private void reboot() {
        held.clear();
        pause(options.rebootAfterCrash());
        incarnation++;
        workerId.set(idPrefix + "-" + incarnation);
        down = false;
    }

    /**
     * Its heartbeat: renews the leases of the tasks it holds; cancelled tasks and tasks whose lease is no
     * longer ours are both dropped (finishing them would only earn a 409).
     */
    @Override
    public void beat() {
        Map<String, Object> beat = heartbeat();
        if (beat == null || stopping.get()) {
            return;
        }
        try {
            ApiResponse answer = platform.post("/v1/workers/heartbeat", beat, Duration.ofSeconds(10));
            if (answer.ok() && answer.body() != null) {
                for (String field : new String[] { "cancel_task_ids", "lost_task_ids" }) {
                    for (JsonNode id : answer.body().path(field)) {
                        cancel(id.asText());
                    }
                }
            } else if (!answer.ok()) {
                stats.error("heartbeat: " + answer);
            }
        } catch (RuntimeException unreachable) {
            stats.error("heartbeat: " + unreachable);
        }
    }

    /** What this worker's next heartbeat carries, or null while it is down. */
    Map<String, Object> heartbeat() {
        if (down) {
            return null;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("worker_id", workerId.get());
        body.put("status", "active");
        body.put("current_model", options.model());
        body.put("vram_total_mb", 24_576);
        body.put("vram_used_mb", held.isEmpty() ? 2_048 : 18_432);
        body.put("task_ids", new ArrayList<>(held.keySet()));
        return body;
    }

    void cancel(String taskId) {
        if (held.containsKey(taskId)) {
            cancelled.add(taskId);
        }
    }

    @Override
    public long idleNanos() {
        return held.isEmpty() ? System.nanoTime() - lastWorkNanos : 0;
    }

    private static Map<String, String> headers(JsonNode upload) {
        Map<String, String> headers = new HashMap<>();
        JsonNode given = upload.get("upload_headers");
        if (given != null) {
            given.fields().forEachRemaining(field -> headers.put(field.getKey(), field.getValue().asText()));
        }
        return headers;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(Math.max(1, duration.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
