package ai.reigh.bench;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * The raw path and the setup: the reactive PostgreSQL client (the one the services use), straight to
 * the suite's PostgreSQL. Setup and the raw baselines connect as {@code postgres}; nothing here goes
 * through a service.
 */
public final class Database implements AutoCloseable {
    public static final String SUPERUSER = "postgres";

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final Pool admin;
    private final List<Pool> pools = new ArrayList<>();

    public Database(Vertx vertx, String host, int port, String database) {
        this.vertx = vertx;
        this.options = new PgConnectOptions().setHost(host).setPort(port).setDatabase(database).setUser(SUPERUSER)
                .setCachePreparedStatements(true).setPreparedStatementCacheMaxSize(256)
                // The same as the services (their JIT is off where it mattered): statements of a few rows.
                .addProperty("jit", "off").addProperty("application_name", "reigh-bench")
                // The schema's SECURITY DEFINER triggers (the ledger's balance) run as the owner, whom
                // row-level security binds: the bench acts for the platform, as the services' maintenance does.
                .addProperty("reigh.role", "service");
        this.admin = pool(4);
    }

    /** A pool of {@code size} connections: the raw baseline gives each simulated worker its own. */
    public Pool pool(int size) {
        return pool(size, options);
    }

    /**
     * A pool whose connections use each statement's generic plan, planned once per connection: the raw
     * claim loop's, so that it plans no more than the platform's claim does.
     */
    public Pool plannedOncePool(int size) {
        return pool(size, new PgConnectOptions(options).addProperty("plan_cache_mode", "force_generic_plan"));
    }

    private Pool pool(int size, PgConnectOptions connectOptions) {
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(size).setMaxWaitQueueSize(100_000))
                .connectingTo(connectOptions).using(vertx).build();
        pools.add(pool);
        return pool;
    }

    /** The small pool of setup statements (and of the bench's own bookkeeping). */
    public Pool admin() {
        return admin;
    }

    /** A dedicated connection (LISTEN, session advisory locks). */
    public Future<PgConnection> connect() {
        return PgConnection.connect(vertx, options);
    }

    public RowSet<Row> sql(String statement) {
        return Await.of(admin.query(statement).execute());
    }

    public RowSet<Row> sql(String statement, Tuple arguments) {
        return Await.of(admin.preparedQuery(statement).execute(arguments));
    }

    public long count(String statement, Tuple arguments) {
        return sql(statement, arguments).iterator().next().getLong(0);
    }

    public String serverVersion() {
        return sql("SHOW server_version").iterator().next().getString(0);
    }

    @Override
    public void close() {
        for (Pool pool : pools) {
            Await.of(pool.close());
        }
    }
}
