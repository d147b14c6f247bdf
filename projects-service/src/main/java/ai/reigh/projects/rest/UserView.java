package ai.reigh.projects.rest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code User}: the signed-in user's row, with the web app's profile fields. */
public record UserView(UUID id, String email, String name, String username, String avatarUrl,
        boolean onboardingCompleted, JsonNode settings, BigDecimal totalCredits, Instant createdAt) {
}
