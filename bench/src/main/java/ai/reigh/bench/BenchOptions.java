package ai.reigh.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the running suite is and how big the run is. {@code --quick} scales every size and duration
 * down so that the whole run takes under three minutes on two cores and still prints every figure.
 */
public record BenchOptions(boolean quick, String gateway, String tasksUrl, String creditsUrl, String pgHost, int pgPort,
        String pgDatabase, Path root, Path state, Path out, Set<String> only, Sizes sizes) {

    public static final List<String> SCENARIOS = List.of("claim", "latency", "depth", "charges", "reads", "heartbeats",
            "footprint", "soak");

    /** Every size, count and duration of a run; one place, so that quick and full differ only here. */
    public record Sizes(int pairs, int warmupMaxRuns, List<Integer> claimWorkers, List<Integer> claimLimits,
            Duration claimWindow, int maxTasksPerRun, int latencyWorkers, int latencySamples, List<Integer> depths,
            int finishedDepth, int depthSamples, int chargeClients, int chargeUsers, Duration chargeWindow, int readRows,
            int readSamples, int heartbeatWorkers, Duration heartbeatInterval, Duration heartbeatWindow,
            int footprintWarmupRequests, Duration outboxDrainLimit, int soakDepth, Duration soakDuration) {

        static Sizes quick() {
            return new Sizes(3, 2, List.of(4, 16, 64), List.of(1, 10), Duration.ofMillis(600), 10_000, 4, 25,
                    List.of(1_000, 10_000, 50_000), 50_000, 25, 16, 10_000, Duration.ofMillis(600), 20_000, 50, 1_000,
                    Duration.ofSeconds(20), Duration.ofSeconds(2), 200, Duration.ofSeconds(60), 50_000,
                    Duration.ofSeconds(60));
        }

        static Sizes full() {
            return new Sizes(3, 8, List.of(4, 16, 64), List.of(1, 10), Duration.ofSeconds(5), 100_000, 8, 200,
                    List.of(1_000, 100_000, 1_000_000), 1_000_000, 200, 16, 10_000, Duration.ofSeconds(5), 100_000,
                    400, 1_000, Duration.ofSeconds(20), Duration.ofSeconds(20), 1_000, Duration.ofSeconds(180), 1_000_000,
                    Duration.ofMinutes(10));
        }

        /** These sizes with other pairs and claim rows (what {@code --pairs}, {@code --claim-workers} and {@code --claim-limits} change). */
        Sizes with(int pairs, List<Integer> claimWorkers, List<Integer> claimLimits) {
            return new Sizes(pairs, warmupMaxRuns, claimWorkers, claimLimits, claimWindow, maxTasksPerRun, latencyWorkers,
                    latencySamples, depths, finishedDepth, depthSamples, chargeClients, chargeUsers, chargeWindow, readRows,
                    readSamples, heartbeatWorkers, heartbeatInterval, heartbeatWindow, footprintWarmupRequests,
                    outboxDrainLimit, soakDepth, soakDuration);
        }
    }

    static final String USAGE = """
            Usage: ./reigh bench [--quick] [--only a,b] [--pairs n] [--claim-workers 4,16] [--claim-limits 1,10] [--out file]

              --quick        small sizes and short windows: the whole run in under 3 minutes on 2 cores
              --only a,b     run only these scenarios: claim, latency, depth, charges, reads, heartbeats, footprint,
                             soak (10 minutes over 1M queued tasks; 1 minute over 50k with --quick)
              --pairs n      interleaved baseline/platform pairs per figure (default 3, at least 3 for a report)
              --claim-workers w,...  only these worker counts in the claim scenario (default 4,16,64)
              --claim-limits l,...   only these claim limits (default 1,10); with the two above, one claim row in minutes
              --out file     where to write the results (default bench-results.json)
            Set by the launcher: --gateway, --tasks-url, --credits-url, --pg-host, --pg-port, --pg-database,
            --root, --state.
            """;

    public static BenchOptions parse(String[] args) {
        boolean quick = false;
        String gateway = "http://127.0.0.1:8080";
        String tasksUrl = "http://127.0.0.1:8082";
        String creditsUrl = "http://127.0.0.1:8083";
        String pgHost = "127.0.0.1";
        int pgPort = 54329;
        String pgDatabase = "reigh";
        Path root = Path.of(".").toAbsolutePath().normalize();
        Path state = null;
        Path out = null;
        Set<String> only = new LinkedHashSet<>(SCENARIOS);
        Integer pairs = null;
        List<Integer> claimWorkers = null;
        List<Integer> claimLimits = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> quick = true;
                case "--gateway" -> gateway = value(args, ++i, arg);
                case "--tasks-url" -> tasksUrl = value(args, ++i, arg);
                case "--credits-url" -> creditsUrl = value(args, ++i, arg);
                case "--pg-host" -> pgHost = value(args, ++i, arg);
                case "--pg-port" -> pgPort = integer(value(args, ++i, arg), arg, 1, 65535);
                case "--pg-database" -> pgDatabase = value(args, ++i, arg);
                case "--root" -> root = Path.of(value(args, ++i, arg)).toAbsolutePath().normalize();
                case "--state" -> state = Path.of(value(args, ++i, arg)).toAbsolutePath().normalize();
                case "--out" -> out = Path.of(value(args, ++i, arg));
                case "--pairs" -> pairs = integer(value(args, ++i, arg), arg, 1, 20);
                case "--only" -> only = scenarios(value(args, ++i, arg));
                case "--claim-workers" -> claimWorkers = integers(value(args, ++i, arg), arg, 1, 256);
                case "--claim-limits" -> claimLimits = integers(value(args, ++i, arg), arg, 1, 100);
                case "-h", "--help" -> throw new UsageException(USAGE);
                default -> throw new UsageException("bench: unknown option " + arg + "\n" + USAGE);
            }
        }
        Sizes sizes = quick ? Sizes.quick() : Sizes.full();
        if (pairs != null) {
            sizes = sizes.with(pairs, sizes.claimWorkers(), sizes.claimLimits());
        }
        if (claimWorkers != null || claimLimits != null) {
            sizes = sizes.with(sizes.pairs(), claimWorkers == null ? sizes.claimWorkers() : claimWorkers,
                    claimLimits == null ? sizes.claimLimits() : claimLimits);
        }
        Path resolvedState = state == null ? root.resolve(".reigh") : state;
        Path resolvedOut = out == null ? root.resolve("bench-results.json") : out.toAbsolutePath();
        return new BenchOptions(quick, strip(gateway), strip(tasksUrl), strip(creditsUrl), pgHost, pgPort, pgDatabase,
                root, resolvedState, resolvedOut, only, sizes);
    }

    public boolean runs(String scenario) {
        return only.contains(scenario);
    }

    private static Set<String> scenarios(String list) {
        Set<String> chosen = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String name : list.split(",")) {
            String trimmed = name.trim();
            if (SCENARIOS.contains(trimmed)) {
                chosen.add(trimmed);
            } else if (!trimmed.isEmpty()) {
                unknown.add(trimmed);
            }
        }
        if (!unknown.isEmpty() || chosen.isEmpty()) {
            throw new UsageException("bench: --only takes some of " + String.join(", ", SCENARIOS) + "; unknown: "
                    + String.join(", ", unknown));
        }
        return chosen;
    }

    private static List<Integer> integers(String list, String option, int min, int max) {
        List<Integer> values = new ArrayList<>();
        for (String value : list.split(",")) {
            values.add(integer(value.trim(), option, min, max));
        }
        return List.copyOf(values);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new UsageException("bench: " + option + " needs a value");
        }
        return args[index];
    }

    private static int integer(String value, String option, int min, int max) {
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw new UsageException("bench: " + option + " must be in " + min + ".." + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new UsageException("bench: " + option + " takes a whole number, not '" + value + "'");
        }
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** A command-line mistake: printed without a stack trace. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
