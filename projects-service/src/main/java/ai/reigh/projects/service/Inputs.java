package ai.reigh.projects.service;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.error.ProblemException;

/** Checks of request values that Bean Validation cannot express (JSON documents, media URLs). */
public final class Inputs {
    public static final int MAX_URL_LENGTH = 2048;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Inputs() {
    }

    /** A settings or metadata document: absent is fine, otherwise a JSON object of bounded size. */
    public static void requireObjectOrAbsent(String field, JsonNode document, int maxBytes) {
        if (document == null) {
            return;
        }
        if (!document.isObject()) {
            throw ProblemException.validation(field, "must be a JSON object");
        }
        try {
            if (JSON.writeValueAsBytes(document).length > maxBytes) {
                throw ProblemException.validation(field, "must be at most " + maxBytes + " bytes of JSON");
            }
        } catch (JsonProcessingException e) {
            throw ProblemException.validation(field, "is not serializable JSON");
        }
    }

    /**
     * A URL that the web app will load: http or https, with a host, no whitespace or control
     * characters, at most 2048 characters (the column's limit).
     */
    public static void requireMediaUrl(String field, String url) {
        if (url == null || url.isBlank()) {
            throw ProblemException.validation(field, "must not be blank");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw ProblemException.validation(field, "must be at most " + MAX_URL_LENGTH + " characters");
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw ProblemException.validation(field, "must not contain whitespace or control characters");
            }
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ProblemException.validation(field, "is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ProblemException.validation(field, "must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw ProblemException.validation(field, "must name a host");
        }
    }

    /**
     * A file name kept as metadata, that a training worker may use to save the file: a plain name
     * (what storage-service keeps of an upload's name), so never a path — no '/' or '\\', no control
     * or invisible formatting characters (U+202E reverses what people read), not "." or "..", not
     * starting with a dot.
     */
    public static void requireFileName(String field, String value) {
        if (value == null) {
            return;
        }
        requirePrintable(field, value);
        boolean plain = value.codePoints().noneMatch(c -> c == '/' || c == '\\' || Character.getType(c) == Character.FORMAT)
                && !value.startsWith(".") && !value.isBlank();
        if (!plain) {
            throw ProblemException.validation(field, "must be a plain file name (no path, no hidden or control characters)");
        }
    }

    /** Free text shown to people (names, file names): no control characters. */
    public static void requirePrintable(String field, String value) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw ProblemException.validation(field, "must not contain control characters");
            }
        }
    }
}
