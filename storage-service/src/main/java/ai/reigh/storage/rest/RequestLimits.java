package ai.reigh.storage.rest;

import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.Problem;
import ai.reigh.common.http.RequestIds;
import ai.reigh.storage.config.StorageConfig;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;

/**
 * The service's body limit ({@code quarkus.http.limits.max-body-size}) is sized for direct uploads;
 * every other route takes small JSON bodies, so a declared body over {@code reigh.storage.max-json-body-bytes}
 * is refused there before anything reads it (tasks-service's inline task outputs take up to
 * {@code reigh.storage.max-inline-task-output-bytes}). A direct upload answered with an error may not have been
 * read to its end: that connection is closed rather than reused.
 */
@ApplicationScoped
public class RequestLimits {
    private static final Pattern DIRECT_UPLOAD = Pattern.compile(DirectUploadResource.PATH_PATTERN);

    private final long maxJsonBodyBytes;
    private final long maxInlineTaskOutputBytes;

    public RequestLimits(StorageConfig config) {
        this.maxJsonBodyBytes = config.maxJsonBodyBytes();
        this.maxInlineTaskOutputBytes = config.maxInlineTaskOutputBytes();
    }

    void install(@Observes Router router) {
        // Right after common's edge filter, which has given the request its id.
        router.route().order(Integer.MIN_VALUE + 1).handler(ctx -> {
            if (DIRECT_UPLOAD.matcher(ctx.normalizedPath()).matches()) {
                ctx.addHeadersEndHandler(ignored -> {
                    if (ctx.response().getStatusCode() >= 400) {
                        ctx.response().putHeader("Connection", "close");
                    }
                });
                ctx.next();
                return;
            }
            // tasks-service's inline task outputs (the fleet's files under 2 MB) are the other large bodies.
            long limit = InternalTaskOutputResource.PATH.equals(ctx.normalizedPath()) ? maxInlineTaskOutputBytes
                    : maxJsonBodyBytes;
            if (declaredLength(ctx.request().getHeader("Content-Length")) > limit) {
                Problem problem = Problem.of(413, ErrorCode.PAYLOAD_TOO_LARGE, "Payload too large",
                        "The request body is larger than " + limit + " bytes.", null)
                        .forRequest(ctx.request().getHeader(RequestIds.HEADER));
                ctx.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("Connection", "close").end(Json.encode(problem));
                return;
            }
            ctx.next();
        });
    }

    private static long declaredLength(String declared) {
        if (declared == null) {
            return -1;
        }
        try {
            return Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
