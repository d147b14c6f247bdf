package ai.reigh.bench;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Scenario 4: charges (ledger spends) per second, {@code chargeClients} concurrent callers, for one
 * hot user and spread over {@code chargeUsers} users. Raw: one INSERT into the ledger (its trigger
 * moves the balance in the same statement). Platform: {@code POST /internal/v1/charges} straight to
 * credits-service with a service token (the gateway never routes /internal), each for a fresh task id
 * (a task whose row is gone is charged as described: pricing, metadata, idempotency, balance).
 *
 * <p>And as the relay charges: batches of {@value #RELAY_BATCH} ({@code POST /internal/v1/charges/batch})
 * against the same spends in one multi-row INSERT per batch.
 */
final class Charges {
    /** Charges per batch call (the relay sends up to 100 per call, as many as it has reserved). */
    static final int RELAY_BATCH = 50;

    private final Context context;
    /** Charges per call whose paths have been warmed up. */
    private final Set<Integer> warmed = new HashSet<>();

    Charges(Context context) {
        this.context = context;
    }

    void run() {
        measure("charges_hot", "charges, one hot user", () -> 0, 1);
        int users = Math.min(context.sizes().chargeUsers(), context.fixtures().users());
        IntSupplier spread = () -> ThreadLocalRandom.current().nextInt(users);
        measure("charges_spread", "charges, " + QueueDepth.label(users) + " users", spread, 1);
        measure("charges_batched_hot", "charges in relay batches of " + RELAY_BATCH + ", one hot user", () -> 0,
                RELAY_BATCH);
        measure("charges_batched_spread", "charges in relay batches of " + RELAY_BATCH + ", " + QueueDepth.label(users)
                + " users", spread, RELAY_BATCH);
    }

    private void measure(String id, String label, IntSupplier userIndex, int batch) {
        BenchOptions.Sizes sizes = context.sizes();
        Figure figure = context.figure(new Figure(id, "charges", label, "spends/s", Figure.Better.HIGHER))
                .targetRatio("platform ≥ 50% of raw", ratio -> ratio >= 0.5);
        figure.detail("clients", sizes.chargeClients());
        figure.detail("charges_per_call", batch);
        CpuMeter cpu = new CpuMeter(context, "platform");
        CpuMeter rawCpu = new CpuMeter(context, "raw");
        if (warmed.add(batch)) {
            // Untimed: credits-service's JIT compiles the charge path, the bench's JIT the raw one.
            Warmup.untilSteady(sizes.warmupMaxRuns(), () -> platformRun(userIndex, batch).perSecond())
                    .report(figure, "platform");
            Warmup.untilSteady(sizes.warmupMaxRuns(), () -> rawRun(userIndex, batch).perSecond()).report(figure, "raw");
        }
        for (int pair = 0; pair < sizes.pairs(); pair++) {
            double raw = 0;
            double plat = 0;
            for (int side = 0; side < 2; side++) {
                if ((side == 0) == Context.rawFirst(pair)) {
                    rawCpu.start();
                    Loops.Result result = rawRun(userIndex, batch);
                    rawCpu.stop(result.units());
                    raw = result.perSecond();
                } else {
                    cpu.start();
                    Loops.Result result = platformRun(userIndex, batch);
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

    /** The same spends sent raw: one INSERT per charge, or one multi-row INSERT per batch. */
    private Loops.Result rawRun(IntSupplier userIndex, int batch) {
        BenchOptions.Sizes sizes = context.sizes();
        Pool pool = context.db().pool(sizes.chargeClients());
        try {
            return Loops.run(sizes.chargeClients(), sizes.chargeWindow().toNanos(), c -> {
                Supplier<Future<Integer>> step = batch == 1
                        ? () -> pool.preparedQuery(RawSql.CHARGE)
                                .execute(Tuple.of(Fixtures.user(userIndex.getAsInt()), UUID.randomUUID()))
                                .map(rows -> 1)
                        : () -> pool.preparedQuery(RawSql.CHARGES)
                                .execute(Tuple.tuple().addValue(users(userIndex, batch)).addValue(taskIds(batch)))
                                .map(rows -> rows.rowCount());
                return step;
            });
        } finally {
            Await.of(pool.close());
        }
    }

    private Loops.Result platformRun(IntSupplier userIndex, int batch) {
        BenchOptions.Sizes sizes = context.sizes();
        String token = context.tokens().service();
        String single = context.options().creditsUrl() + "/internal/v1/charges";
        String batched = single + "/batch";
        return Loops.run(sizes.chargeClients(), sizes.chargeWindow().toNanos(), c -> {
            Supplier<Future<Integer>> step = batch == 1
                    ? () -> context.http().post(single, token, charge(userIndex)).map(answer -> {
                        Http.expect(answer, "POST /internal/v1/charges", 201);
                        return 1;
                    })
                    : () -> {
                        JsonArray charges = new JsonArray();
                        for (int i = 0; i < batch; i++) {
                            charges.add(charge(userIndex));
                        }
                        return context.http().post(batched, token, new JsonObject().put("charges", charges)).map(answer -> {
                            Http.expect(answer, "POST /internal/v1/charges/batch", 200);
                            JsonArray results = answer.json().getJsonArray("results");
                            for (int i = 0; i < results.size(); i++) {
                                if (results.getJsonObject(i).getInteger("status") != 201) {
                                    throw new IllegalStateException("a batched charge answered " + results.getJsonObject(i));
                                }
                            }
                            return results.size();
                        });
                    };
            return step;
        });
    }

    /** A charge of a fresh task (its row is gone: charged as described). */
    private static JsonObject charge(IntSupplier userIndex) {
        Instant processed = Instant.now();
        return new JsonObject().put("task_id", UUID.randomUUID().toString())
                .put("user_id", Fixtures.user(userIndex.getAsInt()).toString())
                .put("task_type", Fixtures.GPU_TYPE).put("params", new JsonObject())
                .put("started_at", processed.minusSeconds(3).toString())
                .put("processed_at", processed.toString());
    }

    private static UUID[] users(IntSupplier userIndex, int count) {
        UUID[] users = new UUID[count];
        for (int i = 0; i < count; i++) {
            users[i] = Fixtures.user(userIndex.getAsInt());
        }
        return users;
    }

    private static UUID[] taskIds(int count) {
        UUID[] ids = new UUID[count];
        for (int i = 0; i < count; i++) {
            ids[i] = UUID.randomUUID();
        }
        return ids;
    }
}
