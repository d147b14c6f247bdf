package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import ai.reigh.storage.client.PacedInputStream;
import ai.reigh.storage.client.StoreFailure;

/**
 * The body watchdog's rules with a chosen clock: a read waiting past the idle timeout is cut, a body nobody
 * is waiting on is not (the rate cut is shown end to end in DirectUploadPacingTest).
 */
class PacedInputStreamTest {
    private static final PacedInputStream.Pace PACE = new PacedInputStream.Pace(Duration.ofSeconds(2), 1024,
            Duration.ofSeconds(5));

    @Test
    void aReadWaitingLongerThanTheIdleTimeoutIsCutAndItsThreadIsNotLeftInterrupted() throws Exception {
        PipedOutputStream client = new PipedOutputStream();
        PacedInputStream body = new PacedInputStream(new PipedInputStream(client), PACE);
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                body.read(new byte[16]);
                failure.complete(null);
            } catch (Throwable t) {
                failure.complete(t);
            }
            interruptedAfter.complete(Thread.currentThread().isInterrupted());
        });
        reader.start();
        Instant deadline = Instant.now().plusSeconds(10);
        while (reader.getState() != Thread.State.TIMED_WAITING) {
            assertThat(Instant.now()).as("the reader waits for the client").isBefore(deadline);
            Thread.sleep(5);
        }
        assertThat(body.check(System.nanoTime())).as("not idle for long yet").isFalse();
        assertThat(body.check(System.nanoTime() + Duration.ofSeconds(3).toNanos())).as("idle for 3 s").isTrue();
        Throwable thrown = failure.get(10, TimeUnit.SECONDS);
        assertThat(thrown).isInstanceOf(StoreFailure.class);
        assertThat(((StoreFailure) thrown).reason()).isEqualTo(StoreFailure.Reason.TOO_SLOW);
        assertThat(thrown.getMessage()).contains("No part of the body arrived for 2000 ms");
        assertThat(interruptedAfter.get(10, TimeUnit.SECONDS)).as("the interrupt does not outlive the read").isFalse();
        assertThatThrownBy(() -> body.read(new byte[1])).isInstanceOf(StoreFailure.class);
        client.close();
    }

    @Test
    void aBodyThatKeepsUpIsNeverCutAndOneThatIsNotBeingReadIsNotBlamed() throws Exception {
        PacedInputStream body = new PacedInputStream(new ByteArrayInputStream(new byte[100_000]), PACE);
        byte[] buffer = new byte[8192];
        long read = 0;
        for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
            read += n;
        }
        assertThat(read).isEqualTo(100_000);
        // Nobody is waiting on the client now (the reader is elsewhere, e.g. writing to a slow store): no cut,
        // however late it is.
        assertThat(body.check(System.nanoTime() + Duration.ofHours(1).toNanos())).isFalse();
    }
}
