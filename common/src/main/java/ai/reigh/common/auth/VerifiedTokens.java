package ai.reigh.common.auth;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Tokens this process has verified, so that a worker's or a user's next request with the same token
 * does not pay for the signature check and the claims' parse again (a heartbeat or a claim is a small
 * request: verifying was a large part of it). Bounded in size, and an entry lives until the token
 * expires or for {@code maxAge}, whichever comes first: a signing key removed from the JWKS stops
 * admitting tokens within {@code maxAge}, as it did before within one request.
 */
final class VerifiedTokens {
    private record Entry(JsonWebToken token, long usableUntilNanos) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final int capacity;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final LongSupplier epochSeconds;

    VerifiedTokens(int capacity, Duration maxAge) {
        this(capacity, maxAge, System::nanoTime, () -> System.currentTimeMillis() / 1000);
    }

    VerifiedTokens(int capacity, Duration maxAge, LongSupplier nanoTime, LongSupplier epochSeconds) {
        this.capacity = capacity;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
        this.epochSeconds = epochSeconds;
    }

    /** The verified token for this raw token, or null when it is not known (or no longer usable). */
    JsonWebToken find(String raw) {
        Entry entry = entries.get(raw);
        if (entry == null) {
            return null;
        }
        if (nanoTime.getAsLong() - entry.usableUntilNanos() >= 0) {
            entries.remove(raw, entry);
            return null;
        }
        return entry.token();
    }

    /** Remembers a token just verified, unless it expires before it could be reused or there is no room. */
    void remember(String raw, JsonWebToken verified) {
        if (capacity <= 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        long secondsLeft = verified.getExpirationTime() - epochSeconds.getAsLong();
        if (secondsLeft <= 0) {
            return;
        }
        long usableFor = Math.min(maxAgeNanos, Duration.ofSeconds(secondsLeft).toNanos());
        if (entries.size() >= capacity) {
            evictUnusable(now);
            if (entries.size() >= capacity) {
                return; // full of live tokens: verify this one again next time rather than grow
            }
        }
        entries.put(raw, new Entry(verified, now + usableFor));
    }

    int size() {
        return entries.size();
    }

    private void evictUnusable(long now) {
        for (Iterator<Entry> iterator = entries.values().iterator(); iterator.hasNext();) {
            if (now - iterator.next().usableUntilNanos() >= 0) {
                iterator.remove();
            }
        }
    }
}
