package ai.reigh.bench;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * The footprint's baseline: the least a JVM service of ours could be. A Vert.x HTTP server and a
 * reactive PostgreSQL pool, nothing else; {@code /q/health/ready} answers 200 after a {@code SELECT 1}.
 * Started by {@link Footprint} with the services' own JVM options.
 * Arguments: port, PostgreSQL host, port, database.
 */
public final class FloorServer {
    private FloorServer() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx();
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4))
                .connectingTo(new PgConnectOptions().setHost(args[1]).setPort(Integer.parseInt(args[2]))
                        .setDatabase(args[3]).setUser(Database.SUPERUSER))
                .using(vertx).build();
        vertx.createHttpServer().requestHandler(request -> pool.query("SELECT 1").execute()
                .onSuccess(rows -> request.response().putHeader("Content-Type", "application/json")
                        .end("{\"status\":\"UP\"}"))
                .onFailure(failure -> request.response().setStatusCode(503).end()))
                .listen(port).onFailure(failure -> {
                    failure.printStackTrace();
                    System.exit(1);
                });
    }
}
