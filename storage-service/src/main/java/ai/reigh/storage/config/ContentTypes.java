package ai.reigh.storage.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The content types the platform stores, each with the one extension its keys get. The extension is
 * always derived from the declared type, never from a client's file name. Types that a browser would
 * run (HTML, SVG, JavaScript) are deliberately absent: public buckets are served from our origin.
 */
public final class ContentTypes {
    private static final Map<String, String> EXTENSIONS = Map.ofEntries(
            Map.entry("image/png", "png"),
            Map.entry("image/jpeg", "jpg"),
            Map.entry("image/webp", "webp"),
            Map.entry("image/gif", "gif"),
            Map.entry("video/mp4", "mp4"),
            Map.entry("video/webm", "webm"),
            Map.entry("video/quicktime", "mov"),
            Map.entry("video/x-matroska", "mkv"),
            Map.entry("audio/mpeg", "mp3"),
            Map.entry("audio/wav", "wav"),
            Map.entry("application/json", "json"),
            Map.entry("application/zip", "zip"),
            Map.entry("application/x-safetensors", "safetensors"),
            Map.entry("application/octet-stream", "bin"));

    /** Longest content type accepted (the column allows 255). */
    public static final int MAX_LENGTH = 255;

    private ContentTypes() {
    }

    /**
     * The essence of a media type, lower case, without parameters ({@code Image/PNG; q=1} → {@code image/png}),
     * or empty when it is not a type/subtype pair.
     */
    public static Optional<String> normalize(String declared) {
        if (declared == null || declared.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int semicolon = declared.indexOf(';');
        String essence = (semicolon < 0 ? declared : declared.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return essence.matches("[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*") ? Optional.of(essence) : Optional.empty();
    }

    public static boolean isKnown(String contentType) {
        return EXTENSIONS.containsKey(contentType);
    }

    /** The key extension of a known type. */
    public static String extension(String contentType) {
        String extension = EXTENSIONS.get(contentType);
        if (extension == null) {
            throw new IllegalArgumentException("no extension for " + contentType);
        }
        return extension;
    }
}
