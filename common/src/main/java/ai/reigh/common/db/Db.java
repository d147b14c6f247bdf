package ai.reigh.common.db;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The one way services run SQL: a transaction that first states its {@link Actor}, so row-level
 * security sees who is acting (the second lock behind the services' own ownership checks).
 *
 * <p>The context is transaction-local ({@code set_config(..., true)}): it cannot leak to the next
 * user of the pooled connection.
 */
@ApplicationScoped
public class Db {
    private static final String STATE_ACTOR = "SELECT set_config('reigh.user_id', $1, true), set_config('reigh.role', $2, true)";

    private final Pool pool;

    public Db(Pool pool) {
        this.pool = pool;
    }

    /** Runs {@code work} in one transaction acting as {@code actor}; commits if it succeeds. */
    public <T> Uni<T> inTransaction(Actor actor, Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(connection -> stateActor(connection, actor).chain(() -> work.apply(connection)));
    }

    public Pool pool() {
        return pool;
    }

    private static Uni<Void> stateActor(SqlConnection connection, Actor actor) {
        String userId = actor.userId() == null ? "" : actor.userId().toString();
        return connection.preparedQuery(STATE_ACTOR).execute(Tuple.of(userId, actor.role())).replaceWithVoid();
    }
}
