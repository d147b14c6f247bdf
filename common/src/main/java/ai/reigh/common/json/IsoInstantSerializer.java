package ai.reigh.common.json;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/**
 * Writes an {@link Instant} as the text {@link DateTimeFormatter#ISO_INSTANT} gives (RFC 3339 in UTC,
 * the fraction in groups of three digits, as many as the value needs: {@code 2026-12-07T02:38:10.450591Z}),
 * character for character, without a formatter. Jackson's own serializer formats every value through a
 * {@code DateTimeFormatter} that it first rebuilds for the mapper's time zone: 50 rows of an id and two
 * timestamps took 25 µs to write with it and 12.6 µs with this one (warm, one JVM), and every list, task
 * and event the services answer carries timestamps. Years outside 0001–9999 (a sign, five digits) take
 * the formatter, as before.
 */
public final class IsoInstantSerializer extends StdSerializer<Instant> {
    /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: four-digit years, no sign. */
    private static final long FIRST_FAST_SECOND = -62_135_596_800L;
    private static final long LAST_FAST_SECOND = 253_402_300_799L;
    private static final int SECONDS_PER_DAY = 86_400;
    /** {@code yyyy-MM-ddTHH:mm:ss.nnnnnnnnnZ} */
    private static final int LONGEST = 30;

    public IsoInstantSerializer() {
        super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
        generator.writeString(format(value));
    }

    static String format(Instant value) {
        long seconds = value.getEpochSecond();
        if (seconds < FIRST_FAST_SECOND || seconds > LAST_FAST_SECOND) {
            return DateTimeFormatter.ISO_INSTANT.format(value);
        }
        char[] text = new char[LONGEST];
        return new String(text, 0, write(seconds, value.getNano(), text));
    }

    /** Writes the instant into {@code text} from 0 and returns its length. */
    private static int write(long epochSecond, int nano, char[] text) {
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(epochSecond, SECONDS_PER_DAY));
        int secondOfDay = (int) Math.floorMod(epochSecond, SECONDS_PER_DAY);
        int at = digits(date.getYear(), 4, text, 0);
        text[at++] = '-';
        at = digits(date.getMonthValue(), 2, text, at);
        text[at++] = '-';
        at = digits(date.getDayOfMonth(), 2, text, at);
        text[at++] = 'T';
        at = digits(secondOfDay / 3600, 2, text, at);
        text[at++] = ':';
        at = digits(secondOfDay / 60 % 60, 2, text, at);
        text[at++] = ':';
        at = digits(secondOfDay % 60, 2, text, at);
        if (nano != 0) {
            text[at++] = '.';
            if (nano % 1_000_000 == 0) {
                at = digits(nano / 1_000_000, 3, text, at);
            } else if (nano % 1_000 == 0) {
                at = digits(nano / 1_000, 6, text, at);
            } else {
                at = digits(nano, 9, text, at);
            }
        }
        text[at++] = 'Z';
        return at;
    }

    /** {@code value} (not negative) in exactly {@code width} decimal digits, zero-padded. */
    private static int digits(int value, int width, char[] text, int at) {
        int remaining = value;
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + remaining % 10);
            remaining /= 10;
        }
        return at + width;
    }
}
