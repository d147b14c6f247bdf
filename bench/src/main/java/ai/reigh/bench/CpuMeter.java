package ai.reigh.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the CPU of a run went: user + system seconds of each service, the gateway and PostgreSQL
 * (postmaster and backends) between {@link #start()} and {@link #stop(double)}, reported as CPU
 * milliseconds per unit of work (task, charge). Turns "the platform is slower" into "this process
 * spends that much per task".
 */
final class CpuMeter {
    private static final String[] PROCESSES = {"gateway", "tasks", "credits", "projects", "storage"};

    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final long postgresPid;
    private final Map<String, Double> before = new LinkedHashMap<>();
    private final Map<String, Double> totals = new LinkedHashMap<>();
    private final String side;
    private double units;

    /** {@code side}: "raw" or "platform", the prefix of the details. */
    CpuMeter(Context context, String side) {
        this.side = side;
        for (String name : PROCESSES) {
            pids.put(name, Heartbeats.pid(context.options().state().resolve("run/" + name + ".pid")));
        }
        postgresPid = Heartbeats.pid(context.options().state().resolve("pg/data/postmaster.pid"));
    }

    void start() {
        pids.forEach((name, pid) -> before.put(name, Proc.cpuSeconds(pid)));
        before.put("postgres", Proc.treeCpuSeconds(postgresPid));
    }

    void stop(double unitsDone) {
        pids.forEach((name, pid) -> totals.merge(name, Proc.cpuSeconds(pid) - before.get(name), Double::sum));
        totals.merge("postgres", Proc.treeCpuSeconds(postgresPid) - before.get("postgres"), Double::sum);
        units += unitsDone;
    }

    /** CPU milliseconds per unit for each process, over every measured window so far. */
    void report(Figure figure, String unit) {
        if (units <= 0) {
            return;
        }
        totals.forEach((name, seconds) -> {
            if (side.equals("platform") || name.equals("postgres")) { figure.detail(side + "_cpu_ms_per_" + unit + "_" + name, seconds * 1000 / units);
            }
        });
    }
}
