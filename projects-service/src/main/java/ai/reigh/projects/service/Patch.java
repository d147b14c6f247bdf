package ai.reigh.projects.service;

/**
 * One field of a PATCH whose value may be null on purpose: absent keeps the current value, present
 * (null included) replaces it. A plain nullable parameter could not tell "clear it" from "not sent".
 */
public record Patch<T>(boolean present, T value) {
    private static final Patch<?> ABSENT = new Patch<>(false, null);

    @SuppressWarnings("unchecked")
    public static <T> Patch<T> absent() {
        return (Patch<T>) ABSENT;
    }

    public static <T> Patch<T> of(T value) {
        return new Patch<>(true, value);
    }

    public T or(T current) {
        return present ? value : current;
    }
}
