package ai.reigh.projects.rest;

import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.projects.service.GenerationService;

/**
 * Request bodies of the variant routes and of the batch reads. Only these fields are accepted
 * (unknown ones are a 400 {@code unknown_field}).
 */
public final class MediaRequests {
    /** "upscaled", "magic_edit", "trimmed": a short label. */
    static final String VARIANT_TYPE = "[a-z0-9][a-z0-9_-]{0,49}";
    static final String VARIANT_TYPE_MESSAGE = "must be 1-50 of a-z, 0-9, _ and -, starting with a letter or digit";

    private MediaRequests() {
    }

    /**
     * Exactly one of {@code url} and {@code object_id} (a ready object of the caller in bucket
     * {@code public}); {@code is_primary} makes it the generation's media at once.
     */
    public record VariantCreate(String url, UUID objectId, @Size(max = 2048) String thumbnailUrl, JsonNode params,
            @Pattern(regexp = VARIANT_TYPE, message = VARIANT_TYPE_MESSAGE) String variantType,
            @Size(max = 200) String name, Boolean isPrimary, Boolean starred,
            @Size(min = 1, max = 200) String idempotencyKey) {
    }

    /** Absent fields keep their value; {@code name} and {@code thumbnail_url} may be set to null. */
    public record VariantPatch(JsonNode name, Boolean starred, JsonNode params,
            @Pattern(regexp = VARIANT_TYPE, message = VARIANT_TYPE_MESSAGE) String variantType,
            JsonNode thumbnailUrl) {
    }

    /** Exactly one of {@code ids} and {@code urls}, each at most 200 entries. */
    public record GenerationBatchGet(@Size(min = 1, max = GenerationService.MAX_BATCH) List<@NotNull UUID> ids,
            @Size(min = 1, max = GenerationService.MAX_BATCH) List<@NotNull @Size(min = 1, max = 2048) String> urls) {
    }

    /** Exactly one of {@code ids} and {@code urls}, each at most 200 entries. */
    public record VariantBatchGet(@Size(min = 1, max = GenerationService.MAX_BATCH) List<@NotNull UUID> ids,
            @Size(min = 1, max = GenerationService.MAX_BATCH) List<@NotNull @Size(min = 1, max = 2048) String> urls) {
    }
}
