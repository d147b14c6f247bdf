package ai.reigh.devtools.http;

/** An answer the caller did not expect (it carries the problem+json body for the message). */
public class ApiException extends RuntimeException {
    private final ApiResponse response;

    public ApiException(ApiResponse response) {
        super("unexpected answer " + response);
        this.response = response;
    }

    public ApiResponse response() {
        return response;
    }
}
