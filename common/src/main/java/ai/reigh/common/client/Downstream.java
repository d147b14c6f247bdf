package ai.reigh.common.client;

import java.util.function.Supplier;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.Problem;
import ai.reigh.common.error.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * The one way a service reports the outcome of an internal call to its own caller: a 4xx answer of
 * the receiver keeps its status and code (the receiver said no, for a reason the caller can act on);
 * anything else (unreachable, timed out, circuit open, 5xx) becomes a retryable 503, never a hang
 * and never a 500.
 */
public final class Downstream {
    private static final Logger LOG = Logger.getLogger(Downstream.class);

    private Downstream() {
    }

    public static <T> Uni<T> call(String service, Supplier<Uni<? extends T>> call) {
        return Uni.createFrom().deferred(call).onFailure().transform(failure -> translate(service, failure));
    }

    public static Throwable translate(String service, Throwable failure) {
        if (failure instanceof ProblemException) {
            return failure;
        }
        if (failure instanceof WebApplicationException web && web.getResponse() != null) {
            Response response = web.getResponse();
            int status = response.getStatus();
            if (status >= 400 && status < 500) {
                Problem problem = readProblem(response);
                if (problem != null && problem.code() != null) {
                    return new ProblemException(status, problem.code(), problem.title(), problem.detail(),
                            problem.errors() == null ? java.util.List.of() : problem.errors(), null);
                }
                return new ProblemException(status, status == 404 ? ErrorCode.NOT_FOUND : ErrorCode.CONFLICT,
                        "Refused by " + service, service + " refused the request (" + status + ").");
            }
        }
        LOG.warnf("%s unavailable: %s", service, failure.toString());
        return ProblemException.unavailable(service + " is unavailable; retry shortly.");
    }

    /** 404 from the receiver: the thing does not exist (or is not the caller's). */
    public static boolean isNotFound(Throwable failure) {
        return failure instanceof ProblemException problem && problem.status() == 404;
    }

    private static Problem readProblem(Response response) {
        try {
            return response.readEntity(Problem.class);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
