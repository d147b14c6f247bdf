package ai.reigh.projects.rest;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.error.ProblemException;
import ai.reigh.projects.service.Patch;

/**
 * Reads the nullable fields of a PATCH body (kept as JSON trees by the request records): absent keeps
 * the value, {@code null} clears it, anything else must have the field's type (400 naming it).
 */
final class PatchFields {
    private PatchFields() {
    }

    static Patch<String> text(String name, JsonNode value, int maxLength) {
        if (value == null) {
            return Patch.absent();
        }
        if (value.isNull()) {
            return Patch.of(null);
        }
        if (!value.isTextual() || value.asText().length() > maxLength) {
            throw ProblemException.validation(name, "must be a string of at most " + maxLength + " characters, or null");
        }
        return Patch.of(value.asText());
    }

    static Patch<UUID> uuid(String name, JsonNode value) {
        if (value == null) {
            return Patch.absent();
        }
        if (value.isNull()) {
            return Patch.of(null);
        }
        if (value.isTextual() && value.asText().length() == 36) {
            try {
                return Patch.of(UUID.fromString(value.asText()));
            } catch (IllegalArgumentException e) {
                // answered below
            }
        }
        throw ProblemException.validation(name, "must be a UUID, or null");
    }

    static Patch<Integer> integer(String name, JsonNode value, int min, int max) {
        if (value == null) {
            return Patch.absent();
        }
        if (value.isNull()) {
            return Patch.of(null);
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            throw ProblemException.validation(name, "must be an integer between " + min + " and " + max + ", or null");
        }
        return Patch.of(value.intValue());
    }
}
