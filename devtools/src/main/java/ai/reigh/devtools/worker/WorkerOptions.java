package ai.reigh.devtools.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference worker's flags (./reigh worker --help). {@code tokens}: one per worker with the fleet's
 * protocol (one credential per worker); the platform's protocol uses the first for all its workers.
 */
public record WorkerOptions(
        String gatewayUrl,
        List<String> tokens,
        String protocol,
        int workers,
        String model,
        String runType,
        boolean sameModelOnly,
        int claimLimit,
        int waitSeconds,
        double taskSeconds,
        int outputBytes,
        double failRate,
        double crashRate,
        Duration heartbeatInterval,
        Duration rebootAfterCrash,
        long maxTasks,
        Duration untilIdle,
        Duration duration,
        String workerIdPrefix,
        boolean quiet) {

    static final String USAGE = """
            Usage: ./reigh worker [options]   (a reference GPU worker, simulated: no GPU needed)
              --gateway <url>           platform origin (default http://localhost:8080)
              --token <token>           a worker JWT, or a personal access token (reigh_pat_…) for local-worker mode;
                                        repeat it (or set REIGH_WORKER_TOKENS=t1,t2,…) for one token per worker
              --protocol reigh|supabase the platform's worker protocol (default), or the deployed GPU fleet's
                                        (docs/worker-compat.md): each worker then needs its own token, naming its
                                        worker (./reigh token --worker --worker-id <id>) or a personal access token
              --workers <n>             concurrent simulated workers (default 1, max 256)
              --model <name>            the model each worker has loaded (default wan-2.2)
              --run-type gpu|api        which tasks to claim (default gpu)
              --same-model-only         prefer tasks for the loaded model (with the platform's starvation limit)
              --limit <n>               tasks per claim, 1..50 (default 1)
              --wait-seconds <s>        long-poll time per claim, 0..30 (default 25)
              --task-seconds <s>        simulated generation time per task (default 2)
              --output-bytes <n>        size of the generated output file (default 65536)
              --fail-rate <p>           probability a task reports a failure, retryable or not at random (default 0)
              --crash-rate <p>          probability a worker crashes mid-task: it stops heartbeating and abandons
                                        the task, so its lease expires and another worker finishes it (default 0)
              --heartbeat-seconds <s>   heartbeat interval (default 20)
              --reboot-seconds <s>      how long a crashed worker stays down (default 5)
              --max-tasks <n>           stop after n tasks are finished (completed or failed)
              --until-idle <s>          stop once no worker has had work for s seconds
              --duration <s>            stop after s seconds
              --id-prefix <text>        worker id prefix (default ref-worker)
              --quiet                   no live progress line, only the final summary
            """;

    public static WorkerOptions parse(String[] args) {
        String gateway = "http://localhost:8080";
        List<String> tokens = new ArrayList<>();
        String protocol = REIGH;
        int workers = 1;
        String model = "wan-2.2";
        String runType = "gpu";
        boolean sameModel = false;
        int limit = 1;
        int wait = 25;
        double taskSeconds = 2;
        int outputBytes = 64 * 1024;
        double failRate = 0;
        double crashRate = 0;
        double heartbeat = 20;
        double reboot = 5;
        long maxTasks = Long.MAX_VALUE;
        Duration untilIdle = null;
        Duration duration = null;
        String prefix = "ref-worker";
        boolean quiet = false;
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            switch (flag) {
                case "--gateway" -> gateway = value(rest, flag);
                case "--token" -> tokens.add(value(rest, flag));
                case "--protocol" -> protocol = value(rest, flag);
                case "--workers" -> workers = bounded(Integer.parseInt(value(rest, flag)), 1, 256, flag);
                case "--model" -> model = value(rest, flag);
                case "--run-type" -> runType = value(rest, flag);
                case "--same-model-only" -> sameModel = true;
                case "--limit" -> limit = bounded(Integer.parseInt(value(rest, flag)), 1, 50, flag);
                case "--wait-seconds" -> wait = bounded(Integer.parseInt(value(rest, flag)), 0, 30, flag);
                case "--task-seconds" -> taskSeconds = nonNegative(Double.parseDouble(value(rest, flag)), flag);
                case "--output-bytes" -> outputBytes = bounded(Integer.parseInt(value(rest, flag)), 64, 50_000_000, flag);
                case "--fail-rate" -> failRate = probability(Double.parseDouble(value(rest, flag)), flag);
                case "--crash-rate" -> crashRate = probability(Double.parseDouble(value(rest, flag)), flag);
                case "--heartbeat-seconds" -> heartbeat = Math.max(0.2, Double.parseDouble(value(rest, flag)));
                case "--reboot-seconds" -> reboot = nonNegative(Double.parseDouble(value(rest, flag)), flag);
                case "--max-tasks" -> maxTasks = Long.parseLong(value(rest, flag));
                case "--until-idle" -> untilIdle = seconds(Double.parseDouble(value(rest, flag)));
                case "--duration" -> duration = seconds(Double.parseDouble(value(rest, flag)));
                case "--id-prefix" -> prefix = value(rest, flag);
                case "--quiet" -> quiet = true;
                case "-h", "--help" -> throw new UsageException(USAGE);
                default -> throw new UsageException("unknown option " + flag + "\n" + USAGE);
            }
        }
        if (tokens.isEmpty()) {
            tokens.addAll(fromEnvironment());
        }
        if (tokens.isEmpty() || tokens.stream().anyMatch(String::isBlank)) {
            throw new UsageException("a worker token is required (--token, or REIGH_WORKER_TOKEN)\n" + USAGE);
        }
        if (!protocol.equals(REIGH) && !protocol.equals(SUPABASE)) {
            throw new UsageException("--protocol is reigh or supabase");
        }
        if (protocol.equals(SUPABASE) && tokens.size() < workers) {
            throw new UsageException("--protocol supabase: one token per worker (" + workers + " workers, " + tokens.size()
                    + " tokens): the fleet's protocol is fenced by credential");
        }
        if (!runType.equals("gpu") && !runType.equals("api")) {
            throw new UsageException("--run-type is gpu or api");
        }
        return new WorkerOptions(gateway, List.copyOf(tokens), protocol, workers, model, runType, sameModel, limit, wait, taskSeconds,
                outputBytes, failRate, crashRate, seconds(heartbeat), seconds(reboot), maxTasks, untilIdle, duration,
                prefix, quiet);
    }

    public static final String REIGH = "reigh";
    public static final String SUPABASE = "supabase";

    /** The first token: the one the platform's protocol uses for all its workers. */
    public String token() {
        return tokens.get(0);
    }

    public boolean speaksFleetProtocol() {
        return SUPABASE.equals(protocol);
    }

    private static List<String> fromEnvironment() {
        List<String> tokens = new ArrayList<>();
        String many = System.getenv("REIGH_WORKER_TOKENS");
        if (many != null && !many.isBlank()) {
            for (String token : many.split(",")) {
                tokens.add(token.trim());
            }
        } else if (System.getenv("REIGH_WORKER_TOKEN") != null) {
            tokens.add(System.getenv("REIGH_WORKER_TOKEN"));
        }
        return tokens;
    }

    private static String value(List<String> rest, String flag) {
        if (rest.isEmpty()) {
            throw new UsageException(flag + " needs a value");
        }
        return rest.remove(0);
    }

    private static int bounded(int value, int min, int max, String flag) {
        if (value < min || value > max) {
            throw new UsageException(flag + " must be between " + min + " and " + max);
        }
        return value;
    }

    private static double probability(double value, String flag) {
        if (!(value >= 0 && value <= 1)) {
            throw new UsageException(flag + " is a probability between 0 and 1");
        }
        return value;
    }

    private static double nonNegative(double value, String flag) {
        if (!(value >= 0)) {
            throw new UsageException(flag + " must not be negative");
        }
        return value;
    }

    static Duration seconds(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    /** A bad command line: the message is for the person who typed it. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
