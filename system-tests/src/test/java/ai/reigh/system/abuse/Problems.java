package ai.reigh.system.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.restassured.response.Response;

/**
 * What every refusal must look like (API.md "Errors"): the documented status, an
 * {@code application/problem+json} body whose {@code status} repeats it and whose {@code code} is the
 * stable one, and nothing internal (no stack trace, SQL error or host) in it.
 */
public final class Problems {
    private static final List<String> INTERNALS = List.of("Exception", "\tat ", "java.", "io.vertx", "org.jboss",
            "ERROR:", "SQLSTATE", "postgres", "127.0.0.1", "localhost");

    private Problems() {
    }

    /** Asserts the problem shape and returns its code. */
    public static String assertProblem(Response response, int status, String what) {
        String body = response.asString();
        assertThat(response.statusCode()).as("%s: status (body %s)", what, abbreviate(body)).isEqualTo(status);
        assertThat(response.contentType()).as("%s: content type (body %s)", what, abbreviate(body))
                .startsWith("application/problem+json");
        assertThat(response.jsonPath().getInt("status")).as("%s: status in body", what).isEqualTo(status);
        String code = response.jsonPath().getString("code");
        assertThat(code).as("%s: code", what).isNotBlank();
        assertNothingInternal(body, what);
        return code;
    }

    public static void assertProblem(Response response, int status, String code, String what) {
        assertThat(assertProblem(response, status, what)).as("%s: code (body %s)", what, abbreviate(response.asString()))
                .isEqualTo(code);
    }

    /** Any refusal at all (4xx problem), never a 5xx: for inputs whose exact status is a matter of taste. */
    public static void assertClientError(Response response, String what) {
        String body = response.asString();
        assertThat(response.statusCode()).as("%s: a 4xx (body %s)", what, abbreviate(body)).isBetween(400, 499);
        assertProblem(response, response.statusCode(), what);
    }

    public static void assertNothingInternal(String body, String what) {
        for (String internal : INTERNALS) {
            assertThat(body).as("%s: the error body gives away internals", what).doesNotContain(internal);
        }
    }

    static String abbreviate(String body) {
        return body.length() > 400 ? body.substring(0, 400) + "…" : body;
    }
}
