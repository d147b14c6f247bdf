package ai.reigh.bench;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Scenario 4: charges (ledger spends) per second, {@code chargeClients} concurrent callers, for one
 * hot user and spread over {@code chargeUsers} users. Raw: one INSERT into the ledger (its trigger
 * moves the balance in the same statement). Platform: {@code POST /internal/v1/charges} straight to
 * credits-service with a service token (the gateway never routes /internal), each for a fresh task id
 * (a task whose row is gone is charged as described: pricing, metadata, idempotency, balance).
 */
final class Charges {
    private final Context context;

    Charges(Context context) {
        this.context = context;
    }

    void run() {
        // Untimed: credits-service's JIT compiles the charge path once.
        platformRun(() -> 0);
        measure("charges_hot", "charges, one hot user", () -> 0);
        int users = Math.min(context.sizes().chargeUsers(), context.fixtures().users());
        measure("charges_spread", "charges, " + QueueDepth.label(users) + " users",
                () -> ThreadLocalRandom.current().nextInt(users));
    }

    private void measure(String id, String label, IntSupplier userIndex) {
        BenchOptions.Sizes sizes = context.sizes();
        Figure figure = context.figure(new Figure(id, "charges", label, "spends/s", Figure.Better.HIGHER))
                .targetRatio("platform ≥ 50% of raw", ratio -> ratio >= 0.5);
        figure.detail("clients", sizes.chargeClients());
        CpuMeter cpu = new CpuMeter(context, "platform");
        CpuMeter rawCpu = new CpuMeter(context, "raw");
        for (int pair = 0; pair < sizes.pairs(); pair++) {
            double raw = 0;
            double plat = 0;
            for (int side = 0; side < 2; side++) {
                if ((side == 0) == Context.rawFirst(pair)) {
                    Pool pool = context.db().pool(sizes.chargeClients());
                    try {
                        rawCpu.start();
                        Loops.Result result = Loops.run(sizes.chargeClients(), sizes.chargeWindow().toNanos(), c -> {
                            Supplier<Future<Integer>> step = () -> pool.preparedQuery(RawSql.CHARGE)
                                    .execute(Tuple.of(Fixtures.user(userIndex.getAsInt()), UUID.randomUUID()))
                                    .map(rows -> 1);
                            return step;
                        });
                        rawCpu.stop(result.units());
                        raw = result.perSecond();
                    } finally {
                        Await.of(pool.close());
                    }
                } else {
                    cpu.start();
                    Loops.Result result = platformRun(userIndex);
                    cpu.stop(result.units());
                    plat = result.perSecond();
                }
            }
            figure.pair(raw, plat);
            Context.log("%s pair %d: raw %.0f, platform %.0f spends/s", id, pair, raw, plat);
        }
        cpu.report(figure, "charge");
        rawCpu.report(figure, "charge");
    }

    private Loops.Result platformRun(IntSupplier userIndex) {
        BenchOptions.Sizes sizes = context.sizes();
        String token = context.tokens().service();
        String url = context.options().creditsUrl() + "/internal/v1/charges";
        return Loops.run(sizes.chargeClients(), sizes.chargeWindow().toNanos(), c -> {
                        Supplier<Future<Integer>> step = () -> {
                            Instant processed = Instant.now();
                            JsonObject body = new JsonObject().put("task_id", UUID.randomUUID().toString())
                                    .put("user_id", Fixtures.user(userIndex.getAsInt()).toString())
                                    .put("task_type", Fixtures.GPU_TYPE).put("params", new JsonObject())
                                    .put("started_at", processed.minusSeconds(3).toString())
                                    .put("processed_at", processed.toString());
                            return context.http().post(url, token, body).map(answer -> {
                                Http.expect(answer, "POST /internal/v1/charges", 201);
                                return 1;
                            });
                        };
                        return step;
                    });
    }
}
