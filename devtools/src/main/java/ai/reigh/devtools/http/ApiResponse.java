package ai.reigh.devtools.http;

import com.fasterxml.jackson.databind.JsonNode;

/** A platform answer: status and JSON body (a problem+json body on errors; null when empty). */
public record ApiResponse(int status, JsonNode body) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The problem's stable code, or null. */
    public String code() {
        return body != null && body.hasNonNull("code") ? body.get("code").asText() : null;
    }

    public ApiResponse expect(int... statuses) {
        for (int expected : statuses) {
            if (status == expected) {
                return this;
            }
        }
        throw new ApiException(this);
    }

    @Override
    public String toString() {
        return status + (body == null ? "" : " " + body);
    }
}
