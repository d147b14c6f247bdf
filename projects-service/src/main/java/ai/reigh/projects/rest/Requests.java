package ai.reigh.projects.rest;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.projects.service.ResourceService;

/**
 * The request bodies of API.md's projects section. Only these fields are accepted (unknown ones are a
 * 400 {@code unknown_field}); in PATCH bodies an absent field keeps its value and
 * {@code settings}/{@code metadata} are JSON merge patches.
 */
public final class Requests {
    /** A visible name: not blank. */
    static final String NOT_BLANK = "(?s).*\\S.*";
    /** "16:9", "9:16", "1:1": width and height as small integers. */
    static final String ASPECT_RATIO = "[1-9][0-9]{0,3}:[1-9][0-9]{0,3}";
    /** A resource type: "lora", "style-reference", ... */
    static final String RESOURCE_TYPE = "[a-z0-9][a-z0-9_-]{0,49}";

    /** The highest segment index (the schema's bound too). */
    static final int CHILD_ORDER_MAX = 100_000;

    private Requests() {
    }

    public record ProjectCreate(@NotBlank @Size(max = 200) String name,
            @Pattern(regexp = ASPECT_RATIO, message = "must look like 16:9") String aspectRatio,
            JsonNode settings) {
    }

    public record ProjectPatch(@Size(min = 1, max = 200) @Pattern(regexp = NOT_BLANK, message = "must not be blank") String name,
            @Pattern(regexp = ASPECT_RATIO, message = "must look like 16:9") String aspectRatio,
            JsonNode settings) {
    }

    /**
     * {@code order}: where the shot goes (later ones move down; absent or past the last: at the end);
     * {@code generation_ids}: put on its timeline 50 frames apart, in this order.
     */
    public record ShotCreate(@NotBlank @Size(max = 200) String name, JsonNode settings,
            @Pattern(regexp = ASPECT_RATIO, message = "must look like 16:9") String aspectRatio, Integer order,
            @Size(max = TimelineRequests.MAX_IDS) List<@NotNull UUID> generationIds) {
    }

    /** {@code aspect_ratio}: a JSON tree, because null (clear: follow the project's) is not absent. */
    public record ShotPatch(@Size(min = 1, max = 200) @Pattern(regexp = NOT_BLANK, message = "must not be blank") String name,
            JsonNode settings, JsonNode aspectRatio) {
    }

    /** {@code name} absent: the original's, with " (copy)". */
    public record ShotDuplicate(
            @Size(min = 1, max = 200) @Pattern(regexp = NOT_BLANK, message = "must not be blank") String name) {
    }

    /** Exactly the project's shots, in their new order (the per-project cap bounds the list). */
    public record ShotOrder(@NotNull @Size(max = 10_000) List<@NotNull UUID> shotIds) {
    }

    /**
     * At most one of {@code url} and {@code object_id} (neither: a placeholder without media, e.g. a
     * segment whose video a task will add). The others are the web app's generation columns.
     */
    public record GenerationUpload(@NotNull @Pattern(regexp = "image|video", message = "must be image or video") String type,
            String url, UUID objectId, @Size(max = 2048) String thumbnailUrl, JsonNode params, JsonNode metadata,
            @Size(max = 200) String name, UUID basedOn, UUID parentGenerationId,
            @Min(0) @Max(CHILD_ORDER_MAX) Integer childOrder, UUID pairShotGenerationId,
            @Size(min = 1, max = 200) String idempotencyKey) {
    }

    /**
     * Absent fields keep their value; {@code metadata} and {@code params} are merge patches. The
     * nullable ones are JSON trees, because a plain field could not tell "set to null" from "not sent".
     */
    public record GenerationPatch(@Size(max = 200) String name, Boolean starred, JsonNode metadata, JsonNode params,
            JsonNode url, JsonNode thumbnailUrl, JsonNode basedOn, JsonNode parentGenerationId, JsonNode childOrder,
            JsonNode pairShotGenerationId) {
    }

    /** {@code position} absent or null: linked, but not on the shot's timeline. */
    public record ShotGenerationCreate(@NotNull UUID generationId, Integer position, JsonNode metadata) {
    }

    /**
     * At least one of {@code position} (a frame, or null: off the timeline) and {@code metadata} (a JSON
     * merge patch). JSON trees, because a plain Integer could not tell an explicit null from a
     * forgotten field.
     */
    public record ShotGenerationPatch(JsonNode position, JsonNode metadata) {
    }

    public record ResourceCreate(
            @NotNull @Pattern(regexp = RESOURCE_TYPE, message = "must be 1-50 of a-z, 0-9, _ and -") String type,
            @Size(min = 1, max = 200) @Pattern(regexp = NOT_BLANK, message = "must not be blank") String name,
            String url, UUID objectId, JsonNode metadata, Boolean isPublic) {
    }

    /** {@code PUT …/settings/{key}}: one tool's whole settings (a JSON object). */
    public record SettingsReplacement(JsonNode settings) {
    }

    /** {@code POST /v1/resources/batch-get}: 1 to 200 ids. */
    public record ResourceBatchGet(@NotNull @Size(min = 1, max = ResourceService.MAX_BATCH) List<@NotNull UUID> ids) {
    }

    public record ResourcePatch(
            @Pattern(regexp = RESOURCE_TYPE, message = "must be 1-50 of a-z, 0-9, _ and -") String type,
            @Size(min = 1, max = 200) @Pattern(regexp = NOT_BLANK, message = "must not be blank") String name,
            JsonNode metadata, Boolean isPublic) {
    }

    /** Descriptions of training data (batches, videos, segments): at most this many characters. */
    static final int DESCRIPTION_MAX = 2000;
    /** A video's duration in whole seconds (the web app rounds it). */
    static final int DURATION_MAX_SECONDS = 1_000_000;

    public record TrainingDataBatchCreate(@NotBlank @Size(max = 200) String name,
            @Size(max = DESCRIPTION_MAX) String description) {
    }

    /** Absent fields keep their value; {@code description} null clears it (a JSON tree to tell the two apart). */
    public record TrainingDataBatchPatch(
            @Size(min = 1, max = 200) @Pattern(regexp = NOT_BLANK, message = "must not be blank") String name,
            JsonNode description) {
    }

    public record TrainingVideoCreate(@NotNull UUID objectId, @NotBlank @Size(max = 255) String filename,
            @Size(max = DESCRIPTION_MAX) String description, @Min(0) @Max(DURATION_MAX_SECONDS) Integer duration) {
    }

    /** The object is fixed (add a new video); the rest is editable, {@code description}/{@code duration} null clear. */
    public record TrainingVideoPatch(@Size(min = 1, max = 255) String filename, JsonNode description,
            JsonNode duration) {
    }

    public record TrainingSegmentCreate(@NotNull BigDecimal startTime, @NotNull BigDecimal endTime,
            @Size(max = DESCRIPTION_MAX) String description) {
    }

    /** Absent times keep theirs; the resulting range must be valid. {@code description} null clears it. */
    public record TrainingSegmentPatch(BigDecimal startTime, BigDecimal endTime, JsonNode description) {
    }

    public record AccessTokenCreate(@NotBlank @Size(max = 100) String name, Integer expiresInDays) {
    }
}
