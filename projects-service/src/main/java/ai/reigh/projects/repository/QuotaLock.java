package ai.reigh.projects.repository;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Serialises the "count, then insert" of one owner's capped collection (projects, resources, tokens,
 * training batches) so that two concurrent creates cannot both pass a count of limit - 1. Collections
 * under a parent row (shots, links, videos, segments) lock the parent row instead.
 */
@ApplicationScoped
public class QuotaLock {
    public static final String PROJECTS = "projects";
    public static final String RESOURCES = "resources";
    public static final String ACCESS_TOKENS = "access_tokens";
    public static final String TRAINING_BATCHES = "training_batches";
    public static final String API_KEYS = "api_keys";

    public Uni<Void> lock(SqlConnection connection, String quota, UUID owner) {
        return Sql.lockQuota(connection, quota, owner);
    }
}
