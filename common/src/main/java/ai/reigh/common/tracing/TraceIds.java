package ai.reigh.common.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/** The trace the current request or delivery belongs to, for problem bodies and the outbox. */
public final class TraceIds {
    private TraceIds() {
    }

    /** The current trace's id (32 hex digits), or null outside any trace. */
    public static String current() {
        SpanContext context = Span.current().getSpanContext();
        return context.isValid() ? context.getTraceId() : null;
    }

    /**
     * The current span as a W3C {@code traceparent} ({@code 00-<trace>-<span>-<flags>}), or null outside
     * any trace: what a later, asynchronous step stores to continue this trace.
     */
    public static String currentTraceparent() {
        SpanContext context = Span.current().getSpanContext();
        return context.isValid() ? "00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                + context.getTraceFlags().asHex() : null;
    }
}
