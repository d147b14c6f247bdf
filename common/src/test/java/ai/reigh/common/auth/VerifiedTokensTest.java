package ai.reigh.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** The verified-token memory: reused until expiry or its maximum age, never past its capacity. */
class VerifiedTokensTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong nanos = new AtomicLong(5 * SECOND);
    private final AtomicLong epoch = new AtomicLong(1_800_000_000L);

    private VerifiedTokens tokens(int capacity) {
        return new VerifiedTokens(capacity, Duration.ofSeconds(60), nanos::get, epoch::get);
    }

    private void advance(long seconds) {
        nanos.addAndGet(seconds * SECOND);
        epoch.addAndGet(seconds);
    }

    @Test
    void aVerifiedTokenIsReusedUntilItsMaximumAge() {
        VerifiedTokens tokens = tokens(10);
        JsonWebToken token = expiringIn(3600);
        tokens.remember("a", token);

        assertThat(tokens.find("a")).isSameAs(token);
        advance(59);
        assertThat(tokens.find("a")).isSameAs(token);
        advance(1);
        assertThat(tokens.find("a")).as("verified again after a minute").isNull();
        assertThat(tokens.size()).isZero();
    }

    @Test
    void aTokenIsNeverReusedPastItsExpiry() {
        VerifiedTokens tokens = tokens(10);
        tokens.remember("soon", expiringIn(10));
        advance(9);
        assertThat(tokens.find("soon")).isNotNull();
        advance(1);
        assertThat(tokens.find("soon")).isNull();

        tokens.remember("expired", expiringIn(0));
        assertThat(tokens.find("expired")).isNull();
    }

    @Test
    void theMemoryNeverGrowsPastItsCapacityAndMakesRoomFromUnusableEntries() {
        VerifiedTokens tokens = tokens(2);
        tokens.remember("a", expiringIn(5));
        tokens.remember("b", expiringIn(3600));
        tokens.remember("c", expiringIn(3600));
        assertThat(tokens.find("c")).as("full of live tokens: not remembered").isNull();
        assertThat(tokens.size()).isEqualTo(2);

        advance(5);
        tokens.remember("c", expiringIn(3600));
        assertThat(tokens.find("c")).as("a's place, now that it expired").isNotNull();
        assertThat(tokens.find("a")).isNull();
        assertThat(tokens.size()).isEqualTo(2);
    }

    @Test
    void anUnknownTokenIsNotFound() {
        assertThat(tokens(10).find("never-seen")).isNull();
        VerifiedTokens none = tokens(0);
        none.remember("a", expiringIn(3600));
        assertThat(none.find("a")).as("capacity 0 turns the memory off").isNull();
    }

    private JsonWebToken expiringIn(long seconds) {
        long expiry = epoch.get() + seconds;
        return new JsonWebToken() {
            @Override
            public String getName() {
                return "subject";
            }

            @Override
            public Set<String> getClaimNames() {
                return Set.of("exp");
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String claimName) {
                return "exp".equals(claimName) ? (T) Long.valueOf(expiry) : null;
            }
        };
    }
}
