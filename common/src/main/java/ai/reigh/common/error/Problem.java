package ai.reigh.common.error;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import ai.reigh.common.json.ToleratesUnknownFields;

/**
 * An RFC 9457 problem detail, the body of every error answer of every service. {@code code} is the
 * stable machine string ({@link ErrorCode}); {@code detail} is for people and never carries a stack
 * trace, SQL or an internal host name. Read tolerantly (RFC 9457 allows extension members): a
 * caller keeps the code of a newer receiver's problem that carries a member it does not know.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ToleratesUnknownFields
public record Problem(String type, String title, int status, String detail, String code, List<FieldError> errors,
        @JsonProperty("request_id") String requestId) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String code, String title, String detail, List<FieldError> errors) {
        return new Problem("https://reigh.ai/problems/" + code.replace('_', '-'), title, status, detail, code,
                errors == null || errors.isEmpty() ? null : List.copyOf(errors), null);
    }

    public Problem withRequestId(String id) {
        return new Problem(type, title, status, detail, code, errors, id);
    }
}
