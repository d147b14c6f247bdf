package ai.reigh.tasks.compat.rest;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The bodies the deployed fleet sends (../shared/REAL-WORKER-PROTOCOL.md), field for field. Like every
 * public body they are strict: a field the fleet does not send is refused (400 {@code unknown_field}),
 * so nothing server-owned can be mass-assigned through the compatibility surface either. Sizes are
 * bounded as on the platform's own routes.
 */
public final class EdgeRequests {
    static final String STATUSES = "Queued|In Progress|Complete|Failed|Cancelled";
    static final String WORKER_STATUSES = "active|inactive|crashed|spawning|terminating|terminated";
    /** An error report (a traceback) is accepted up to this long and kept cut to the column's 4000 characters. */
    static final int MAX_REPORT_LENGTH = 100_000;

    private EdgeRequests() {
    }

    /** {@code POST /rest/v1/rpc/func_worker_heartbeat_with_logs} (the guardian's curl, every 20 s). */
    public record Heartbeat(
            @NotBlank @Size(max = 128) String workerIdParam,
            @Min(0) @Max(100_000_000) Integer vramTotalMbParam,
            @Min(0) @Max(100_000_000) Integer vramUsedMbParam,
            @Size(max = 100) List<@NotNull JsonNode> logsParam,
            @Pattern(regexp = WORKER_STATUSES, message = "must be one of active, inactive, crashed, spawning,"
                    + " terminating, terminated") String statusParam) {
    }

    /** {@code task-counts}. */
    public record TaskCounts(
            @Pattern(regexp = "gpu|api", message = "must be gpu or api") String runType,
            Boolean includeActive) {
    }

    /** {@code claim-next-task} (15 s client timeout, no retry). */
    public record ClaimNextTask(
            @NotBlank @Size(max = 128) String workerId,
            @Pattern(regexp = "gpu|api", message = "must be gpu or api") String runType,
            Boolean sameModelOnly,
            @DecimalMin("0") @DecimalMax("10080") BigDecimal maxTaskWaitMinutes) {
    }

    /** {@code update-worker-model}. */
    public record WorkerModel(
            @NotBlank @Size(max = 128) String workerId,
            @Size(max = 200) String currentModel) {
    }

    /**
     * {@code update-task-status}: billing start ({@code In Progress} + {@code reset_generation_started_at}),
     * "orchestrating" ({@code In Progress} + {@code output_location}), a requeue ({@code Queued}), a
     * failure ({@code Failed}, the error in {@code output_location}), a child's cancellation.
     */
    public record UpdateTaskStatus(
            @NotNull UUID taskId,
            @NotNull @Pattern(regexp = STATUSES, message = "must be one of Queued, In Progress, Complete, Failed,"
                    + " Cancelled") String status,
            @Size(max = MAX_REPORT_LENGTH) String outputLocation,
            @Size(max = 2048) String thumbnailUrl,
            @Min(0) @Max(1000) Integer attempts,
            @Size(max = MAX_REPORT_LENGTH) String errorDetails,
            Boolean clearWorker,
            Boolean resetGenerationStartedAt) {
    }

    /**
     * {@code complete_task}: inline ({@code file_data} base64, with {@code filename}; a video's first
     * frame in {@code first_frame_data}), by reference ({@code storage_path} after a presigned upload),
     * or {@code output_location} (a URL, or a JSON result). Inline bodies reach ≈ 2.7 MB: this route
     * alone takes bodies up to {@code reigh.tasks.compat.max-body-bytes}.
     */
    public record CompleteTask(
            @NotNull UUID taskId,
            String fileData,
            @Size(max = 255) String filename,
            String firstFrameData,
            @Size(max = 255) String firstFrameFilename,
            @Size(max = 300) String storagePath,
            @Size(max = 300) String thumbnailStoragePath,
            @Size(min = 1, max = 2048) String outputLocation) {
    }

    /** {@code generate-upload-url}: no size on the wire. */
    public record UploadUrl(
            @NotNull UUID taskId,
            @NotBlank @Size(max = 255) String filename,
            @NotBlank @Size(max = 255) String contentType,
            Boolean generateThumbnailUrl) {
    }

    /**
     * {@code create-task} as an orchestrator uses it: {@code family} is the child's task type, {@code
     * input} its params plus the id the worker chose ({@code task_id}) and its dependencies ({@code
     * dependant_on}); the parent is named inside ({@code orchestrator_task_id_ref} or {@code
     * orchestrator_details.orchestrator_task_id}).
     */
    public record CreateTask(
            @NotBlank @Size(max = 64) String family,
            UUID projectId,
            @NotNull JsonNode input) {
    }

    /** {@code get-task-status}, {@code get-task-output}. */
    public record TaskRef(@NotNull UUID taskId) {
    }

    /** {@code get-orchestrator-children}. */
    public record OrchestratorRef(@NotNull UUID orchestratorTaskId) {
    }

    /** {@code get-predecessor-output}. */
    public record PredecessorOutput(
            @NotNull UUID taskId,
            UUID parentGenerationId,
            @Min(0) @Max(100_000) Integer childOrder) {
    }

    /** {@code get-completed-segments}. */
    public record CompletedSegments(
            @NotBlank @Size(max = 200) String runId,
            UUID projectId) {
    }

    /** {@code update-shot-pair-prompts}: one prompt per positioned image of the shot, in timeline order. */
    public record ShotPairPrompts(
            @NotNull UUID shotId,
            UUID taskId,
            @NotNull @Size(max = 1000) List<@NotNull @Size(max = 20_000) String> enhancedPrompts) {
    }
}
