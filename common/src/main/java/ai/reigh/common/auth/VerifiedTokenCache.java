package ai.reigh.common.auth;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Tokens already verified (signature, issuer, audience, times, claims), so that a caller's next
 * requests with the same token skip the RSA verification and the parse of its claims: a worker
 * heartbeats and claims with one token for an hour, a browser pages with one. Profiled, verification
 * was 15 % of the CPU of a generations page.
 * <p>
 * The key is the whole token, signature included: a token that differs in one byte is another key and
 * is verified in full. An entry is never used from the moment a fresh verification would refuse its
 * token (its expiry plus the clock skew the verifier allows, which the caller works out).
 * Entries also live at most {@code maxAgeMillis}: that bounds how long a token signed with a key since
 * withdrawn from the verification keys goes on working. At most {@code maxEntries} are kept (give or
 * take the callers inserting at the same instant); when full, expired entries go first, then any.
 */
final class VerifiedTokenCache {
    private record Entry(JsonWebToken token, long usableUntilMillis) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final long maxAgeMillis;
    private final LongSupplier clockMillis;

    VerifiedTokenCache(int maxEntries, long maxAgeMillis, LongSupplier clockMillis) {
        if (maxEntries < 0 || maxAgeMillis < 0) {
            throw new IllegalArgumentException("the token cache's limits must not be negative");
        }
        this.maxEntries = maxEntries;
        this.maxAgeMillis = maxAgeMillis;
        this.clockMillis = clockMillis;
    }

    /** The verified token, or null when it was not verified here or its entry can no longer be used. */
    JsonWebToken get(String raw) {
        Entry entry = entries.get(raw);
        if (entry == null) {
            return null;
        }
        if (clockMillis.getAsLong() >= entry.usableUntilMillis()) {
            entries.remove(raw, entry);
            return null;
        }
        return entry.token();
    }

    /**
     * Keeps a token that has just been verified in full, until {@code refusedFromMillis} (the instant a
     * fresh verification would first refuse it) or for the maximum age, whichever comes first.
     */
    void put(String raw, JsonWebToken verified, long refusedFromMillis) {
        if (maxEntries == 0 || maxAgeMillis == 0) {
            return;
        }
        long now = clockMillis.getAsLong();
        long usableUntil = Math.min(now + maxAgeMillis, refusedFromMillis);
        if (usableUntil <= now) {
            return;
        }
        if (entries.size() >= maxEntries) {
            makeRoom(now);
        }
        entries.put(raw, new Entry(verified, usableUntil));
    }

    int size() {
        return entries.size();
    }

    private void makeRoom(long now) {
        entries.values().removeIf(entry -> now >= entry.usableUntilMillis());
        Iterator<String> any = entries.keySet().iterator();
        while (entries.size() >= maxEntries && any.hasNext()) {
            any.next();
            any.remove();
        }
    }
}
