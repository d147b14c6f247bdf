package ai.reigh.tasks.service;

import java.util.List;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.tracing.TraceContinuations;
import ai.reigh.tasks.repository.OutboxRow;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

/**
 * Continues a completion's trace in the delivery of its outbox rows, however much later and on
 * whichever replica the relay delivers them. A row delivered alone (a generation) gets a span "outbox
 * deliver &lt;kind&gt;" whose parent is the traceparent stored with the row, so projects-service's
 * generation is in the trace of the worker's completion. Rows delivered together in one call (the
 * charges of a batch) get one span of its own trace, linked to each row's completion ({@link #linking}).
 * A row without a traceparent (an older release's) starts a trace or adds no link.
 *
 * <p>Each delivery runs on a Vert.x context of its own with its span current there (common's
 * {@link TraceContinuations}). Generations delivered in one call carry their rows' traceparents, and
 * projects-service writes each in a span continuing its completion's trace.
 */
@ApplicationScoped
public class OutboxTraces {
    private static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("reigh.task_id");
    private static final AttributeKey<List<String>> TASK_IDS = AttributeKey.stringArrayKey("reigh.task_ids");

    private final Tracer tracer;
    private final TraceContinuations continuations;

    public OutboxTraces(OpenTelemetry openTelemetry, TraceContinuations continuations) {
        this.tracer = openTelemetry.getTracer("ai.reigh.tasks.outbox");
        this.continuations = continuations;
    }

    /** {@code delivery} run in a span continuing the row's trace, ended (with the failure, if any) when it is. */
    public <T> Uni<T> continuing(OutboxRow row, Supplier<Uni<T>> delivery) {
        Context stored = continuations.stored(row.traceparent());
        Span span = tracer.spanBuilder("outbox deliver " + row.kind()).setParent(stored)
                .setAttribute("reigh.task_id", row.taskId().toString())
                .setAttribute("reigh.outbox.id", row.id())
                .setAttribute("reigh.outbox.attempt", row.attempts())
                .startSpan();
        return continuations.runIn(stored.with(span), span, delivery);
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
            SpanContext completion = Span.fromContext(continuations.stored(row.traceparent())).getSpanContext();
            if (completion.isValid()) {
                builder.addLink(completion, Attributes.of(TASK_ID, row.taskId().toString()));
            }
        }
        Span span = builder.startSpan();
        return continuations.runIn(Context.root().with(span), span, delivery);
    }
}
