package ai.reigh.common.db;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
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
    /** The same, and PostgreSQL told to use the statement's cached generic plan (transaction-local too). */
    private static final String STATE_ACTOR_PLANNED_ONCE = "SELECT set_config('reigh.user_id', $1, true),"
            + " set_config('reigh.role', $2, true), set_config('plan_cache_mode', 'force_generic_plan', true)";

    /**
     * The same, and sorts priced out (transaction-local too) for the generic plan of a list's page. A
     * generic plan knows no argument's value, so it takes every project for an average one: with many
     * small projects, a project looks like a handful of rows, cheaper to fetch whole and sort than to
     * walk in order. For a project of 100 000 tasks that plan fetched and sorted all of them for every
     * page (137–167 ms, measured). Without sorts the plan walks an index in the page's order and stops
     * at the page, whatever the project's size; where no index gives the order it still sorts. Only for
     * pages without a selective condition ({@link PageRead#IN_ORDER}).
     */
    private static final String STATE_ACTOR_PAGE = STATE_ACTOR_PLANNED_ONCE + ", set_config('enable_sort', 'off', true)";

    private final Pool pool;

    public Db(Pool pool) {
        this.pool = pool;
    }

    /**
     * Runs {@code work} in one transaction acting as {@code actor}; commits if it succeeds, rolls back
     * if it fails. BEGIN and the acting context go out together with the work's first statement (one
     * round trip where a transaction opened on its own took two more); statements the work sends at
     * once (subscribed together) go out together too.
     */
    public <T> Uni<T> inTransaction(Actor actor, Function<SqlConnection, Uni<T>> work) {
        return inTransaction(STATE_ACTOR, actor, work);
    }

    /**
     * {@link #inTransaction} whose statements PostgreSQL plans once per connection, each with its generic
     * plan (see {@link #inOneStatementPlannedOnce}): for statements whose plan is the same whatever the
     * values (a list's page: {@link #inPageTransaction}).
     */
    public <T> Uni<T> inTransactionPlannedOnce(Actor actor, Function<SqlConnection, Uni<T>> work) {
        return inTransaction(STATE_ACTOR_PLANNED_ONCE, actor, work);
    }

    /** How the generic plan of a list's page may read its rows. */
    public enum PageRead {
        /**
         * Walk an index in the page's order and stop at the page, sorts priced out: for a page of a large
         * set (a project's rows), however large it is.
         */
        IN_ORDER,
        /**
         * Fetch the rows a selective condition's own index finds, then sort them: for a page that names
         * such a condition (a shot's generations, a task's sub-tasks). Walked in order instead, a page of
         * a few rows reads the whole project to learn that there are no more.
         */
        FEW_THEN_SORT
    }

    /**
     * {@link #inTransactionPlannedOnce} for a list's page (its statements built from the filters given,
     * the limit written in), its generic plans reading as {@code read} says. Every statement of the
     * transaction is planned so (a count of the same filter too, which has nothing to sort).
     */
    public <T> Uni<T> inPageTransaction(Actor actor, PageRead read, Function<SqlConnection, Uni<T>> work) {
        return inTransaction(read == PageRead.IN_ORDER ? STATE_ACTOR_PAGE : STATE_ACTOR_PLANNED_ONCE, actor, work);
    }

    /**
     * One statement in its own transaction, acting as {@code actor}, in one network round trip:
     * BEGIN, the acting context, the statement and COMMIT are pipelined on one connection (the
     * client sends them back to back; PostgreSQL runs them in order). When the statement fails, the
     * COMMIT of the aborted transaction rolls it back and the statement's failure is the answer.
     * For hot paths that are a single statement; anything with logic between statements uses
     * {@link #inTransaction}. Measured on a 2-core machine: about 1.5 to 2 times faster than the
     * same statement through {@link #inTransaction}.
     */
    public Uni<RowSet<Row>> inOneStatement(Actor actor, String sql, Tuple arguments) {
        return inOneStatement(STATE_ACTOR, actor, sql, arguments);
    }

    /**
     * {@link #inOneStatement}, for a hot statement whose best plan does not depend on its arguments'
     * values: PostgreSQL plans it once per connection and reuses that plan. Left to itself it compares
     * each call's custom plan with the generic one by estimated cost, and where the custom plan looks
     * cheaper (a branch its arguments switch off, a short queue) it plans again on every call, which
     * for the claim costs more than running it. Only for statements whose generic plan is known good
     * (see the claim's {@code ClaimRepository}): a generic plan cannot prune by argument value.
     */
    public Uni<RowSet<Row>> inOneStatementPlannedOnce(Actor actor, String sql, Tuple arguments) {
        return inOneStatement(STATE_ACTOR_PLANNED_ONCE, actor, sql, arguments);
    }

    private Uni<RowSet<Row>> inOneStatement(String stateActor, Actor actor, String sql, Tuple arguments) {
        return pool.withConnection(connection -> {
            String userId = actor.userId() == null ? "" : actor.userId().toString();
            Uni<RowSet<Row>> begin = connection.query("BEGIN").execute();
            Uni<RowSet<Row>> state = connection.preparedQuery(stateActor).execute(Tuple.of(userId, actor.role()));
            Uni<RowSet<Row>> work = connection.preparedQuery(sql).execute(arguments);
            Uni<RowSet<Row>> commit = connection.query("COMMIT").execute();
            // Subscribed together, so sent together; every answer is awaited before the connection
            // goes back to the pool.
            return firstFailure(Uni.combine().all().unis(begin, state, work, commit).collectFailures()
                    .with(results -> (RowSet<Row>) results.get(2)));
        });
    }

    /**
     * Pipelined statements fail together: the first failure is the one that counts (the statements after
     * it failed only because the transaction was aborted).
     */
    private static <T> Uni<T> firstFailure(Uni<T> combined) {
        return combined.onFailure(CompositeException.class)
                .transform(failure -> ((CompositeException) failure).getCauses().get(0));
    }

    public Pool pool() {
        return pool;
    }

    @SuppressWarnings("unchecked")
    private <T> Uni<T> inTransaction(String stateActor, Actor actor, Function<SqlConnection, Uni<T>> work) {
        return pool.withConnection(connection -> {
            String userId = actor.userId() == null ? "" : actor.userId().toString();
            Uni<RowSet<Row>> begin = connection.query("BEGIN").execute();
            Uni<RowSet<Row>> state = connection.preparedQuery(stateActor).execute(Tuple.of(userId, actor.role()));
            // Subscribed in this order and together: the work's first statement is queued right behind
            // the acting context. Whatever happens, the transaction ends before the connection goes back
            // to the pool: COMMIT after the work, ROLLBACK after any failure (its own failure ignored:
            // a broken connection is discarded by the pool).
            Uni<T> done = Uni.combine().all().unis(begin, state, Uni.createFrom().deferred(() -> work.apply(connection)))
                    .collectFailures().with(results -> (T) results.get(2));
            return firstFailure(done)
                    .call(() -> connection.query("COMMIT").execute())
                    .onFailure().call(() -> connection.query("ROLLBACK").execute().onFailure().recoverWithNull());
        });
    }
}
