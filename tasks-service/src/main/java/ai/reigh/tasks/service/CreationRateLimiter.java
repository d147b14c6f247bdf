package ai.reigh.tasks.service;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import ai.reigh.common.error.ProblemException;
import ai.reigh.tasks.config.TasksConfig;
import io.quarkus.scheduler.Scheduled;

/**
 * Task creations per user: a token bucket per user ({@code reigh.tasks.creation.rate-per-second},
 * {@code burst}), per instance (behind N replicas a user gets up to N times the rate; the limit is
 * there against runaway clients, not for billing). Over the limit → 429 with Retry-After. Idle
 * buckets are dropped every minute, so the map holds only recently active users.
 */
@ApplicationScoped
public class CreationRateLimiter {
    private static final long IDLE_NANOS = Duration.ofMinutes(1).toNanos();

    private final double ratePerNano;
    private final int burst;
    private final ConcurrentHashMap<UUID, Bucket> buckets = new ConcurrentHashMap<>();

    @Inject
    public CreationRateLimiter(TasksConfig config) {
        this(config.creation().ratePerSecond(), config.creation().burst());
    }

    CreationRateLimiter(double ratePerSecond, int burst) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, burst);
    }

    /** Takes one token from the user's bucket, or fails with 429. */
    public void acquire(UUID userId) {
        long now = System.nanoTime();
        Bucket bucket = buckets.computeIfAbsent(userId, id -> new Bucket(burst, now));
        long waitNanos;
        synchronized (bucket) {
            bucket.refill(now, ratePerNano, burst);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return;
            }
            waitNanos = (long) Math.ceil((1 - bucket.tokens) / ratePerNano);
        }
        throw ProblemException.rateLimited(Duration.ofNanos(Math.max(waitNanos, 1_000_000_000L)));
    }

    @Scheduled(every = "60s", delayed = "60s")
    void dropIdleBuckets() {
        long now = System.nanoTime();
        buckets.entrySet().removeIf(entry -> {
            synchronized (entry.getValue()) {
                return now - entry.getValue().updatedNanos > IDLE_NANOS;
            }
        });
    }

    private static final class Bucket {
        private double tokens;
        private long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }

        void refill(long now, double ratePerNano, int burst) {
            tokens = Math.min(burst, tokens + (now - updatedNanos) * ratePerNano);
            updatedNanos = now;
        }
    }
}
