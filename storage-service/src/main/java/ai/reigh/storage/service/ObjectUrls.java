package ai.reigh.storage.service;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.storage.client.ObjectStore;
import ai.reigh.storage.config.Buckets;
import ai.reigh.storage.config.StorageConfig;
import ai.reigh.storage.repository.StorageObjectRow;
import io.smallrye.mutiny.Uni;

/**
 * Where a ready object can be fetched: the public route for public buckets (stable, cacheable), a
 * short-lived presigned GET for private ones. Objects that are not ready have no URL yet. A private
 * object's GET pins the answer's {@code Content-Type} to the confirmed type and its
 * {@code Content-Disposition} to an attachment named after the stored file name, whatever the store holds.
 */
@ApplicationScoped
public class ObjectUrls {
    public static final String PUBLIC_ROUTE = "/storage/v1/object/public/";

    private final Buckets buckets;
    private final ObjectStore store;
    private final StorageConfig config;
    private final String publicBase;

    public ObjectUrls(Buckets buckets, ObjectStore store, StorageConfig config) {
        this.buckets = buckets;
        this.store = store;
        this.config = config;
        String base = config.publicBaseUrl();
        this.publicBase = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public Uni<String> urlOf(StorageObjectRow row) {
        if (!row.isReady()) {
            return Uni.createFrom().nullItem();
        }
        Buckets.Bucket bucket = buckets.find(row.bucket()).orElse(null);
        if (bucket == null) {
            return Uni.createFrom().nullItem();
        }
        if (bucket.publicRead()) {
            return Uni.createFrom().item(publicUrl(bucket.name(), row.key()));
        }
        return store.presignDownload(download(bucket, row), config.downloadUrlExpiry());
    }

    /** The URLs of a page of rows, in order; the private ones are signed in one go. */
    public Uni<List<String>> urlsOf(List<StorageObjectRow> rows) {
        List<ObjectStore.Download> toSign = new ArrayList<>();
        for (StorageObjectRow row : rows) {
            privateBucketOf(row).ifPresent(bucket -> toSign.add(download(bucket, row)));
        }
        Uni<List<String>> signed = toSign.isEmpty() ? Uni.createFrom().item(List.of())
                : store.presignDownloads(toSign, config.downloadUrlExpiry());
        return signed.map(presigned -> {
            List<String> urls = new ArrayList<>(rows.size());
            int next = 0;
            for (StorageObjectRow row : rows) {
                Buckets.Bucket bucket = row.isReady() ? buckets.find(row.bucket()).orElse(null) : null;
                if (bucket == null) {
                    urls.add(null);
                } else if (bucket.publicRead()) {
                    urls.add(publicUrl(bucket.name(), row.key()));
                } else {
                    urls.add(presigned.get(next++));
                }
            }
            return urls;
        });
    }

    private static ObjectStore.Download download(Buckets.Bucket bucket, StorageObjectRow row) {
        String keyName = row.key().substring(row.key().lastIndexOf('/') + 1);
        return new ObjectStore.Download(bucket.physicalName(), row.key(), row.contentType(),
                AttachmentDisposition.of(row.filename(), keyName));
    }

    private java.util.Optional<Buckets.Bucket> privateBucketOf(StorageObjectRow row) {
        return row.isReady() ? buckets.find(row.bucket()).filter(bucket -> !bucket.publicRead())
                : java.util.Optional.empty();
    }

    public String publicUrl(String bucket, String key) {
        return publicBase + PUBLIC_ROUTE + bucket + "/" + key;
    }
}
