package ai.reigh.tasks.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import ai.reigh.common.error.ProblemException;
import ai.reigh.tasks.config.TasksConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Parked claims: bounded, woken first in first out and a few at a time, never sleeping through a notification. */
class ClaimWaitersTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private static ClaimWaiters waiters(int maxParked, int wakeBatch) {
        TasksConfig.Claim claim = (TasksConfig.Claim) Proxy.newProxyInstance(ClaimWaitersTest.class.getClassLoader(),
                new Class<?>[] { TasksConfig.Claim.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "maxParked" -> maxParked;
                    case "wakeBatch" -> wakeBatch;
                    case "pollInterval" -> Duration.ofSeconds(1);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        TasksConfig config = (TasksConfig) Proxy.newProxyInstance(ClaimWaitersTest.class.getClassLoader(),
                new Class<?>[] { TasksConfig.class }, (proxy, method, args) -> {
                    if (method.getName().equals("claim")) {
                        return claim;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        // Not started: the test plays the notifications itself.
        PgNotifications notifications = new PgNotifications(null, "postgresql://localhost/none", "nobody", Optional.empty());
        return new ClaimWaiters(config, notifications, new SimpleMeterRegistry());
    }

    private static CompletableFuture<Void> park(ClaimWaiters waiters, String lane) {
        return waiters.park(lane, LONG, waiters.epoch()).subscribeAsCompletionStage();
    }

    @Test
    void aNotificationWakesAFewClaimersPerLaneOldestFirst() throws Exception {
        ClaimWaiters waiters = waiters(10, 2);
        CompletableFuture<Void> first = park(waiters, "gpu:cloud");
        CompletableFuture<Void> second = park(waiters, "gpu:cloud");
        CompletableFuture<Void> third = park(waiters, "gpu:cloud");
        CompletableFuture<Void> api = park(waiters, "api:cloud");
        assertThat(waiters.parkedCount()).isEqualTo(4);
        waiters.workMayBeReady();
        first.get(1, TimeUnit.SECONDS);
        second.get(1, TimeUnit.SECONDS);
        api.get(1, TimeUnit.SECONDS);
        assertThat(third).isNotDone();
        // The one that found work passes it on.
        waiters.wakeNext("gpu:cloud");
        third.get(1, TimeUnit.SECONDS);
        assertThat(waiters.parkedCount()).isZero();
    }

    @Test
    void beyondTheBoundAClaimThatWouldWaitIsRefused() {
        ClaimWaiters waiters = waiters(2, 4);
        park(waiters, "gpu:cloud");
        park(waiters, "gpu:cloud");
        assertThatThrownBy(() -> waiters.park("gpu:cloud", LONG, waiters.epoch()).await().atMost(Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(ProblemException.class, problem -> assertThat(problem.status()).isEqualTo(429));
        assertThat(waiters.parkedCount()).isEqualTo(2);
        waiters.wakeAll();
        assertThat(waiters.parkedCount()).isZero();
    }

    @Test
    void aNotificationBetweenTheAttemptAndParkingIsNotSleptThrough() {
        ClaimWaiters waiters = waiters(10, 1);
        long seen = waiters.epoch();
        waiters.workMayBeReady();
        long start = System.nanoTime();
        waiters.park("gpu:cloud", LONG, seen).await().atMost(Duration.ofSeconds(1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
        assertThat(waiters.parkedCount()).isZero();
    }

    @Test
    void aClaimerThatTimesOutLeavesItsLane() throws Exception {
        ClaimWaiters waiters = waiters(10, 1);
        waiters.park("gpu:cloud", Duration.ofMillis(50), waiters.epoch()).await().atMost(Duration.ofSeconds(1));
        assertThat(waiters.parkedCount()).isZero();
        CompletableFuture<Void> next = park(waiters, "gpu:cloud");
        waiters.workMayBeReady();
        next.get(1, TimeUnit.SECONDS);
    }

    @Test
    void aDeadlineUnderAMillisecondStillGetsATimerVertxCanSchedule() throws Exception {
        assertThat(ClaimWaiters.timerDelay(Duration.ofNanos(300_000))).isEqualTo(Duration.ofMillis(1));
        assertThat(ClaimWaiters.timerDelay(Duration.ofNanos(1))).isEqualTo(Duration.ofMillis(1));
        assertThat(ClaimWaiters.timerDelay(Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1));
        assertThat(ClaimWaiters.timerDelay(Duration.ofMillis(2500))).isEqualTo(Duration.ofMillis(2500));
        // And such a park ends (on its own, nothing notified) instead of hanging.
        ClaimWaiters waiters = waiters(10, 2);
        waiters.park("gpu:cloud", Duration.ofNanos(300_000), waiters.epoch()).subscribeAsCompletionStage()
                .get(5, TimeUnit.SECONDS);
        assertThat(waiters.parkedCount()).isZero();
    }
}
