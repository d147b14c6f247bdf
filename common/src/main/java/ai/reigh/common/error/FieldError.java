package ai.reigh.common.error;

/** One invalid input field of a 400 problem: {@code field} is the snake_case JSON path. */
public record FieldError(String field, String message) {
}
