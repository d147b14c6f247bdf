package ai.reigh.common.time;

import java.time.Instant;

/** Times the platform accepts from outside: what a {@code timestamptz} column holds as a finite value. */
public final class Timestamps {
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private Timestamps() {
    }

    /**
     * Years 1 to 9999. PostgreSQL reads a time past its own range as infinity (or refuses it with a
     * 500-worthy error), and no real event of this platform lies outside these years.
     */
    public static boolean isPlausible(Instant at) {
        return !at.isBefore(EARLIEST) && !at.isAfter(LATEST);
    }
}
