package ai.reigh.storage.service;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.reigh.storage.config.Buckets;
import ai.reigh.storage.config.ContentTypes;

/**
 * Object keys are built here and nowhere else: {@code {owner_id}/{kind}/{uuid}.{ext}}, task outputs
 * {@code {owner_id}/tasks/{task_id}/{uuid}.{ext}}, the extension derived from the content type. A
 * client's file name never becomes part of a key (it is kept, sanitised, as metadata only).
 *
 * <p>Presigned uploads never write those keys: they land on the object's staging key
 * {@code staging/{owner_id}/{object_id}}, which nothing serves; the confirmation copies the checked bytes
 * to the final key, for which nobody ever holds an upload URL.
 */
public final class ObjectKeys {
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    /** Every key this service can have built; anything else is not ours (the public route answers 404). */
    public static final Pattern KEY = Pattern.compile(UUID_PATTERN + "/[a-z0-9_-]{1,32}/(" + UUID_PATTERN + "/)?"
            + UUID_PATTERN + "\\.[a-z0-9]{1,16}");
    /** Where presigned uploads land; no final key can start with it (final keys start with a UUID). */
    public static final String STAGING_PREFIX = "staging/";
    private static final Pattern STAGING_KEY = Pattern.compile(Pattern.quote(STAGING_PREFIX) + "(" + UUID_PATTERN
            + ")/(" + UUID_PATTERN + ")");
    /** The column's limit. */
    public static final int MAX_FILENAME_LENGTH = 255;

    private ObjectKeys() {
    }

    public static String userUpload(UUID ownerId, String kind, UUID objectId, String contentType) {
        return ownerId + "/" + kind + "/" + objectId + "." + ContentTypes.extension(contentType);
    }

    public static String taskOutput(UUID ownerId, UUID taskId, UUID objectId, String contentType) {
        return ownerId + "/" + Buckets.TASK_OUTPUT_KIND + "/" + taskId + "/" + objectId + "."
                + ContentTypes.extension(contentType);
    }

    /** The staging key of an object's presigned upload. */
    public static String staging(UUID ownerId, UUID objectId) {
        return STAGING_PREFIX + ownerId + "/" + objectId;
    }

    /** The upload a staging key was built for; empty for any other key. */
    public static Optional<StagedUpload> stagedUpload(String key) {
        Matcher matcher = STAGING_KEY.matcher(key);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new StagedUpload(UUID.fromString(matcher.group(1)), UUID.fromString(matcher.group(2))));
    }

    /** Whose upload, of which object, a staging key holds. */
    public record StagedUpload(UUID ownerId, UUID objectId) {
    }

    public static boolean isWellFormed(String key) {
        return key != null && key.length() <= 200 && KEY.matcher(key).matches();
    }

    /**
     * The client's file name as metadata: its last path segment (so {@code ../../etc/passwd} is just
     * {@code passwd}), without control or bidirectional-override characters, at most 255 characters;
     * null when nothing meaningful is left.
     */
    public static String sanitizeFilename(String filename) {
        if (filename == null) {
            return null;
        }
        String name = filename;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        if (slash >= 0) {
            name = name.substring(slash + 1);
        }
        StringBuilder clean = new StringBuilder(Math.min(name.length(), MAX_FILENAME_LENGTH));
        name.codePoints().filter(ObjectKeys::isPrintable).forEach(clean::appendCodePoint);
        String result = clean.toString().strip();
        while (result.startsWith(".")) {
            result = result.substring(1);
        }
        if (result.isEmpty()) {
            return null;
        }
        if (result.length() > MAX_FILENAME_LENGTH) {
            int end = MAX_FILENAME_LENGTH;
            if (Character.isLowSurrogate(result.charAt(end))) {
                end--;
            }
            result = result.substring(0, end);
        }
        return result;
    }

    private static boolean isPrintable(int codePoint) {
        int type = Character.getType(codePoint);
        return type != Character.CONTROL && type != Character.FORMAT && type != Character.UNASSIGNED
                && type != Character.PRIVATE_USE && type != Character.SURROGATE;
    }
}
