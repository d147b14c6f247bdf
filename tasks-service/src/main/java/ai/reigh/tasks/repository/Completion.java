package ai.reigh.tasks.repository;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A completion as written: where the output is ({@code objectId} set when the platform stored it),
 * the worker's result, and the hash that recognises a replay of the same completion by the same lease.
 */
public record Completion(UUID taskId, UUID leaseToken, String outputLocation, UUID objectId, String thumbnailUrl,
        JsonNode resultData, String completionHash) {
}
