package ai.reigh.bench;

import java.util.concurrent.TimeUnit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * The platform path: JSON over HTTP/1.1 with keep-alive connections, the way a worker or the web app
 * talks to the gateway. Answers carry their status, body and the time from sending to the last byte.
 */
public final class Http {
    /** Enough for every concurrent caller of a scenario (64 workers, parked long polls) plus slack. */
    private static final int MAX_CONNECTIONS = 512;
    /** Longer than the longest long poll (30 s), shorter than forever. */
    private static final long TIMEOUT_MILLIS = 40_000;

    private final Vertx vertx;
    private final HttpClient client;

    public Http(Vertx vertx) {
        this.vertx = vertx;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false)
                .setConnectTimeout(5_000).setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS),
                new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS).setMaxWaitQueueSize(10_000));
    }

    public record Answer(int status, Buffer body, long nanos) {
        public JsonObject json() {
            return body == null || body.length() == 0 ? new JsonObject() : body.toJsonObject();
        }

        public double millis() {
            return nanos / 1e6;
        }
    }

    public Future<Answer> get(String url, String token) {
        return send(HttpMethod.GET, url, token, null);
    }

    public Future<Answer> post(String url, String token, JsonObject body) {
        return send(HttpMethod.POST, url, token, body);
    }

    public Future<Answer> send(HttpMethod method, String url, String token, JsonObject body) {
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url).setTimeout(TIMEOUT_MILLIS);
        if (token != null) {
            options.putHeader("Authorization", "Bearer " + token);
        }
        Buffer payload = body == null ? null : body.toBuffer();
        if (payload != null) {
            options.putHeader("Content-Type", "application/json");
        }
        long started = System.nanoTime();
        Promise<Answer> answer = Promise.promise();
        // The whole exchange runs on an event loop: called from the bench's main thread, a handler
        // attached after the response's body had already arrived would see it empty or cut (seen:
        // about 1 page in 100 of 28 KB came back empty or truncated before this).
        vertx.getOrCreateContext().runOnContext(ignored -> client.request(options)
                .compose(request -> payload == null ? request.send() : request.send(payload))
                .compose(response -> response.body()
                        .map(bytes -> new Answer(response.statusCode(), bytes, System.nanoTime() - started)))
                .onComplete(answer));
        return answer.future();
    }

    /** An answer with another status than expected is a failed run: the bench stops and says why. */
    public static Answer expect(Answer answer, String what, int... statuses) {
        for (int status : statuses) {
            if (answer.status() == status) {
                return answer;
            }
        }
        String body = answer.body() == null ? "" : answer.body().toString();
        throw new IllegalStateException(what + " answered " + answer.status() + ": "
                + (body.length() > 500 ? body.substring(0, 500) + "…" : body));
    }

    public Future<Void> close() {
        return client.close();
    }
}
