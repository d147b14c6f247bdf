package ai.reigh.devtools.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.devtools.http.ApiResponse;
import ai.reigh.devtools.http.EdgeClient;
import ai.reigh.devtools.http.PlatformClient;

/**
 * One simulated worker speaking the deployed fleet's protocol (docs/worker-compat.md), as that fleet
 * does: a model switch at start; then task-counts (logged), claim-next-task (204: poll again), the
 * billing start once the model is loaded, generation, and the completion — inline (base64) below
 * 2 MB, else generate-upload-url, a PUT of the bytes and complete_task with the storage_path — every
 * call requiring exactly 200, and an automatic "Failed" after any completion that was not. Failures are
 * reported as the fleet does (Queued with the attempts for a retryable one, Failed for the rest). Its
 * heartbeats name no task (the platform renews every lease the worker holds); a simulated crash is the
 * guardian's {@code crashed} heartbeat, a clean stop its {@code terminated}. One credential per worker:
 * the worker id is the one its token names.
 */
final class FleetProtocolWorker implements GpuWorker {
    /** The fleet's inline threshold. */
    static final int INLINE_LIMIT_BYTES = 2 * 1024 * 1024;
    private static final Duration SLICE = Duration.ofMillis(100);

    private final WorkerOptions options;
    private final EdgeClient edge;
    private final WorkerStats stats;
    private final AtomicBoolean stopping;
    private final String workerId;
    private volatile String current;
    private volatile long lastWorkNanos = System.nanoTime();

    FleetProtocolWorker(WorkerOptions options, EdgeClient edge, WorkerStats stats, AtomicBoolean stopping, String workerId) {
        this.options = options;
        this.edge = edge;
        this.stats = stats;
        this.stopping = stopping;
        this.workerId = workerId;
    }

