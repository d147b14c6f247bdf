package ai.reigh.common.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** One run at a time, requests gathered into runs, never a request left without a run after it. */
class CoalescedRunsTest {
    /** Far longer than the requests take, so that they all fall in one window even on a loaded machine. */
    private static final Duration GATHER = Duration.ofSeconds(2);

    private Vertx vertx;
    private final AtomicInteger runs = new AtomicInteger();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private CoalescedRuns counting(Duration gather) {
        return new CoalescedRuns(vertx, gather, () -> {
            runs.incrementAndGet();
            return Uni.createFrom().voidItem();
        }, failures::add);
    }

    private static void awaitIdle(CoalescedRuns runner) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (runner.busy() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(runner.busy()).as("still running after 10 s").isFalse();
    }

    @Test
    void requestsFromManyThreadsWithinTheWindowShareOneRun() throws Exception {
        CoalescedRuns runner = counting(GATHER);
        int threads = 8;
        CyclicBarrier together = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    together.await();
                    for (int i = 0; i < 100; i++) {
                        runner.request();
                    }
                    return null;
                });
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(runs.get()).as("no run before the window ends").isZero();
        awaitIdle(runner);
        assertThat(runs.get()).isEqualTo(1);
        assertThat(failures).isEmpty();
    }

    @Test
    void requestsDuringARunMakeExactlyOneMoreRunAfterIt() throws Exception {
        List<UniEmitter<? super Void>> out = new CopyOnWriteArrayList<>();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CoalescedRuns runner = new CoalescedRuns(vertx, Duration.ZERO, () -> Uni.createFrom().<Void>emitter(emitter -> {
            out.add(emitter);
            firstStarted.countDown();
        }), failures::add);

        runner.request();
        assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 50; i++) {
            runner.request();
        }
        Thread.sleep(100);
        assertThat(out).as("one run at a time").hasSize(1);
        out.get(0).complete(null);
        awaitRuns(out, 2);
        Thread.sleep(100);
        assertThat(out).as("the requests during the run: one more run, not fifty").hasSize(2);
        out.get(1).complete(null);
        awaitIdle(runner);
        assertThat(out).as("nothing asked since").hasSize(2);
        runner.request();
        awaitRuns(out, 3);
        out.get(2).complete(null);
    }

    private static void awaitRuns(List<?> started, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (started.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(started).hasSize(count);
    }

    @Test
    void withoutAWindowARunStartsAtOnce() throws Exception {
        CoalescedRuns runner = counting(Duration.ZERO);
        runner.request();
        awaitIdle(runner);
        assertThat(runs.get()).isEqualTo(1);
        runner.request();
        awaitIdle(runner);
        assertThat(runs.get()).isEqualTo(2);
    }

    /**
     * A run serves every request of its window, so it must not run in the context of the one that woke it:
     * that request's trace (OpenTelemetry keeps it in the Vert.x context's local data) would get the run's
     * statements and log lines, long after it ended.
     */
    @Test
    void aRunStartsInAContextOfItsOwnNotTheRequesters() throws Exception {
        for (Duration gather : List.of(Duration.ZERO, Duration.ofMillis(20))) {
            List<Object> seen = new CopyOnWriteArrayList<>();
            CountDownLatch ran = new CountDownLatch(1);
            CoalescedRuns runner = new CoalescedRuns(vertx, gather, () -> {
                Context current = Vertx.currentContext();
                seen.add(current == null ? "no context" : String.valueOf((Object) current.getLocal("trace")));
                ran.countDown();
                return Uni.createFrom().voidItem();
            }, failures::add);
            Context request = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            request.runOnContext(ignored -> {
                request.putLocal("trace", "the requester's");
                runner.request();
            });
            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).as("gather " + gather).containsExactly("null");
        }
    }

    @Test
    void aFailedRunIsReportedAndTheNextRequestRunsAgain() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        CoalescedRuns runner = new CoalescedRuns(vertx, Duration.ZERO, () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("first run breaks");
            }
            return Uni.createFrom().voidItem();
        }, failures::add);
        runner.request();
        awaitIdle(runner);
        assertThat(failures).singleElement().extracting(Throwable::getMessage).isEqualTo("first run breaks");
        runner.request();
        awaitIdle(runner);
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(failures).hasSize(1);
    }

    @Test
    void afterStopNothingRunsNotEvenAGatheredRequest() throws Exception {
        CoalescedRuns runner = counting(GATHER);
        runner.request();
        runner.stop();
        awaitIdle(runner);
        runner.request();
        Thread.sleep(GATHER.toMillis() + 500);
        assertThat(runs.get()).isZero();
        assertThat(runner.busy()).isFalse();
    }
}
