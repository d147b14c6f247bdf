package ai.reigh.common.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The test environment of every service module: a real PostgreSQL (and, with {@code s3=true}, a real
 * S3 server), the run's signing keys, and optionally the sibling services this one calls, started
 * from their jars. Nothing is mocked.
 *
 * <p>Use it once per module, globally, so that the application boots once:
 * <pre>
 * &#64;WithTestResource(value = ReighTestEnvironment.class, scope = TestResourceScope.GLOBAL,
 *     initArgs = { &#64;ResourceArg(name = "self", value = "tasks"),
 *                  &#64;ResourceArg(name = "siblings", value = "projects,credits") })
 * </pre>
 */
public class ReighTestEnvironment implements QuarkusTestResourceLifecycleManager {
    private static final List<String> SERVICES = List.of("projects", "tasks", "credits", "storage");
    private static final Map<String, ServiceProcess> RUNNING = new HashMap<>();

    private boolean withS3;
    private String self;
    private List<String> siblings = List.of();

    @Override
    public void init(Map<String, String> args) {
        withS3 = Boolean.parseBoolean(args.getOrDefault("s3", "false"));
        self = args.get("self");
        String names = args.getOrDefault("siblings", "");
        siblings = names.isBlank() ? List.of() : Arrays.stream(names.split(",")).map(String::trim).toList();
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(TestRunConfig.base(withS3 || !siblings.isEmpty()));
        int selfPort = Processes.freePort();
        if (self != null) {
            config.put("reigh.services." + self + ".url", "http://127.0.0.1:" + selfPort);
        }
        Map<String, Integer> ports = new HashMap<>();
        for (String sibling : siblings) {
            ports.put(sibling, Processes.freePort());
            config.put("reigh.services." + sibling + ".url", "http://127.0.0.1:" + ports.get(sibling));
        }
        // Services that are neither this one nor started: an address where nothing listens (calls fail fast).
        for (String service : SERVICES) {
            config.putIfAbsent("reigh.services." + service + ".url", "http://127.0.0.1:" + Processes.freePort());
        }
        List<Thread> starting = new ArrayList<>();
        for (String sibling : siblings) {
            Thread thread = new Thread(() -> startSibling(sibling, ports.get(sibling), config), "start-" + sibling);
            starting.add(thread);
            thread.start();
        }
        for (Thread thread : starting) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String sibling : siblings) {
            if (!RUNNING.containsKey(sibling)) {
                throw new IllegalStateException("sibling " + sibling + " failed to start");
            }
        }
        Map<String, String> quarkus = new HashMap<>(config);
        quarkus.put("quarkus.http.test-port", String.valueOf(selfPort));
        return quarkus;
    }

    private static void startSibling(String name, int port, Map<String, String> config) {
        ServiceProcess process = ServiceProcess.start(name, port, config);
        synchronized (RUNNING) {
            RUNNING.put(name, process);
        }
    }

    /** A sibling started by this environment (for tests that stop or kill it). */
    public static ServiceProcess sibling(String name) {
        synchronized (RUNNING) {
            ServiceProcess process = RUNNING.get(name);
            if (process == null) {
                throw new IllegalStateException(name + " was not started as a sibling");
            }
            return process;
        }
    }

    @Override
    public void stop() {
        synchronized (RUNNING) {
            RUNNING.values().forEach(ServiceProcess::stop);
            RUNNING.clear();
        }
    }
}
