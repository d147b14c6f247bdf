package ai.reigh.storage.service;

import java.nio.charset.StandardCharsets;

/**
 * The {@code Content-Disposition} pinned into presigned GETs of private objects: always an attachment, so a
 * browser that opens the URL downloads the bytes instead of rendering them (a media element still plays
 * them), named after the stored file name. The quoted {@code filename} is printable ASCII without quotes
 * or backslashes; {@code filename*} (RFC 6266 / RFC 8187) carries the exact UTF-8 name.
 */
public final class AttachmentDisposition {
    private AttachmentDisposition() {
    }

    /** {@code fallbackName} (ASCII, e.g. the key's last segment) names objects stored without a file name. */
    public static String of(String filename, String fallbackName) {
        if (filename == null || filename.isBlank()) {
            return "attachment; filename=\"" + asciiOnly(fallbackName) + "\"";
        }
        return "attachment; filename=\"" + asciiOnly(filename) + "\"; filename*=UTF-8''" + percentEncoded(filename);
    }

    private static String asciiOnly(String name) {
        StringBuilder ascii = new StringBuilder(name.length());
        name.codePoints().forEach(c -> ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? (char) c : '_'));
        return ascii.toString();
    }

    /** RFC 8187's attr-char kept as is, every other UTF-8 byte percent-encoded. */
    private static String percentEncoded(String name) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (isAttrChar(c)) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return encoded.toString();
    }

    private static boolean isAttrChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$&+-.^_`|~".indexOf(c) >= 0;
    }
}
