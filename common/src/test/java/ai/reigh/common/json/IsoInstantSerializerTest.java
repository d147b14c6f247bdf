package ai.reigh.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TimeZone;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Timestamps are written exactly as before the fast serializer: the text of {@code ISO_INSTANT}, which
 * is what Jackson's Java time module wrote with Quarkus' settings (UTC, not as numbers).
 */
class IsoInstantSerializerTest {
    /** The mapper as services had it: the Java time module, UTC, dates as text. */
    private static final ObjectMapper BEFORE = new ObjectMapper().findAndRegisterModules()
            .setTimeZone(TimeZone.getTimeZone("UTC")).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final ObjectMapper NOW = InstantTextCustomizer.apply(new ObjectMapper().findAndRegisterModules()
            .setTimeZone(TimeZone.getTimeZone("UTC")).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS));

    @Test
    void everyPrecisionAndEdgeOfTheFastRangeIsWrittenAsTheFormatterWritesIt() throws Exception {
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.ofEpochSecond(-1),
                Instant.ofEpochSecond(-1, 999_999_999), Instant.parse("2026-12-07T02:38:10Z"),
                Instant.parse("2026-12-07T02:38:10.450Z"), Instant.parse("2026-12-07T02:38:10.450591Z"),
                Instant.parse("2026-12-07T02:38:10.000000001Z"), Instant.parse("2026-12-07T02:38:10.100Z"),
                Instant.parse("2026-12-07T02:38:10.000100Z"), Instant.parse("2024-02-29T23:59:59.999999999Z"),
                Instant.parse("1900-03-01T00:00:00Z"), Instant.parse("0001-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"),
                // Outside four-digit years: through the formatter, sign and all.
                Instant.parse("0001-01-01T00:00:00Z").minusNanos(1), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("-0001-06-01T12:00:00.5Z"), Instant.MIN, Instant.MAX));
        for (Instant instant : instants) {
            assertThat(IsoInstantSerializer.format(instant)).as("%s", instant)
                    .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
            assertThat(NOW.writeValueAsString(instant)).isEqualTo(BEFORE.writeValueAsString(instant));
        }
    }

    @Test
    void randomInstantsAcrossTheStoredRangeAreWrittenAsBefore() throws Exception {
        SplittableRandom random = new SplittableRandom(20261207);
        long first = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            long second = random.nextLong(first, last + 1);
            // Whole seconds, milliseconds, microseconds (what PostgreSQL stores) and nanoseconds.
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(second, nano);
            assertThat(IsoInstantSerializer.format(instant)).as("%s", instant)
                    .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
        }
    }

    @Test
    void aRecordsTimestampsAndTheirAbsenceAreWrittenAsBefore() throws Exception {
        record Stamped(Instant createdAt, Instant deletedAt, List<Instant> seen) {
        }
        Stamped value = new Stamped(Instant.parse("2026-12-07T02:38:10.450591Z"), null,
                List.of(Instant.EPOCH, Instant.parse("2026-01-01T00:00:00.001Z")));
        assertThat(NOW.writeValueAsString(value)).isEqualTo(BEFORE.writeValueAsString(value))
                .contains("\"createdAt\":\"2026-12-07T02:38:10.450591Z\"", "\"deletedAt\":null");
    }
}
