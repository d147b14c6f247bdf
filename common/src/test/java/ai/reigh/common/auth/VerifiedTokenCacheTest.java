package ai.reigh.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** The verified-token cache on a clock the test moves: never past a token's refusal, never unbounded. */
class VerifiedTokenCacheTest {
    private static final long MINUTE = 60_000;

    private final AtomicLong now = new AtomicLong(1_000_000);

    private record Verified(String name) implements JsonWebToken {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public Set<String> getClaimNames() {
            return Set.of();
        }

        @Override
        public <T> T getClaim(String claimName) {
            return null;
        }
    }

    private VerifiedTokenCache cache(int maxEntries, long maxAgeMillis) {
        return new VerifiedTokenCache(maxEntries, maxAgeMillis, now::get);
    }

    @Test
    void aVerifiedTokenIsAnsweredFromTheCacheUntilTheInstantItWouldBeRefused() {
        VerifiedTokenCache cache = cache(10, 10 * MINUTE);
        Verified token = new Verified("a");
        assertThat(cache.get("token-a")).isNull();
        cache.put("token-a", token, now.get() + MINUTE);
        assertThat(cache.get("token-a")).isSameAs(token);
        now.addAndGet(MINUTE - 1);
        assertThat(cache.get("token-a")).isSameAs(token);
        now.addAndGet(1);
        assertThat(cache.get("token-a")).as("at the instant verification refuses it").isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aTokenIsKeptNoLongerThanTheMaximumAgeEvenWhenItExpiresLater() {
        VerifiedTokenCache cache = cache(10, 2 * MINUTE);
        cache.put("token-a", new Verified("a"), now.get() + 60 * MINUTE);
        now.addAndGet(2 * MINUTE - 1);
        assertThat(cache.get("token-a")).isNotNull();
        now.addAndGet(1);
        assertThat(cache.get("token-a")).isNull();
    }

    @Test
    void aTokenAlreadyRefusedIsNotKept() {
        VerifiedTokenCache cache = cache(10, 10 * MINUTE);
        cache.put("token-a", new Verified("a"), now.get());
        assertThat(cache.get("token-a")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void anotherStringIsAnotherTokenEvenWithTheSameClaims() {
        VerifiedTokenCache cache = cache(10, 10 * MINUTE);
        cache.put("header.claims.signature", new Verified("a"), now.get() + MINUTE);
        assertThat(cache.get("header.claims.signaturf")).isNull();
        assertThat(cache.get("header.claims.signature ")).isNull();
    }

    @Test
    void theCacheNeverHoldsMoreThanItsLimitAndDropsExpiredEntriesFirst() {
        VerifiedTokenCache cache = cache(4, 10 * MINUTE);
        cache.put("short-lived", new Verified("s"), now.get() + 1);
        for (int i = 0; i < 3; i++) {
            cache.put("long-lived-" + i, new Verified("l" + i), now.get() + MINUTE);
        }
        now.addAndGet(1);
        cache.put("newcomer", new Verified("n"), now.get() + MINUTE);
        assertThat(cache.size()).isEqualTo(4);
        for (int i = 0; i < 3; i++) {
            assertThat(cache.get("long-lived-" + i)).as("a usable entry kept while an expired one could go").isNotNull();
        }
        assertThat(cache.get("newcomer")).isNotNull();
        for (int i = 0; i < 100; i++) {
            cache.put("flood-" + i, new Verified("f" + i), now.get() + MINUTE);
            assertThat(cache.size()).isLessThanOrEqualTo(4);
        }
        assertThat(cache.get("flood-99")).as("the newest entry is kept").isNotNull();
    }

    @Test
    void aLimitOfZeroTurnsTheCacheOff() {
        VerifiedTokenCache none = cache(0, 10 * MINUTE);
        none.put("token-a", new Verified("a"), now.get() + MINUTE);
        assertThat(none.get("token-a")).isNull();
        VerifiedTokenCache ageless = cache(10, 0);
        ageless.put("token-a", new Verified("a"), now.get() + MINUTE);
        assertThat(ageless.get("token-a")).isNull();
    }
}
