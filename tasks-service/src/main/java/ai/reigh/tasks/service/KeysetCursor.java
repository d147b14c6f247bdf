package ai.reigh.tasks.service;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Predicate;

import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Cursor;

/**
 * The cursor of this service's lists whose rows are not keyed by a UUID (common's {@link Cursor}): the
 * sort time and the text of the last row's key (a worker id, an outbox row's number), base64url.
 */
record KeysetCursor(Instant at, String key) {
    private static final int MAX_LENGTH = 400;

    String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((at + "|" + key).getBytes(StandardCharsets.UTF_8));
    }

    /** A cursor this API returned, its key accepted by {@code plausibleKey}; anything else is a 400. */
    static KeysetCursor decode(String token, Predicate<String> plausibleKey) {
        try {
            if (token.length() > MAX_LENGTH) {
                throw new IllegalArgumentException("too long");
            }
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int bar = raw.indexOf('|');
            Instant at = Instant.parse(raw.substring(0, bar));
            String key = raw.substring(bar + 1);
            // A forged cursor: a time PostgreSQL cannot hold, or a key no row can have.
            if (!Cursor.isPlausible(at) || key.indexOf('\u0000') >= 0 || !plausibleKey.test(key)) {
                throw new IllegalArgumentException("forged");
            }
            return new KeysetCursor(at, key);
        } catch (RuntimeException e) {
            throw ProblemException.badRequest(ErrorCode.INVALID_CURSOR,
                    "The cursor is not one this API returned; start again without it.");
        }
    }
}
