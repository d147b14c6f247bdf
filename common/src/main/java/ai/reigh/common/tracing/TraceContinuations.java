package ai.reigh.common.tracing;

import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Work done later, elsewhere, for a request that is long gone (an outbox row's delivery, a generation
 * written from a batch): run in a span whose parent is the trace context stored with it, so that it is
 * in that request's trace, its statements and log lines included.
 *
 * <p>The instrumented clients (REST, SQL) and the log's trace fields take their parent from the Vert.x
 * context they run on, so each piece of work runs on a duplicated context of its own with its span made
 * current there: nothing of it leaks into other work, nor another piece's into it.
 */
@ApplicationScoped
public class TraceContinuations {
    /** The W3C format the outbox stores ({@code 00-<trace>-<span>-<flags>}, as {@link TraceIds} writes it). */
    public static final String TRACEPARENT = "[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}";
    private static final TextMapGetter<Map<String, String>> STORED = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final TextMapPropagator propagator;
    private final Vertx vertx;

    public TraceContinuations(OpenTelemetry openTelemetry, Vertx vertx) {
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.vertx = vertx;
    }

    /** The context a stored {@code traceparent} names; the root context when there is none (an older row). */
    public Context stored(String traceparent) {
        return traceparent == null ? Context.root()
                : propagator.extract(Context.root(), Map.of("traceparent", traceparent), STORED);
    }

    /** {@code work} run with {@code span} current (in {@code context}), the span ended, with the failure if any, when it is. */
    public <T> Uni<T> runIn(Context context, Span span, Supplier<Uni<T>> work) {
        io.vertx.core.Context own = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        return Uni.createFrom().emitter(emitter -> own.runOnContext(ignored -> {
            // Current in this work's own context for as long as the work lasts (a client reads it when it
            // sends, which may be after a hop); the context and its entry go when the work does.
            context.makeCurrent();
            Uni<T> started;
            try {
                started = work.get();
            } catch (RuntimeException failure) {
                started = Uni.createFrom().failure(failure);
            }
            started.subscribe().with(done -> {
                span.end();
                emitter.complete(done);
            }, failure -> {
                span.recordException(failure);
                span.setStatus(StatusCode.ERROR, failure.toString());
                span.end();
                emitter.fail(failure);
            });
        }));
    }
}
