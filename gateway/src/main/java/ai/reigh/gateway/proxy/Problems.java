package ai.reigh.gateway.proxy;

import java.util.LinkedHashMap;
import java.util.Map;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;

/**
 * The gateway's own errors, in the problem+json shape every service answers (see common's
 * {@code Problem}; the gateway does not depend on common, which brings a database).
 */
public final class Problems {
    private Problems() {
    }

    public static void send(HttpServerResponse response, int status, String code, String title, String detail,
            String requestId) {
        if (response.headWritten()) {
            response.reset();
            return;
        }
        write(response, status, code, title, detail, requestId);
    }

    private static Future<Void> write(HttpServerResponse response, int status, String code, String title,
            String detail, String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://reigh.ai/problems/" + code.replace('_', '-'));
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("code", code);
        body.put("request_id", requestId);
        SpanContext trace = Span.current().getSpanContext();
        if (trace.isValid()) {
            body.put("trace_id", trace.getTraceId());
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/problem+json");
        if (status == 503) {
            response.putHeader("Retry-After", "2");
        }
        return response.end(Json.encode(body));
    }

    /**
     * The same, for a request whose body will not be read (too large, too long): the connection is
     * closed once the answer is out, rather than left waiting for a body nobody reads.
     */
    static void sendAndClose(HttpServerResponse response, int status, String code, String title, String detail,
            String requestId) {
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.putHeader("Connection", "close");
        write(response, status, code, title, detail, requestId).onComplete(written -> response.close());
    }
}
