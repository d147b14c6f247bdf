package ai.reigh.projects.rest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code User}: the signed-in user's row. */
public record UserView(UUID id, String email, String name, JsonNode settings, BigDecimal totalCredits,
        Instant createdAt) {
}
