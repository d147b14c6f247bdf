package ai.reigh.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 7: each service's time to ready and resident memory after warm-up. A second instance of
 * each running service is started from the same jar, JVM options and environment (read from
 * /proc/&lt;pid&gt;/cmdline and environ of the running one) on spare ports, timed from spawn to its
 * first 200 on {@code /q/health/ready} (on its management port), warmed up with {@code footprintWarmupRequests} readiness
 * checks (each one a database round trip), measured (VmRSS) and stopped. Baseline: {@link FloorServer}
 * (a bare Vert.x server with a PostgreSQL pool) on the same JVM with the same options, less the service's
 * AOT cache, the same way.
 */
final class Footprint {
    private static final String[] SERVICES = {"projects", "tasks", "credits", "storage", "gateway"};
    private static final int FIRST_SPARE_PORT = 18180;
    /** A service's management interface (health, metrics) is on its port + 10, as in ./reigh. */
    private static final int MANAGEMENT_PORT_OFFSET = 10;
    private static final long READY_LIMIT_MILLIS = 120_000;

    private final Context context;

    Footprint(Context context) {
        this.context = context;
    }

    void run() {
        BenchOptions.Sizes sizes = context.sizes();
        // Five JVM starts per pair: the quick run measures one pair (said in the table), the full run all.
        int pairs = context.options().quick() ? 1 : sizes.pairs();
        Path classpath = context.options().root().resolve("bench/target");
        for (int s = 0; s < SERVICES.length; s++) {
            String service = SERVICES[s];
            long runningPid = Heartbeats.pid(context.options().state().resolve("run/" + service + ".pid"));
            List<String> command = cmdline(runningPid);
            Map<String, String> environment = environ(runningPid);
            int port = FIRST_SPARE_PORT + s;
            int managementPort = port + MANAGEMENT_PORT_OFFSET;
            environment.put("QUARKUS_HTTP_PORT", Integer.toString(port));
            environment.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
            List<String> floorCommand = new ArrayList<>();
            floorCommand.add(command.get(0));
            // The service's JVM options, less its AOT cache (recorded from the service's classes; the floor
            // starts without one).
            command.subList(1, command.indexOf("-jar")).stream().filter(option -> !option.startsWith("-XX:AOTCache"))
                    .forEach(floorCommand::add);
            floorCommand.addAll(List.of("-cp", classpath.resolve("bench.jar") + ":" + classpath.resolve("lib") + "/*",
                    FloorServer.class.getName(), Integer.toString(port), context.options().pgHost(),
                    Integer.toString(context.options().pgPort()), context.options().pgDatabase()));
            Figure ready = context.figure(new Figure("footprint_ready_" + service, "footprint",
                    service + " time to ready (vs bare Vert.x + PG pool)", "s", Figure.Better.LOWER));
            Figure rss = context.figure(new Figure("footprint_rss_" + service, "footprint",
                    service + " RSS after warm-up (vs bare Vert.x + PG pool)", "MiB", Figure.Better.LOWER));
            rss.detail("running_instance_rss_mib", Proc.rssBytes(runningPid) / 1048576.0)
                    .detail("warmup_requests", sizes.footprintWarmupRequests());
            for (int pair = 0; pair < pairs; pair++) {
                double[] raw = null;
                double[] plat = null;
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == Context.rawFirst(pair)) {
                        raw = measure(floorCommand, environment, readiness(port));
                    } else {
                        plat = measure(command, environment, readiness(managementPort));
                    }
                }
                ready.pair(raw[0], plat[0]);
                rss.pair(raw[1], plat[1]);
                Context.log("footprint %s pair %d: ready %.2f s vs %.2f s, RSS %.0f MiB vs %.0f MiB", service, pair,
                        plat[0], raw[0], plat[1], raw[1]);
            }
        }
    }

    /** {seconds to ready, RSS MiB after warm-up} of a process started with this command. */
    private static String readiness(int port) {
        return "http://127.0.0.1:" + port + "/q/health/ready";
    }

    private double[] measure(List<String> command, Map<String, String> environment, String url) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(context.options().state().resolve("logs/bench-footprint.log").toFile()))
                .directory(context.options().root().toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command, e);
        }
        try {
            long limit = System.currentTimeMillis() + READY_LIMIT_MILLIS;
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(command + " exited with " + process.exitValue()
                            + " (see .reigh/logs/bench-footprint.log)");
                }
                if (System.currentTimeMillis() > limit) {
                    throw new IllegalStateException(command + " was not ready within 120 s");
                }
                Http.Answer answer = answerOrNull(url);
                if (answer != null && answer.status() == 200) {
                    break;
                }
                ClaimThroughput.sleep(20);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            for (int i = 0; i < context.sizes().footprintWarmupRequests(); i++) {
                Http.expect(Await.of(context.http().get(url, null)), "readiness", 200);
            }
            double mib = Proc.rssBytes(process.pid()) / 1048576.0;
            return new double[] {seconds, mib};
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private Http.Answer answerOrNull(String url) {
        try {
            return Await.of(context.http().get(url, null), java.time.Duration.ofSeconds(2));
        } catch (RuntimeException notYet) {
            // Connection refused while the process boots: the poll goes on.
            return null;
        }
    }

    static List<String> cmdline(long pid) {
        try {
            String raw = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
            return new ArrayList<>(Arrays.asList(raw.split("\0")));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the command line of process " + pid, e);
        }
    }

    static Map<String, String> environ(long pid) {
        try {
            String raw = Files.readString(Path.of("/proc", Long.toString(pid), "environ"), StandardCharsets.UTF_8);
            Map<String, String> environment = new java.util.HashMap<>();
            for (String entry : raw.split("\0")) {
                int equals = entry.indexOf('=');
                if (equals > 0) {
                    environment.put(entry.substring(0, equals), entry.substring(equals + 1));
                }
            }
            return environment;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the environment of process " + pid, e);
        }
    }
}
