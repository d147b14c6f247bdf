package ai.reigh.common.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.MDC;

import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;

/**
 * The first handler of every request: gives it a request id (kept on the request, echoed on the
 * response, put in the log context) and refuses a declared body over the limit with problem+json
 * before anything reads it (Vert.x would answer a bare 413 for an undeclared, chunked one).
 */
@ApplicationScoped
public class HttpEdgeFilters {
    private final long maxBodyBytes;

    public HttpEdgeFilters(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.maxBodyBytes = maxBodySize.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String requestId = RequestIds.sanitize(ctx.request().getHeader(RequestIds.HEADER));
            ctx.request().headers().set(RequestIds.HEADER, requestId);
            ctx.response().putHeader(RequestIds.HEADER, requestId);
            MDC.put("request_id", requestId);

            String declared = ctx.request().getHeader("Content-Length");
            if (declared != null && exceeds(declared)) {
                Problem problem = Problem.of(413, ErrorCode.PAYLOAD_TOO_LARGE, "Payload too large",
                        "The request body is larger than " + maxBodyBytes + " bytes.", null).withRequestId(requestId);
                ctx.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("Connection", "close").end(Json.encode(problem));
                return;
            }
            ctx.next();
        });
    }

    private boolean exceeds(String declared) {
        try {
            return Long.parseLong(declared.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
