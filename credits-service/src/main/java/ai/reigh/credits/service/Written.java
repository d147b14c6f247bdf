package ai.reigh.credits.service;

/** The result of an idempotent write: the row, and whether this call created it (201) or found it (200). */
public record Written<T>(T value, boolean created) {

    public static <T> Written<T> created(T value) {
        return new Written<>(value, true);
    }

    public static <T> Written<T> existing(T value) {
        return new Written<>(value, false);
    }
}
