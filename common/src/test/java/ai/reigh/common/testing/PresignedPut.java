package ai.reigh.common.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A PUT to a presigned object-store URL, as a browser or a worker sends it, answering the status the store
 * gave. Each PUT has a connection of its own: the store closes the connection of a PUT it refuses without
 * reading the body, and a pooled connection would then fail the next request. A refusing store may also
 * close before the body of its answer is complete; the status line, already received, is the answer.
 */
public final class PresignedPut {

    private PresignedPut() {
    }

    /** PUTs {@code body} to {@code url} with exactly {@code headers}. */
    public static int put(String url, Map<?, ?> headers, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, value) -> request.header(name.toString(), value.toString()));
        HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        int[] answered = { 0 };
        try {
            return fresh.send(request.build(), info -> {
                answered[0] = info.statusCode();
                return HttpResponse.BodySubscribers.discarding();
            }).statusCode();
        } catch (IOException e) {
            if (answered[0] != 0) {
                return answered[0];
            }
            throw new IllegalStateException("HTTP PUT " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
