package ai.reigh.projects.repository;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

public record UserRow(UUID id, String email, String name, String username, String avatarUrl,
        boolean onboardingCompleted, JsonNode settings, BigDecimal totalCredits, Instant createdAt) {
}
