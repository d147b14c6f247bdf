package ai.reigh.storage.service;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.storage.config.Buckets;
import ai.reigh.storage.repository.StorageUsageRepository;
import ai.reigh.storage.repository.StorageUsageRepository.BucketUsage;
import ai.reigh.storage.repository.StorageUsageRepository.UserUsage;
import io.smallrye.mutiny.Uni;

/** The operator console's storage page: every configured bucket's use, and the biggest users against the quota. */
@ApplicationScoped
public class OperatorStorage {
    private final Db db;
    private final StorageUsageRepository usage;
    private final Buckets buckets;

    public OperatorStorage(Db db, StorageUsageRepository usage, Buckets buckets) {
        this.db = db;
        this.usage = usage;
        this.buckets = buckets;
    }

    /** Every configured bucket, by its API name, with zeros for an empty one. */
    public Uni<List<BucketUsage>> buckets(UUID adminId) {
        return db.inTransaction(Actor.admin(adminId), usage::perBucket).map(counted -> {
            Map<String, BucketUsage> byName = counted.stream().collect(Collectors.toMap(BucketUsage::bucket, Function.identity()));
            return buckets.all().stream().map(Buckets.Bucket::name).sorted()
                    .map(name -> byName.getOrDefault(name, new BucketUsage(name, 0, 0, 0))).toList();
        });
    }

    /** Users by bytes of ready objects, biggest first. */
    public Uni<Page<UserUsage>> users(UUID adminId, int limit, String cursor) {
        After after = After.decode(cursor);
        return db.inTransaction(Actor.admin(adminId), connection -> usage.perUser(connection,
                after == null ? null : after.bytes(), after == null ? null : after.userId(), limit + 1))
                .map(rows -> Page.ofRows(rows, limit, last -> new After(last.bytes(), last.userId()).encode()));
    }

    public Uni<UserUsage> user(UUID adminId, UUID userId) {
        return db.inTransaction(Actor.admin(adminId), connection -> usage.ofUser(connection, userId));
    }

    /** The keyset position of a page's last user: (bytes, owner), opaque to the client. */
    record After(long bytes, UUID userId) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((bytes + "|" + userId).getBytes(StandardCharsets.UTF_8));
        }

        static After decode(String cursor) {
            if (cursor == null || cursor.isEmpty()) {
                return null;
            }
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
                return new After(Long.parseLong(parts[0]), UUID.fromString(parts[1]));
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                throw ProblemException.badRequest(ErrorCode.INVALID_CURSOR, "The cursor is not one this list returned.");
            }
        }
    }
}
