package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import ai.reigh.storage.Fixtures.User;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Finding 6 of the security review: one user's slow chunked direct uploads took every unsized-upload slot
 * of the service. Slots are now limited per caller too, and a body that stalls or trickles is cut. The
 * test profile: 2 unsized uploads per user (4 in all), idle timeout 2 s, at least 1024 bytes per second
 * once a body has been waited on for 5 s.
 */
@QuarkusTest
class DirectUploadPacingTest {
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RATE_GRACE = Duration.ofSeconds(5);
    /** The watchdog looks a few times per idle timeout; the answer then has to travel back. */
    private static final Duration SLACK = Duration.ofMillis(1500);

    @TestHTTPResource("/")
    URI base;

    private HttpResponse<String> chunkedUpload(User user, byte[] data) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/storage/buckets/public/objects"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + user.token())
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> (InputStream) new ByteArrayInputStream(data)))
                .build();
        return Fixtures.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String codeOf(HandWrittenUpload.Answer answer) {
        return new JsonPath(answer.body()).getString("code");
    }

    @Test
    void oneUsersSlowChunkedUploadsNeverTakeAnotherUsersSlotAndAreCutWhenTheyStall() throws Exception {
        User attacker = User.create();
        User other = User.create();
        // The observed attack: four chunked uploads, one byte each, the next one 5 s later.
        List<HandWrittenUpload> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                HandWrittenUpload upload = HandWrittenUpload.chunked(base, attacker, "public", "image/png");
                assertThat(upload.send(new byte[] { 1 })).isTrue();
                slow.add(upload);
            }
            List<HandWrittenUpload> refused = awaitAnswered(slow, 2, Duration.ofSeconds(10));
            for (HandWrittenUpload upload : refused) {
                HandWrittenUpload.Answer answer = upload.answer().join();
                assertThat(answer.status()).isEqualTo(429);
                assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
                assertThat(codeOf(answer)).isEqualTo("too_many_uploads");
                assertThat(answer.headers()).containsKey("retry-after");
            }
            List<HandWrittenUpload> admitted = slow.stream().filter(upload -> !refused.contains(upload)).toList();

            HttpResponse<String> otherUpload = chunkedUpload(other, Fixtures.bytes(1000, 140));
            assertThat(otherUpload.statusCode()).as("another user gets a slot: %s", otherUpload.body()).isEqualTo(201);
            assertThat(admitted).as("while the attacker's two uploads are still open")
                    .allSatisfy(upload -> assertThat(upload.answer()).isNotDone());

            for (HandWrittenUpload upload : admitted) {
                HandWrittenUpload.Answer answer = upload.answer().get(IDLE_TIMEOUT.plus(SLACK).toMillis() + 5_000,
                        TimeUnit.MILLISECONDS);
                assertThat(answer.status()).isEqualTo(408);
                assertThat(codeOf(answer)).isEqualTo("upload_too_slow");
                Duration silence = Duration.between(upload.lastSent(), answer.at());
                assertThat(silence).as("cut within the idle timeout").isBetween(IDLE_TIMEOUT.minusMillis(100),
                        IDLE_TIMEOUT.plus(SLACK));
            }
        } finally {
            for (HandWrittenUpload upload : slow) {
                upload.close();
            }
        }
        assertThat(Fixtures.rowsOf(attacker.id())).as("what the cut uploads stored is discarded").isZero();
        HttpResponse<String> again = chunkedUpload(attacker, Fixtures.bytes(1000, 141));
        assertThat(again.statusCode()).as("the attacker's slots are free again: %s", again.body()).isEqualTo(201);
    }

    @Test
    void aBodyTricklingBelowTheMinimumRateIsCutAfterTheGracePeriod() throws Exception {
        User user = User.create();
        try (HandWrittenUpload upload = HandWrittenUpload.chunked(base, user, "public", "image/png")) {
            // One byte every 400 ms: never idle for 2 s, but far below 1024 bytes per second.
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (!upload.answer().isDone() && Instant.now().isBefore(deadline)) {
                upload.send(new byte[] { 7 });
                Thread.sleep(400);
            }
            assertThat(upload.answer()).as("the trickle was cut").isDone();
            HandWrittenUpload.Answer answer = upload.answer().join();
            assertThat(answer.status()).isEqualTo(408);
            assertThat(codeOf(answer)).isEqualTo("upload_too_slow");
            assertThat(new JsonPath(answer.body()).getString("detail")).contains("bytes per second");
            assertThat(Duration.between(upload.opened(), answer.at())).isBetween(RATE_GRACE,
                    RATE_GRACE.plus(SLACK).plusSeconds(2));
        }
        assertThat(Fixtures.rowsOf(user.id())).isZero();
    }

    @Test
    void aStalledBodyWithAContentLengthIsCutWithinTheIdleTimeout() throws Exception {
        User user = User.create();
        try (HandWrittenUpload upload = HandWrittenUpload.sized(base, user, "public", "image/png", 1000)) {
            assertThat(upload.send(Fixtures.bytes(10, 142))).isTrue();
            HandWrittenUpload.Answer answer = upload.answer().get(IDLE_TIMEOUT.plus(SLACK).toMillis() + 5_000,
                    TimeUnit.MILLISECONDS);
            assertThat(answer.status()).isEqualTo(408);
            assertThat(codeOf(answer)).isEqualTo("upload_too_slow");
            assertThat(Duration.between(upload.lastSent(), answer.at())).isBetween(IDLE_TIMEOUT.minusMillis(100),
                    IDLE_TIMEOUT.plus(SLACK));
        }
        assertThat(Fixtures.rowsOf(user.id())).isZero();
    }

    /** Waits until exactly {@code count} of the uploads have an answer, and answers those. */
    private static List<HandWrittenUpload> awaitAnswered(List<HandWrittenUpload> uploads, int count, Duration within)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        while (Instant.now().isBefore(deadline)) {
            List<HandWrittenUpload> answered = uploads.stream().filter(upload -> upload.answer().isDone()).toList();
            if (answered.size() >= count) {
                assertThat(answered).hasSize(count);
                return answered;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("fewer than " + count + " of the uploads were answered within " + within);
    }
}
