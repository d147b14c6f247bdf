package ai.reigh.tasks.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.error.ProblemException;

/** The per-user creation limit: a burst, then the sustained rate; 429 with Retry-After beyond. */
class CreationRateLimiterTest {

    @Test
    void aBurstIsAllowedThenCreationsAreRefusedWithRetryAfter() throws Exception {
        CreationRateLimiter limiter = new CreationRateLimiter(1, 3);
        UUID user = UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            limiter.acquire(user);
        }
        assertThatThrownBy(() -> limiter.acquire(user)).isInstanceOfSatisfying(ProblemException.class, problem -> {
            assertThat(problem.status()).isEqualTo(429);
            assertThat(problem.code()).isEqualTo("rate_limited");
            assertThat(problem.retryAfter().toSeconds()).isBetween(1L, 2L);
        });
        // Other users have their own bucket.
        limiter.acquire(UUID.randomUUID());
    }

    @Test
    void tokensComeBackAtTheSustainedRate() throws Exception {
        CreationRateLimiter limiter = new CreationRateLimiter(50, 1);
        UUID user = UUID.randomUUID();
        limiter.acquire(user);
        assertThatThrownBy(() -> limiter.acquire(user)).isInstanceOf(ProblemException.class);
        Thread.sleep(60);
        limiter.acquire(user);
    }
}
