package ai.reigh.tasks.compat.rest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the fleet reads back, field for field (../shared/REAL-WORKER-PROTOCOL.md). Optional fields are
 * left out rather than sent as null where the fleet tests for their presence ({@code "thumbnail_upload_url"
 * in answer}).
 */
public final class EdgeAnswers {
    private EdgeAnswers() {
    }

    /** {@code claim-next-task}: {@code attempts} counts the earlier attempts, as the fleet expects (0 on a first claim). */
    public record Claimed(UUID taskId, JsonNode params, String taskType, UUID projectId, int attempts) {
    }

    /** The heartbeat RPC: the guardian reads {@code success}. */
    public record Heartbeat(boolean success, String workerId, String status, int leasesRenewed, Instant leaseExpiresAt) {
    }

    public record Totals(long queuedOnly, long eligibleQueued, long activeOnly, long orchestratorsQueued, long countsCappedAt) {
    }

    public record TaskCounts(String runType, Totals totals) {
    }

    public record WorkerModel(boolean success, String workerId, String currentModel) {
    }

    public record StatusUpdated(boolean success, UUID taskId, String status, String message) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Completed(boolean success, UUID taskId, String publicUrl, String thumbnailUrl) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UploadUrl(String uploadUrl, String storagePath, String thumbnailUploadUrl,
            String thumbnailStoragePath, Instant expiresAt) {
    }

    public record Created(boolean success, UUID taskId, String status) {
    }

    public record TaskStatus(String status) {
    }

    public record TaskOutput(String status, String outputLocation, JsonNode params, List<UUID> dependantOn) {
    }

    public record Child(UUID id, String taskType, String status, JsonNode params, String outputLocation) {
    }

    public record Children(List<Child> tasks) {
    }

    public record PredecessorEntry(UUID predecessorId, String outputLocation, String status) {
    }

    /**
     * {@code predecessor_id} and {@code output_location} are the first dependency's (its output only once
     * every dependency is Complete), as the fleet reads them; all of them are in {@code predecessors}.
     */
    public record Predecessors(UUID predecessorId, String outputLocation, String status,
            List<PredecessorEntry> predecessors, boolean allComplete) {
    }

    public record Segment(JsonNode segmentIndex, String outputLocation) {
    }

    public record ShotPairPrompts(boolean success, UUID shotId, int updatedCount, int skippedCount) {
    }
}
