package ai.reigh.projects.rest;

import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code PATCH /v1/me}: only these fields. Anything else ({@code total_credits}, {@code id},
 * {@code email}, …) is an unknown field and refused with 400. {@code avatar_url} is a JSON tree so
 * that null (clear) differs from absent (keep).
 */
public record UserPatch(@Size(min = 1, max = 200) String name, String username, JsonNode avatarUrl,
        Boolean onboardingCompleted, JsonNode settings) {
}
