package ai.reigh.common.http;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.ws.rs.core.HttpHeaders;

/**
 * Request ids: taken from the caller (the gateway sets one on every request) when well-formed,
 * otherwise made here; echoed on the response and quoted in every problem body and error log.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {
    }

    public static String sanitize(String candidate) {
        return candidate != null && ACCEPTED.matcher(candidate).matches() ? candidate : UUID.randomUUID().toString();
    }

    public static String of(HttpHeaders headers) {
        return headers == null ? null : headers.getHeaderString(HEADER);
    }
}
