package ai.reigh.projects.repository;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/** A user's provider key as it may be shown: never the key itself, nor its ciphertext. */
public record ApiKeyRow(String service, String masked, JsonNode metadata, Instant createdAt, Instant updatedAt) {
}
