package ai.reigh.projects.service;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.client.Downstream;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.StorageObjectView;
import ai.reigh.projects.client.StorageClient;
import io.smallrye.mutiny.Uni;

/**
 * Verifies, with storage-service, that a storage object named in a request may back a row: it exists
 * and is the caller's (else 404, like any foreign resource), its upload is confirmed (else 409), it
 * is in a bucket fit for the row and of the right kind of content (else 422). Called outside any
 * database transaction: no connection waits on another service.
 */
@ApplicationScoped
public class StorageObjects {
    public static final String PUBLIC_BUCKET = "public";
    public static final String LORA_BUCKET = "lora_files";
    public static final String TRAINING_BUCKET = "training-data";

    private final StorageClient storage;

    public StorageObjects(StorageClient storage) {
        this.storage = storage;
    }

    /** {@code contentTypePrefix} null: any content type. */
    public Uni<StorageObjectView> usable(UUID objectId, UUID owner, Set<String> buckets, String contentTypePrefix) {
        return Downstream.<Optional<StorageObjectView>>call(StorageClient.SERVICE,
                () -> storage.findObject(objectId))
                .map(found -> {
                    StorageObjectView object = found.filter(o -> owner.equals(o.ownerId()))
                            .orElseThrow(() -> ProblemException.notFound("Storage object"));
                    if (!object.isReady()) {
                        throw ProblemException.conflict(ProjectErrors.OBJECT_NOT_READY,
                                "The storage object's upload is not confirmed yet; confirm it first.");
                    }
                    if (!buckets.contains(object.bucket())) {
                        throw ProblemException.unprocessable(ProjectErrors.WRONG_BUCKET,
                                "The storage object must be in bucket " + String.join(" or ", buckets.stream().sorted().toList()) + ".");
                    }
                    String contentType = object.contentType() == null ? "" : object.contentType().toLowerCase(Locale.ROOT);
                    if (contentTypePrefix != null && !contentType.startsWith(contentTypePrefix)) {
                        throw ProblemException.unprocessable(ProjectErrors.CONTENT_TYPE_MISMATCH,
                                "The storage object must be " + contentTypePrefix + "*, not " + contentType + ".");
                    }
                    return object;
                });
    }
}
