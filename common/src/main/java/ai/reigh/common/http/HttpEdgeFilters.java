package ai.reigh.common.http;

import java.util.Optional;
import java.util.regex.Pattern;

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
 *
 * <p>A service whose body limit ({@code quarkus.http.limits.max-body-size}) is raised for a few routes
 * only names them ({@code reigh.http.large-body-paths}, a regular expression on the path) and keeps the
 * limit of every other route ({@code reigh.http.max-body-bytes}): the larger limit is then allowed
 * exactly there.
 */
@ApplicationScoped
public class HttpEdgeFilters {
    private final long maxBodyBytes;
    private final long ordinaryBodyBytes;
    private final Optional<Pattern> largeBodyPaths;

    public HttpEdgeFilters(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
            @ConfigProperty(name = "reigh.http.max-body-bytes") Optional<MemorySize> ordinaryBodySize,
            @ConfigProperty(name = "reigh.http.large-body-paths") Optional<String> largeBodyPaths) {
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.ordinaryBodyBytes = ordinaryBodySize.map(MemorySize::asLongValue).orElse(maxBodyBytes);
        this.largeBodyPaths = largeBodyPaths.filter(regex -> !regex.isBlank()).map(Pattern::compile);
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String requestId = RequestIds.sanitize(ctx.request().getHeader(RequestIds.HEADER));
            ctx.request().headers().set(RequestIds.HEADER, requestId);
            ctx.response().putHeader(RequestIds.HEADER, requestId);
            MDC.put("request_id", requestId);

            String declared = ctx.request().getHeader("Content-Length");
            long limit = largeBodyPaths.filter(paths -> paths.matcher(ctx.normalizedPath()).matches()).isPresent()
                    ? maxBodyBytes : ordinaryBodyBytes;
            if (declared != null && exceeds(declared, limit)) {
                Problem problem = Problem.of(413, ErrorCode.PAYLOAD_TOO_LARGE, "Payload too large",
                        "The request body is larger than " + limit + " bytes.", null).forRequest(requestId);
                ctx.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("Connection", "close").end(Json.encode(problem));
                return;
            }
            ctx.next();
        });
    }

    private static boolean exceeds(String declared, long limit) {
        try {
            return Long.parseLong(declared.trim()) > limit;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
