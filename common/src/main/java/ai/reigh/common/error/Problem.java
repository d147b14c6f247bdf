package ai.reigh.common.error;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import ai.reigh.common.json.ToleratesUnknownFields;
import ai.reigh.common.tracing.TraceIds;

/**
 * An RFC 9457 problem detail, the body of every error answer of every service. {@code code} is the
 * stable machine string ({@link ErrorCode}); {@code detail} is for people and never carries a stack
 * trace, SQL or an internal host name. Read tolerantly (RFC 9457 allows extension members): a
 * caller keeps the code of a newer receiver's problem that carries a member it does not know.
 * {@code request_id} and {@code trace_id} find the request in logs and traces.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ToleratesUnknownFields
public record Problem(String type, String title, int status, String detail, String code, List<FieldError> errors,
        @JsonProperty("request_id") String requestId, @JsonProperty("trace_id") String traceId) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String code, String title, String detail, List<FieldError> errors) {
        return new Problem("https://reigh.ai/problems/" + code.replace('_', '-'), title, status, detail, code,
                errors == null || errors.isEmpty() ? null : List.copyOf(errors), null, null);
    }

    /** The problem as answered to one request: its request id, and the id of the trace it is part of. */
    public Problem forRequest(String requestId) {
        return new Problem(type, title, status, detail, code, errors, requestId, TraceIds.current());
    }
}
