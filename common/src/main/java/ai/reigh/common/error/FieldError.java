package ai.reigh.common.error;

import ai.reigh.common.json.ToleratesUnknownFields;

/** One invalid input field of a 400 problem: {@code field} is the snake_case JSON path. Read tolerantly, like {@link Problem}. */
@ToleratesUnknownFields
public record FieldError(String field, String message) {
}
