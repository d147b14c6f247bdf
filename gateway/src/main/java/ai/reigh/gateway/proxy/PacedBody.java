package ai.reigh.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;

/**
 * A request body read with a limit on silence: while the gateway wants more of it (the stream flows),
 * the client may not leave it without a byte for longer than the limit; then {@code onTimeout} runs. A
 * pause the gateway itself makes (the upstream is slower than the client: back-pressure) stops the
 * clock, so only the client's silence counts. Everything else is the request's own stream.
 *
 * <p>The limit is between chunks, not on the whole body: a large upload over a slow link is fine as long
 * as it keeps moving (a total would cut honest slow uploads; the connection's idle timeout is the
 * backstop). Touched only on the request's event loop.
 */
final class PacedBody implements ReadStream<Buffer> {
    private final HttpServerRequest request;
    private final Vertx vertx;
    private final long limitMillis;
    private final Runnable onTimeout;
    private long timer = -1;
    private boolean flowing;
    private boolean ended;

    PacedBody(HttpServerRequest request, Vertx vertx, long limitMillis, Runnable onTimeout) {
        this.request = request;
        this.vertx = vertx;
        this.limitMillis = limitMillis;
        this.onTimeout = onTimeout;
    }

    @Override
    public PacedBody handler(Handler<Buffer> handler) {
        if (handler == null) {
            letGo();
            request.handler(null);
            return this;
        }
        request.handler(chunk -> {
            if (flowing) {
                arm();
            }
            handler.handle(chunk);
        });
        return this;
    }

    @Override
    public PacedBody endHandler(Handler<Void> endHandler) {
        if (endHandler == null) {
            letGo();
            request.endHandler(null);
            return this;
        }
        request.endHandler(ended -> {
            this.ended = true;
            cancel();
            endHandler.handle(ended);
        });
        return this;
    }

    @Override
    public PacedBody exceptionHandler(Handler<Throwable> handler) {
        if (handler == null) {
            letGo();
            request.exceptionHandler(null);
            return this;
        }
        request.exceptionHandler(failure -> {
            cancel();
            handler.handle(failure);
        });
        return this;
    }

    @Override
    public PacedBody pause() {
        flowing = false;
        cancel();
        request.pause();
        return this;
    }

    @Override
    public PacedBody resume() {
        flowing = true;
        arm();
        request.resume();
        return this;
    }

    @Override
    public PacedBody fetch(long amount) {
        if (amount > 0) {
            flowing = true;
            arm();
        }
        request.fetch(amount);
        return this;
    }

    /**
     * A handler set to null: the reader lets go of the body (a pipe does when it is done, or gave up).
     * Nobody waits for the rest, so the client's silence no longer counts. The null goes to the request
     * as it is: Vert.x refuses a handler (even a wrapper) on a request that has ended, with an exception.
     */
    private void letGo() {
        flowing = false;
        cancel();
    }

    /** Stops the clock for good (the exchange is over for another reason). */
    void cancel() {
        if (timer != -1) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void arm() {
        cancel();
        if (ended || request.isEnded()) {
            return;
        }
        timer = vertx.setTimer(limitMillis, fired -> {
            timer = -1;
            if (!ended) {
                onTimeout.run();
            }
        });
    }
}
