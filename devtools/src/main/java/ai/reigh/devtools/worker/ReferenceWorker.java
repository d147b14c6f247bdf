package ai.reigh.devtools.worker;

import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.reigh.devtools.http.EdgeClient;
import ai.reigh.devtools.http.PlatformClient;

/**
 * Runs {@code --workers} simulated workers with their heartbeats and a live progress line until a
 * stop condition (max tasks, idle time, duration) or Ctrl-C, then prints a summary. They speak the
 * platform's worker protocol, or ({@code --protocol supabase}) the deployed GPU fleet's, each with its own
 * credential (one per worker).
 */
public final class ReferenceWorker {
    private final WorkerOptions options;
    private final PrintStream out;
    private final WorkerStats stats = new WorkerStats();
    private final AtomicBoolean stopping = new AtomicBoolean();

    public ReferenceWorker(WorkerOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public WorkerStats run() throws InterruptedException {
        String host = hostName();
        List<GpuWorker> workers = new ArrayList<>();
        for (int i = 0; i < options.workers(); i++) {
            String workerId = options.workerIdPrefix() + "-" + host + "-" + ProcessHandle.current().pid() + "-" + i;
            if (options.speaksFleetProtocol()) {
                // One credential per worker: worker i speaks with token i, as the worker that token names.
                String token = options.tokens().get(i);
                workers.add(new FleetProtocolWorker(options, new EdgeClient(options.gatewayUrl(), token), stats,
                        stopping, FleetProtocolWorker.workerIdOf(token, workerId)));
            } else {
                workers.add(new SimulatedWorker(options, new PlatformClient(options.gatewayUrl(), options.token()), stats,
                        stopping, workerId));
            }
        }
        ExecutorService running = Executors.newFixedThreadPool(options.workers(), daemon("worker"));
        ScheduledExecutorService background = Executors.newScheduledThreadPool(2, daemon("heartbeat"));
        workers.forEach(running::submit);
        long heartbeatMillis = options.heartbeatInterval().toMillis();
        background.scheduleWithFixedDelay(() -> workers.forEach(GpuWorker::beat), heartbeatMillis, heartbeatMillis,
                TimeUnit.MILLISECONDS);
        Progress progress = new Progress(stats, out, options.quiet());
        background.scheduleAtFixedRate(progress::tick, 1, 1, TimeUnit.SECONDS);
        Thread hook = new Thread(() -> stopping.set(true), "worker-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        long deadline = options.duration() == null ? Long.MAX_VALUE : System.nanoTime() + options.duration().toNanos();
        while (!stopping.get()) {
            Thread.sleep(200);
            if (stats.finished() >= options.maxTasks() || System.nanoTime() > deadline || allIdle(workers)) {
                stopping.set(true);
            }
        }
        running.shutdown();
        // A parked long poll returns within its wait; give it that long.
        running.awaitTermination(options.waitSeconds() + 20L, TimeUnit.SECONDS);
        background.shutdownNow();
        progress.finish();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the JVM is already exiting.
        }
        out.println("reference worker (" + options.protocol() + " protocol): " + stats.summary());
        stats.errorSamples().forEach(error -> out.println("  error: " + error));
        return stats;
    }

    /** Asks every worker to stop (for programs that run the worker in-process). */
    public void stop() {
        stopping.set(true);
    }

    public WorkerStats stats() {
        return stats;
    }

    private boolean allIdle(List<GpuWorker> workers) {
        if (options.untilIdle() == null) {
            return false;
        }
        long idle = options.untilIdle().toNanos();
        return workers.stream().allMatch(worker -> worker.idleNanos() >= idle);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "-");
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