    /** The worker a token names ({@code reigh_worker_id} of a worker JWT), or {@code fallback} (a personal access token). */
    static String workerIdOf(String token, String fallback) {
        String[] parts = token.split("\\.");
        if (parts.length == 3) {
            try {
                JsonNode payload = PlatformClient.JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]),
                        StandardCharsets.UTF_8));
                if (payload.hasNonNull("reigh_worker_id")) {
                    return payload.get("reigh_worker_id").asText();
                }
            } catch (java.io.IOException | IllegalArgumentException unreadable) {
                return fallback;
            }
        }
        return fallback;
    }

    String workerId() {
        return workerId;
    }

    @Override
    public void run() {
        edge.function("update-worker-model", Map.of("worker_id", workerId, "current_model", options.model()),
                Duration.ofSeconds(30));
        while (!stopping.get()) {
            try {
                edge.function("task-counts", Map.of("run_type", options.runType(), "include_active", true),
                        Duration.ofSeconds(10));
                Map<String, Object> claim = new LinkedHashMap<>();
                claim.put("worker_id", workerId);
                claim.put("run_type", options.runType());
                claim.put("same_model_only", options.sameModelOnly());
                claim.put("max_task_wait_minutes", 5);
                ApiResponse answer = edge.functionOnce("claim-next-task", claim, Duration.ofSeconds(15));
                if (answer.status() == 204) {
                    continue;
                }
                if (answer.status() != 200) {
                    stats.error("claim: " + answer);
                    pause(Duration.ofMillis(500));
                    continue;
                }
                stats.claimed.incrementAndGet();
                lastWorkNanos = System.nanoTime();
                work(answer.body());
                lastWorkNanos = System.nanoTime();
            } catch (RuntimeException e) {
                stats.error(e.toString());
                pause(Duration.ofMillis(500));
            } finally {
                current = null;
            }
        }
        beat("terminated");
    }

    private void work(JsonNode task) {
        String taskId = task.get("task_id").asText();
        current = taskId;
        if (ThreadLocalRandom.current().nextDouble() < options.crashRate()) {
            // The worker process died: its guardian says so, and the platform hands the task back at once.
            stats.crashes.incrementAndGet();
            beat("crashed");
            pause(options.rebootAfterCrash());
            return;
        }
        if (!simulate(WorkerOptions.seconds(Math.min(1.0, options.taskSeconds() * 0.1)))) {
            return;
        }
        if (!ok(status(taskId, Map.of("task_id", taskId, "status", "In Progress", "reset_generation_started_at", true)))) {
            return;
        }
        if (!simulate(WorkerOptions.seconds(options.taskSeconds()))) {
            return;
        }
        if (ThreadLocalRandom.current().nextDouble() < options.failRate()) {
            boolean retryable = ThreadLocalRandom.current().nextBoolean();
            String error = "simulated failure (" + (retryable ? "retryable" : "permanent") + ")";
            Map<String, Object> report = retryable
                    ? Map.of("task_id", taskId, "status", "Queued", "attempts", task.path("attempts").asInt(0) + 1,
                            "error_details", error, "clear_worker", true)
                    : Map.of("task_id", taskId, "status", "Failed", "output_location", error);
            if (ok(status(taskId, report))) {
                stats.failedReported.incrementAndGet();
            }
            return;
        }
        OutputGenerator.Output output = OutputGenerator.forTask(task.get("task_type").asText(), options.outputBytes(),
                taskId.hashCode());
        ApiResponse completed = output.bytes().length < INLINE_LIMIT_BYTES ? completeInline(taskId, output)
                : completeByReference(taskId, output);
        if (completed != null && completed.status() == 200) {
            stats.completed.incrementAndGet();
            stats.bytesUploaded.addAndGet(output.bytes().length);
            return;
        }
        // As the fleet does after any completion that did not answer 200.
        status(taskId, Map.of("task_id", taskId, "status", "Failed", "output_location",
                "Completion failed: " + (completed == null ? "upload failed" : completed.status())));
        if (completed != null && completed.status() == 409) {
            stats.leasesLost.incrementAndGet();
        } else {
            stats.error("completion of " + taskId + ": " + (completed == null ? "upload failed" : completed));
        }
    }

    private ApiResponse completeInline(String taskId, OutputGenerator.Output output) {
        return edge.function("complete_task", Map.of("task_id", taskId, "filename", output.filename(), "file_data",
                Base64.getEncoder().encodeToString(output.bytes())), Duration.ofSeconds(60));
    }

    private ApiResponse completeByReference(String taskId, OutputGenerator.Output output) {
        ApiResponse ticket = edge.function("generate-upload-url", Map.of("task_id", taskId, "filename", output.filename(),
                "content_type", output.contentType(), "generate_thumbnail_url", false), Duration.ofSeconds(30));
        if (ticket.status() != 200) {
            return ticket;
        }
        int put = edge.put(ticket.body().get("upload_url").asText(), output.contentType(), output.bytes());
        if (put != 200 && put != 201) {
            return null;
        }
        return edge.function("complete_task", Map.of("task_id", taskId, "storage_path",
                ticket.body().get("storage_path").asText()), Duration.ofSeconds(60));
    }

    private ApiResponse status(String taskId, Map<String, Object> body) {
        return edge.function("update-task-status", body, Duration.ofSeconds(30));
    }

    /** 200 goes on; a 409 (the task is no longer this worker's) drops it; anything else is an error. */
    private boolean ok(ApiResponse answer) {
        if (answer.status() == 200) {
            return true;
        }
        if (answer.status() == 409) {
            stats.leasesLost.incrementAndGet();
        } else {
            stats.error(answer.toString());
        }
        return false;
    }

    /** The guardian's heartbeat. */
    @Override
    public void beat() {
        beat("active");
    }

    private void beat(String status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("worker_id_param", workerId);
        body.put("vram_total_mb_param", 24_576);
        body.put("vram_used_mb_param", current == null ? 2_048 : 18_432);
        body.put("logs_param", List.of());
        body.put("status_param", status);
        ApiResponse answer = edge.heartbeat(body);
        if (answer.status() != 200 || answer.body() == null || !answer.body().path("success").asBoolean()) {
            stats.error("heartbeat: " + answer);
        }
    }

    @Override
    public long idleNanos() {
        return current == null ? System.nanoTime() - lastWorkNanos : 0;
    }

    private boolean simulate(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < until) {
            if (stopping.get()) {
                return false;
            }
            pause(SLICE.compareTo(duration) < 0 ? SLICE : duration);
        }
        return true;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(Math.max(1, duration.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
