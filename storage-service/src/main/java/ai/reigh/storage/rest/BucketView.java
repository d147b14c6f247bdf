package ai.reigh.storage.rest;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code {name, public, max_object_bytes, allowed_content_types}}. */
public record BucketView(String name, @JsonProperty("public") boolean publicRead, long maxObjectBytes,
        List<String> allowedContentTypes) {
}
