package ai.reigh.common.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole platform as separate processes, for system, end-to-end and fault tests: a private
 * PostgreSQL, S3Proxy, the four services and the gateway, each started from its packaged jar and
 * configured by environment variables exactly as in a deployment. Started once per JVM.
 */
public final class SystemUnderTest {
    public static final List<String> SERVICES = List.of("storage", "credits", "projects", "tasks");
    private static SystemUnderTest shared;

    private final Map<String, ServiceProcess> processes = new LinkedHashMap<>();
    private final Map<String, String> config;
    private final TraceCollector traces;

    private SystemUnderTest(Map<String, String> config, TraceCollector traces) {
        this.config = config;
        this.traces = traces;
    }

    public static synchronized SystemUnderTest shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stopAll, "system-under-test-stop"));
        }
        return shared;
    }

    private static SystemUnderTest start() {
        Map<String, String> config = new HashMap<>(TestRunConfig.base(true));
        Map<String, Integer> ports = new HashMap<>();
        for (String service : SERVICES) {
            ports.put(service, Processes.freePort());
            config.put("reigh.services." + service + ".url", "http://127.0.0.1:" + ports.get(service));
        }
        int gatewayPort = Processes.freePort();
        config.put("reigh.storage.public-base-url", "http://127.0.0.1:" + gatewayPort);
        // A throwaway key for users' provider API keys (a deployment's comes from a Secret).
        config.put("reigh.projects.api-keys.encryption-key", "c3lzdGVtLXRlc3RzLWFwaS1rZXktZW5jcnlwdGlvbiE=");
        // Short leases and a brisk reaper, so that crash and lease-expiry scenarios take seconds, not
        // minutes; workers in these tests heartbeat every second.
        config.put("reigh.tasks.lease-duration", "6s");
        config.put("reigh.tasks.reaper.interval", "1s");
        config.put("reigh.tasks.retry-backoff-base", "1s");
        config.put("reigh.tasks.relay.backoff-max", "2s");
        // The deployed fleet's protocol (docs/worker-compat.md): a short lease for its frozen-worker
        // scenario too, and an empty claim that waits 2 s rather than 10.
        config.put("reigh.tasks.compat.lease-duration", "6s");
        config.put("reigh.tasks.compat.claim-wait", "2s");
        // Every trace is sampled and exported to a collector of the test's own, which tests read to follow
        // one request or completion across the processes.
        TraceCollector traces = TraceCollector.start();
        config.put("reigh.tracing.sample-ratio", "1");
        config.put("reigh.tracing.otlp-endpoint", traces.endpoint());
        config.put("reigh.tracing.otlp-protocol", "http/protobuf");
        config.put("quarkus.otel.bsp.schedule.delay", "200ms");
        SystemUnderTest system = new SystemUnderTest(Map.copyOf(config), traces);
        List<Thread> starting = new ArrayList<>();
        for (String service : SERVICES) {
            Thread thread = new Thread(() -> system.launch(service, ports.get(service)), "start-" + service);
            starting.add(thread);
            thread.start();
        }
        join(starting);
        for (String service : SERVICES) {
            if (!system.processes.containsKey(service)) {
                system.stopAll();
                throw new IllegalStateException(service + " did not start; see " + ServiceProcess.jar(service).getParent());
            }
        }
        system.launch("gateway", gatewayPort);
        return system;
    }

    private void launch(String name, int port) {
        ServiceProcess process = ServiceProcess.start(name, port, config);
        synchronized (processes) {
            processes.put(name, process);
        }
    }

    private static void join(List<Thread> threads) {
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public String gatewayUrl() {
        return service("gateway").url();
    }

    public ServiceProcess service(String name) {
        synchronized (processes) {
            ServiceProcess process = processes.get(name);
            if (process == null) {
                throw new IllegalArgumentException("no process " + name);
            }
            return process;
        }
    }

    /** The spans every process exported (all of them: the system under test samples every trace). */
    public TraceCollector traces() {
        return traces;
    }

    /** The configuration every process got (database, keys, S3, where the services are). */
    public Map<String, String> config() {
        return config;
    }

    public void stopAll() {
        List<ServiceProcess> running;
        synchronized (processes) {
            running = new ArrayList<>(processes.values());
        }
        java.util.Collections.reverse(running);
        running.forEach(ServiceProcess::stop);
        traces.close();
    }
}
