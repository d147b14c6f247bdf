package ai.reigh.common.page;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;

import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.time.Timestamps;

/**
 * The position after which a keyset page continues: the sort timestamp and the id of the last item
 * returned (ids break ties). Opaque to clients (base64url), validated when read back.
 */
public record Cursor(Instant createdAt, UUID id) {

    public String encode() {
        String raw = createdAt.toString() + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** A time a cursor may carry: see {@link Timestamps#isPlausible}. */
    public static boolean isPlausible(Instant at) {
        return Timestamps.isPlausible(at);
    }

    public static Cursor decode(String token) {
        try {
            if (token.length() > 200) {
                throw new IllegalArgumentException("too long");
            }
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int bar = raw.indexOf('|');
            if (bar < 0) {
                throw new IllegalArgumentException("no separator");
            }
            Instant at = Instant.parse(raw.substring(0, bar));
            // Cursors carry creation times: one outside years 1..9999 was forged, and PostgreSQL
            // would read one past its own range as infinity.
            if (!isPlausible(at)) {
                throw new IllegalArgumentException("out of range");
            }
            return new Cursor(at, UUID.fromString(raw.substring(bar + 1)));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw ProblemException.badRequest(ErrorCode.INVALID_CURSOR,
                    "The cursor is not one this API returned; start again without it.");
        }
    }
}
