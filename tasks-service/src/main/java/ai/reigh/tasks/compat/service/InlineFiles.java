package ai.reigh.tasks.compat.service;

import java.util.Base64;

import ai.reigh.common.error.ProblemException;

/**
 * The fleet's inline outputs: base64 in a JSON string. The decoded size is known from the text's length
 * before anything is decoded, so a text over the limit is refused (413) without decoding a byte, and the
 * decoder is the strict one (no line breaks, no foreign characters: 400).
 */
final class InlineFiles {
    private InlineFiles() {
    }

    static byte[] decode(String field, String base64, long maxBytes) {
        long decoded = decodedLength(base64);
        if (decoded > maxBytes) {
            throw ProblemException.payloadTooLarge(field + " decodes to more than " + maxBytes + " bytes; upload larger"
                    + " outputs through generate-upload-url.");
        }
        if (decoded == 0) {
            throw ProblemException.validation(field, "must not be empty");
        }
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException notBase64) {
            throw ProblemException.validation(field, "must be standard base64 (RFC 4648, with padding, no line breaks)");
        }
    }

    /** What {@code base64} decodes to, in bytes (an upper bound when the text is not well-formed). */
    static long decodedLength(String base64) {
        long length = base64.length();
        long padding = length > 0 && base64.charAt((int) length - 1) == '=' ? (length > 1
                && base64.charAt((int) length - 2) == '=' ? 2 : 1) : 0;
        return (length + 3) / 4 * 3 - padding;
    }
}
