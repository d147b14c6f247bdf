package ai.reigh.tasks.service;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.tasks.repository.OutboxRow;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Continues a completion's trace in the delivery of its outbox rows, however much later and on
 * whichever replica the relay delivers them. A row delivered alone (a generation) gets a span "outbox
 * deliver &lt;kind&gt;" whose parent is the traceparent stored with the row, so projects-service's
 * generation is in the trace of the worker's completion. Rows delivered together in one call (the
 * charges of a batch) get one span of its own trace, linked to each row's completion ({@link #linking}).
 * A row without a traceparent (an older release's) starts a trace or adds no link.
 *
 * <p>The REST client's tracing takes its parent from the Vert.x context it is called on, so each
 * delivery runs on a (duplicated) context of its own with its span made current there: nothing of it
 * leaks into the relay's other work or into another delivery.
 */
@ApplicationScoped
public class OutboxTraces {
    private static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("reigh.task_id");
    private static final AttributeKey<List<String>> TASK_IDS = AttributeKey.stringArrayKey("reigh.task_ids");
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

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final Vertx vertx;

    public OutboxTraces(OpenTelemetry openTelemetry, Vertx vertx) {
        this.tracer = openTelemetry.getTracer("ai.reigh.tasks.outbox");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.vertx = vertx;
    }

    /** {@code delivery} run in a span continuing the row's trace, ended (with the failure, if any) when it is. */
    public <T> Uni<T> continuing(OutboxRow row, Supplier<Uni<T>> delivery) {
        Context stored = storedContext(row);
        Span span = tracer.spanBuilder("outbox deliver " + row.kind()).setParent(stored)
                .setAttribute("reigh.task_id", row.taskId().toString())
                .setAttribute("reigh.outbox.id", row.id())
                .setAttribute("reigh.outbox.attempt", row.attempts())
                .startSpan();
        return runIn(stored.with(span), span, delivery);
    }

    /**
     * {@code delivery} of several rows in one call, run in a span of its own trace ("outbox deliver
     * &lt;kind&gt;s") with a link to the trace of each row's completion: a call serves many traces, so it
     * is the child of none. Its {@code reigh.task_ids} finds it from a task.
     */
    public <T> Uni<T> linking(List<OutboxRow> rows, String kind, Supplier<Uni<T>> delivery) {
        SpanBuilder builder = tracer.spanBuilder("outbox deliver " + kind + "s").setNoParent()
                .setAttribute("reigh.outbox.count", rows.size())
                .setAttribute(TASK_IDS, rows.stream().map(row -> row.taskId().toString()).toList());
        for (OutboxRow row : rows) {
            SpanContext completion = Span.fromContext(storedContext(row)).getSpanContext();
            if (completion.isValid()) {
                builder.addLink(completion, Attributes.of(TASK_ID, row.taskId().toString()));
            }
        }
        Span span = builder.startSpan();
        return runIn(Context.root().with(span), span, delivery);
    }

    private Context storedContext(OutboxRow row) {
        return row.traceparent() == null ? Context.root()
                : propagator.extract(Context.root(), Map.of("traceparent", row.traceparent()), STORED);
    }

    private <T> Uni<T> runIn(Context context, Span span, Supplier<Uni<T>> delivery) {
        io.vertx.core.Context own = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        return Uni.createFrom().emitter(emitter -> own.runOnContext(ignored -> {
            // Current in this delivery's own context for as long as the delivery lasts (the client reads it
            // when it sends, which may be after a hop); the context and its entry go when the delivery does.
            context.makeCurrent();
            delivery.get().subscribe().with(done -> {
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
