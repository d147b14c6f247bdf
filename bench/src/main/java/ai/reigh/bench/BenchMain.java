package ai.reigh.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code ./reigh bench [--quick]}: every scenario of issue 9 against the running suite, raw SQL
 * baseline and platform in interleaved pairs; a table on stdout and {@code bench-results.json}.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (BenchOptions.UsageException e) {
            System.err.println(e.getMessage());
            System.exit(args.length > 0 && (args[0].equals("-h") || args[0].equals("--help")) ? 0 : 2);
            return;
        }
        long started = System.nanoTime();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        int status = 0;
        Database db = new Database(vertx, options.pgHost(), options.pgPort(), options.pgDatabase());
        Http http = new Http(vertx);
        Tokens tokens = Tokens.fromKeyFile(options.state().resolve("keys/private.pem"), "https://auth.reigh.local",
                "reigh-api");
        Fixtures fixtures = new Fixtures(db, options.state());
        Context context = new Context(options, vertx, db, http, tokens, fixtures);
        JsonObject machine = machine(db, options);
        try {
            Context.log("%s run; machine: %s", options.quick() ? "quick" : "full", machine.encode());
            int users = Math.max(Fixtures.TASK_OWNERS, options.sizes().chargeUsers());
            fixtures.create(users);
            int parked = fixtures.parkForeignQueuedTasks();
            Context.log("bench data ready: %d users; %d demo tasks parked for the run", users, parked);
            if (options.runs("claim")) {
                new ClaimThroughput(context).run();
            }
            if (options.runs("depth")) {
                new QueueDepth(context).run();
            }
            if (options.runs("charges")) {
                new Charges(context).run();
            }
            if (options.runs("reads")) {
                new ReadPaths(context).run();
            }
            if (options.runs("latency")) {
                new EnqueueLatency(context).run();
            }
            if (options.runs("heartbeats")) {
                new Heartbeats(context).run();
            }
            if (options.runs("footprint")) {
                new Footprint(context).run();
            }
            if (options.runs("soak")) {
                new Soak(context).run();
            }
        } catch (RuntimeException e) {
            System.err.println("bench: failed: " + e.getMessage());
            e.printStackTrace();
            status = 1;
        } finally {
            try {
                fixtures.restoreParked();
                fixtures.remove();
            } catch (RuntimeException e) {
                System.err.println("bench: cleanup failed: " + e.getMessage());
                status = 1;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.println(Report.table(context.figures(), options, machine, seconds));
        System.out.println(Report.invariants(context.invariants()));
        if (!context.invariants().allHold()) {
            status = 1;
        }
        write(options, machine, context, seconds);
        Await.of(http.close());
        db.close();
        Await.of(vertx.close());
        System.exit(status);
    }

    /** The machine, and the Java the bench runs on beside the one the services run on (tasks-service's). */
    private static JsonObject machine(Database db, BenchOptions options) {
        return new JsonObject().put("cores", Proc.cores()).put("memory_bytes", Proc.memoryBytes())
                .put("cpu", Proc.cpuModel()).put("load_average_1m_at_start", Proc.loadAverage())
                .put("postgresql", db.serverVersion()).put("java", System.getProperty("java.version"))
                .put("services_java", Proc.javaOf(Heartbeats.pid(options.state().resolve("run/tasks.pid"))));
    }

    private static void write(BenchOptions options, JsonObject machine, Context context, double seconds) {
        JsonArray all = new JsonArray();
        context.figures().forEach(figure -> all.add(figure.toJson()));
        JsonObject results = new JsonObject().put("run", options.quick() ? "quick" : "full")
                .put("finished_at", Instant.now().toString())
                .put("duration_seconds", Figure.round(seconds)).put("machine", machine)
                .put("method", "each figure: raw SQL baseline and platform measured in interleaved pairs "
                        + "(order alternating), ratio = median of the pairs' platform ÷ raw")
                .put("figures", all).put("invariants", context.invariants().toJson());
        try {
            Files.writeString(options.out(), results.encodePrettily() + "\n");
            System.err.printf(Locale.ROOT, "bench: wrote %s (%.0f s)%n", options.out(), seconds);
        } catch (IOException e) {
            System.err.println("bench: cannot write " + options.out() + ": " + e.getMessage());
        }
    }
}
