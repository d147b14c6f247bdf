package ai.reigh.projects.service;

import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.error.ProblemException;

/**
 * One key of a settings document replaced whole (the web app keeps each tool's settings under the
 * tool's id and writes them as one object): unlike a merge patch, keys the new object lacks are gone.
 * Shared by the three scopes (user, project, shot); each locks its row around the write.
 */
public final class SettingsKeys {
    /** A tool id as the web app names them: "travel-between-images", "image-generation", ... */
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

    private SettingsKeys() {
    }

    /** Checks the request before any transaction: the key's shape and the value (a JSON object). */
    public static void requireValid(String key, JsonNode value, int maxBytes) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw ProblemException.validation("key", "must be 1-100 of A-Z, a-z, 0-9, _, . and -, starting with a letter or digit");
        }
        if (value == null || !value.isObject()) {
            throw ProblemException.validation("settings", "must be a JSON object (the tool's whole settings)");
        }
        Inputs.requireObjectOrAbsent("settings", value, maxBytes);
    }

    /** {@code current} with {@code key} set to {@code value}; the whole document stays within the bound. */
    public static ObjectNode replaced(JsonNode current, String key, JsonNode value, int maxBytes) {
        ObjectNode settings = current != null && current.isObject() ? ((ObjectNode) current).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        settings.set(key, value);
        Inputs.requireObjectOrAbsent("settings", settings, maxBytes);
        return settings;
    }
}
