package ai.reigh.common.error;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeoutException;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import ai.reigh.common.http.RequestIds;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.pgclient.PgException;

/**
 * Turns every failure into problem+json with a stable code. The catch-all logs the cause with the
 * request id and answers a generic 500: nothing internal (stack, SQL, host) reaches a caller.
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, HttpHeaders headers) {
        Response.ResponseBuilder answer = Response.status(e.status());
        if (e.retryAfter() != null) {
            answer.header("Retry-After", Math.max(1, e.retryAfter().toSeconds()));
        }
        return answer.type(Problem.MEDIA_TYPE).entity(e.toProblem().forRequest(RequestIds.of(headers))).build();
    }

    @ServerExceptionMapper
    public Response invalidFields(ConstraintViolationException e, HttpHeaders headers) {
        return problem(invalid(e.getConstraintViolations()), headers);
    }

    /** The 400 problem of a document that failed bean validation, each field named as in JSON. */
    public static ProblemException invalid(Collection<? extends ConstraintViolation<?>> violations) {
        List<FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> violation : violations) {
            errors.add(new FieldError(fieldName(violation.getPropertyPath()), violation.getMessage()));
        }
        errors.sort((a, b) -> a.field().compareTo(b.field()));
        return ProblemException.validation(errors);
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e, HttpHeaders headers) {
        String field = jsonPath(e);
        return problem(new ProblemException(400, ErrorCode.UNKNOWN_FIELD, "Unknown field",
                "Field '" + field + "' is not accepted here.", List.of(new FieldError(field, "unknown field")), null),
                headers);
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e, HttpHeaders headers) {
        return problem(unreadable(e), headers);
    }

    /** The 400 problem of a JSON document that could not be read into its type. */
    public static ProblemException unreadable(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return ProblemException.badRequest(ErrorCode.MALFORMED_JSON,
                    "The JSON document exceeds the accepted nesting depth or size.");
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return ProblemException.validation(jsonPath(mapping), "has the wrong type or an invalid value");
        }
        if (e instanceof StreamReadException || e instanceof JsonMappingException) {
            return ProblemException.badRequest(ErrorCode.MALFORMED_JSON, "The request body is not valid JSON.");
        }
        return ProblemException.badRequest(ErrorCode.MALFORMED_JSON, "The request body could not be read.");
    }

    /**
     * A value of the wrong type ({@code "amount": "12.5"}, {@code "limit": true}): quarkus-rest-jackson
     * has a built-in mapper for exactly this type that answers a bare, non-problem JSON body; this one is
     * as specific and takes precedence, so the caller gets a 400 problem naming the field.
     */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, HttpHeaders headers) {
        return unreadableJson(e, headers);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpHeaders headers) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json, headers);
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        ProblemException problem = switch (status) {
            case 400 -> ProblemException.badRequest(ErrorCode.VALIDATION_FAILED, "The request is invalid.");
            case 401 -> ProblemException.unauthorized("A valid bearer token is required.");
            case 403 -> ProblemException.forbidden("Your role does not allow this.");
            case 404 -> ProblemException.notFound("Resource");
            case 405 -> new ProblemException(405, ErrorCode.METHOD_NOT_ALLOWED, "Method not allowed",
                    "This method is not allowed on this resource.");
            case 406 -> new ProblemException(406, ErrorCode.NOT_ACCEPTABLE, "Not acceptable",
                    "No acceptable representation.");
            case 413 -> ProblemException.payloadTooLarge("The request body is too large.");
            case 415 -> new ProblemException(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                    "Send application/json.");
            default -> status >= 500 ? null
                    : new ProblemException(status, ErrorCode.VALIDATION_FAILED, "Request failed", "The request failed.");
        };
        if (problem == null) {
            return unexpected(e, headers);
        }
        return problem(problem, headers);
    }

    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class,
            AuthenticationCompletionException.class })
    public Response unauthorized(RuntimeException e, HttpHeaders headers) {
        Response answer = problem(ProblemException.unauthorized("A valid bearer token is required."), headers);
        return Response.fromResponse(answer).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, HttpHeaders headers) {
        return problem(ProblemException.forbidden("Your role does not allow this."), headers);
    }

    @ServerExceptionMapper
    public Response database(PgException e, HttpHeaders headers) {
        String state = e.getSqlState() == null ? "" : e.getSqlState();
        ProblemException problem = switch (state) {
            case PgErrors.UNIQUE_VIOLATION -> ProblemException.conflict(ErrorCode.CONFLICT,
                    "This conflicts with an existing resource.");
            case PgErrors.FOREIGN_KEY_VIOLATION -> ProblemException.conflict(ErrorCode.CONFLICT,
                    "This refers to something that does not exist (any more).");
            case PgErrors.CHECK_VIOLATION, PgErrors.NOT_NULL_VIOLATION, PgErrors.INVALID_TEXT_REPRESENTATION,
                    PgErrors.NUMERIC_VALUE_OUT_OF_RANGE, PgErrors.STRING_DATA_RIGHT_TRUNCATION,
                    PgErrors.UNTRANSLATABLE_CHARACTER, PgErrors.CHARACTER_NOT_IN_REPERTOIRE ->
                ProblemException.validation("body", "a value is out of the accepted range");
            default -> PgErrors.isTransient(state) ? ProblemException.unavailable("The database is busy; retry.") : null;
        };
        if (problem == null) {
            return unexpected(e, headers);
        }
        return problem(problem, headers);
    }

    @ServerExceptionMapper({ ConnectException.class, TimeoutException.class, CircuitBreakerOpenException.class,
            BulkheadException.class, org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException.class })
    public Response unavailable(Exception e, HttpHeaders headers) {
        LOG.warnf("dependency unavailable (request %s): %s", RequestIds.of(headers), e.toString());
        return problem(ProblemException.unavailable("A dependency is unavailable; retry shortly."), headers);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, HttpHeaders headers) {
        if (PgErrors.isConnectionFailure(e)) {
            return unavailable(new ConnectException(e.getMessage()), headers);
        }
        String requestId = RequestIds.of(headers);
        LOG.errorf(e, "unexpected failure (request %s)", requestId);
        return Response.status(500).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(500, ErrorCode.INTERNAL_ERROR, "Internal error",
                        "Something went wrong on our side; quote the request id when reporting it.", null)
                        .forRequest(requestId))
                .build();
    }

    /** {@code create.body.projectId} -> {@code project_id}: the JSON name the caller sent. */
    static String fieldName(Path path) {
        List<String> names = new ArrayList<>();
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.PROPERTY || node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                if (node.getName() != null && !node.getName().startsWith("<")) {
                    names.add(snakeCase(node.getName()));
                }
            }
        }
        if (names.isEmpty()) {
            Path.Node last = null;
            for (Path.Node node : path) {
                last = node;
            }
            return last == null || last.getKind() == ElementKind.PARAMETER && "body".equals(last.getName()) ? "body"
                    : snakeCase(last.getName());
        }
        return String.join(".", names);
    }

    static String jsonPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "body" : path.toString();
    }

    static String snakeCase(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (char c : name.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
