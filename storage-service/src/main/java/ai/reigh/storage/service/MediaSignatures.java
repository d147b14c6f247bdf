package ai.reigh.storage.service;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a task output is, when nobody declared its type or the declaration cannot be trusted alone (the
 * deployed fleet's inline files come with a file name only): the type its file name implies, checked
 * against the first bytes of the file — the signature every image and video container starts with.
 * Public buckets are served from our origin, so a file whose bytes are not what its name says is refused.
 */
public final class MediaSignatures {
    /** Bytes of the head needed to recognise every type below. */
    public static final int HEAD_BYTES = 16;

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("webp", "image/webp"),
            Map.entry("gif", "image/gif"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("m4v", "video/mp4"),
            Map.entry("mov", "video/quicktime"),
            Map.entry("webm", "video/webm"),
            Map.entry("mkv", "video/x-matroska"));

    private MediaSignatures() {
    }

    /** The type a file name's extension implies, if it is one of the media types above. */
    public static Optional<String> typeOfName(String filename) {
        if (filename == null) {
            return Optional.empty();
        }
        int dot = filename.lastIndexOf('.');
        if (dot < 0 || dot == filename.length() - 1) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_EXTENSION.get(filename.substring(dot + 1).toLowerCase(Locale.ROOT)));
    }

    /** Whether {@code head} (the first bytes of the file) starts the way a {@code contentType} file does. */
    public static boolean matches(String contentType, byte[] head) {
        return switch (contentType) {
            case "image/png" -> startsWith(head, 0, new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' });
            case "image/jpeg" -> startsWith(head, 0, new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF });
            case "image/gif" -> startsWith(head, 0, ascii("GIF87a")) || startsWith(head, 0, ascii("GIF89a"));
            case "image/webp" -> startsWith(head, 0, ascii("RIFF")) && startsWith(head, 8, ascii("WEBP"));
            // ISO base media files (MP4, QuickTime) start with a box whose type is ftyp.
            case "video/mp4", "video/quicktime" -> startsWith(head, 4, ascii("ftyp"));
            // Matroska and WebM are EBML documents.
            case "video/webm", "video/x-matroska" -> startsWith(head, 0, new byte[] { 0x1A, 0x45, (byte) 0xDF, (byte) 0xA3 });
            default -> false;
        };
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean startsWith(byte[] head, int offset, byte[] signature) {
        return head.length >= offset + signature.length
                && Arrays.equals(head, offset, offset + signature.length, signature, 0, signature.length);
    }
}
