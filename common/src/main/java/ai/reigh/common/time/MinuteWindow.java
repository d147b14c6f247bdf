package ai.reigh.common.time;

import ai.reigh.common.error.ProblemException;

/**
 * The window of the operators' per-minute activity ({@code ?minutes=}): the last hour by default, at
 * most a day, every minute present in the answer (so a chart needs no gap filling).
 */
public final class MinuteWindow {
    public static final int DEFAULT_MINUTES = 60;
    public static final int MAX_MINUTES = 1440;

    private MinuteWindow() {
    }

    /** {@code ?minutes=}: absent → 60; 1 to 1440; anything else a 400 naming it. */
    public static int fromQuery(String minutes) {
        if (minutes == null || minutes.isBlank()) {
            return DEFAULT_MINUTES;
        }
        String value = minutes.strip();
        if (!value.isEmpty() && value.length() <= 4 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1 && parsed <= MAX_MINUTES) {
                return parsed;
            }
        }
        throw ProblemException.validation("minutes", "must be a whole number from 1 to " + MAX_MINUTES);
    }
}
