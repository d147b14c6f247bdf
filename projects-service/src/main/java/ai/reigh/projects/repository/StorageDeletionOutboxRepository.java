package ai.reigh.projects.repository;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.RetentionPrune;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * {@code storage_deletion_outbox}: objects to delete from storage, written in the transaction that
 * deleted the rows referring to them, delivered by {@code StorageDeletionRelay}.
 */
@ApplicationScoped
public class StorageDeletionOutboxRepository {
    public static final String REASON_PROJECT_DELETED = "project_deleted";
    public static final String REASON_GENERATION_DELETED = "generation_deleted";
    public static final String REASON_VARIANT_DELETED = "variant_deleted";
    public static final String REASON_RESOURCE_DELETED = "resource_deleted";
    public static final String REASON_TRAINING_DATA_DELETED = "training_data_deleted";

    /**
     * Takes due rows out of every other relay's sight for {@code claim} (SKIP LOCKED: replicas never
     * wait on each other or deliver the same row at the same time) and counts the attempt.
     */
    static final String CLAIM_DUE = """
            UPDATE storage_deletion_outbox o
            SET attempts = o.attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
            WHERE o.id IN (
              SELECT id FROM storage_deletion_outbox
              WHERE delivered_at IS NULL AND next_attempt_at <= now()
              ORDER BY next_attempt_at, id
              LIMIT $1
              FOR UPDATE SKIP LOCKED)
            RETURNING o.id, o.object_id, o.attempts""";

    static final String MARK_DELIVERED = """
            UPDATE storage_deletion_outbox SET delivered_at = now(), last_error = NULL
            WHERE id = ANY($1::bigint[]) AND delivered_at IS NULL""";

    /** Exponential backoff from the attempt count: first * 2^(attempts-1), capped. */
    static final String RESCHEDULE = """
            UPDATE storage_deletion_outbox
            SET next_attempt_at = now() + make_interval(secs => least($3::double precision,
                  $2::double precision * power(2, least(attempts - 1, 30)))),
                last_error = left($4, 1000)
            WHERE id = ANY($1::bigint[]) AND delivered_at IS NULL""";

    /** Delivered rows past their retention, a batch at a time (index storage_deletion_outbox_delivered). */
    static final String PRUNE_DELIVERED = RetentionPrune.statement("storage_deletion_outbox", "delivered_at");

    /**
     * SQL condition: no row other than the ones being deleted refers to {@code object}. Each
     * {@code other...} predicate excludes the rows of the same statement's delete (a statement's
     * sub-queries all see the rows as they were before it), through aliases og, ov, ores and otd.
     */
    static String unreferencedElsewhere(String object, String otherGenerations, String otherVariants,
            String otherResources, String otherTrainingData) {
        return "NOT EXISTS (SELECT 1 FROM generations og WHERE og.object_id = " + object + " AND " + otherGenerations + ")"
                + " AND NOT EXISTS (SELECT 1 FROM generation_variants ov WHERE ov.object_id = " + object + " AND " + otherVariants + ")"
                + " AND NOT EXISTS (SELECT 1 FROM resources ores WHERE ores.object_id = " + object + " AND " + otherResources + ")"
                + " AND NOT EXISTS (SELECT 1 FROM training_data otd WHERE otd.object_id = " + object + " AND " + otherTrainingData + ")";
    }

    public Uni<List<ClaimedDeletion>> claimDue(SqlConnection connection, int batchSize, Duration claim) {
        return connection.preparedQuery(CLAIM_DUE).execute(Sql.params(batchSize, (double) claim.toSeconds()))
                .map(rows -> ai.reigh.common.db.Rows.map(rows,
                        row -> new ClaimedDeletion(row.getLong("id"), row.getUUID("object_id"), row.getInteger("attempts"))));
    }

    public Uni<Integer> markDelivered(SqlConnection connection, Long[] ids) {
        return connection.preparedQuery(MARK_DELIVERED).execute(Sql.params((Object) ids)).map(rows -> rows.rowCount());
    }

    public Uni<Integer> reschedule(SqlConnection connection, Long[] ids, Duration first, Duration max, String error) {
        return connection.preparedQuery(RESCHEDULE)
                .execute(Sql.params(ids, (double) first.toMillis() / 1000.0, (double) max.toSeconds(), error))
                .map(rows -> rows.rowCount());
    }

    public Uni<Integer> pruneDelivered(SqlConnection connection, Duration keep, int limit) {
        return RetentionPrune.run(connection, PRUNE_DELIVERED, keep, limit);
    }

    /** A row taken by one relay step: {@code attempts} already counts this delivery. */
    public record ClaimedDeletion(long id, UUID objectId, int attempts) {
    }
}
