package ai.reigh.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ai.reigh.common.testing.Processes;
import ai.reigh.common.testing.ServiceProcess;
import ai.reigh.common.testing.SystemUnderTest;

/**
 * The shared platform turned, for one scenario, into two replicas of tasks-service and two of
 * credits-service, as a Kubernetes deployment with {@code replicas: 2} runs them:
 *
 * <ul>
 * <li>tasks-service A is the system's (the gateway's upstream); B is a second process from the same jar
 * with the same configuration, on a port of its own. Both read and write the one database.</li>
 * <li>credits-service: the system's instance is stopped and its address (the one every process was
 * configured with, {@code reigh.services.credits.url}) is taken by a {@link ServiceFront} spreading
 * requests over two new instances, A and B. So both tasks-services' relays, and the gateway, reach
 * credits through one Service address, whichever instance is alive, without any configuration
 * changed.</li>
 * </ul>
 *
 * {@link #close} puts the system back as it was (the system's credits-service on its address) for the
 * next scenario, whatever happened.
 */
final class TwoReplicas implements AutoCloseable {
    private final SystemUnderTest system;
    private final ServiceProcess tasksA;
    private final ServiceProcess tasksB;
    private final ServiceProcess creditsA;
    private final ServiceProcess creditsB;
    private final ServiceFront creditsService;
    private final double startSeconds;

    private TwoReplicas(SystemUnderTest system, ServiceProcess tasksB, ServiceProcess creditsA, ServiceProcess creditsB,
            ServiceFront creditsService, double startSeconds) {
        this.system = system;
        this.tasksA = system.service("tasks");
        this.tasksB = tasksB;
        this.creditsA = creditsA;
        this.creditsB = creditsB;
        this.creditsService = creditsService;
        this.startSeconds = startSeconds;
    }

    /**
     * Starts the second tasks-service and the two credits-services (side by side), then moves the
     * credits address onto the front. {@code tasksBOverrides}: settings of tasks-service B that differ
     * from the system's (none is needed for it to work; a scenario may want one to observe something).
     */
    static TwoReplicas start(Map<String, String> tasksBOverrides) {
        SystemUnderTest system = Platform.system();
        long started = System.nanoTime();
        Map<String, String> tasksConfig = new HashMap<>(system.config());
        tasksConfig.putAll(tasksBOverrides);
        ExecutorService booting = Executors.newFixedThreadPool(3);
        List<Future<ServiceProcess>> boots = List.of(
                booting.submit(() -> ServiceProcess.start("tasks", Processes.freePort(), tasksConfig)),
                booting.submit(() -> ServiceProcess.start("credits", Processes.freePort(), system.config())),
                booting.submit(() -> ServiceProcess.start("credits", Processes.freePort(), system.config())));
        booting.shutdown();
        List<ServiceProcess> booted = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        for (Future<ServiceProcess> boot : boots) {
            try {
                booted.add(boot.get());
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            booted.forEach(ServiceProcess::stop);
            IllegalStateException failure = new IllegalStateException("the replicas did not start", failures.get(0));
            failures.stream().skip(1).forEach(failure::addSuppressed);
            throw failure;
        }
        ServiceProcess systemCredits = system.service("credits");
        systemCredits.stop();
        ServiceFront front;
        try {
            front = ServiceFront.roundRobin("credits Service", systemCredits.port(),
                    List.of(booted.get(1).url(), booted.get(2).url()));
        } catch (RuntimeException e) {
            booted.forEach(ServiceProcess::stop);
            systemCredits.start();
            throw e;
        }
        // Both instances behind the front are ready (start waited for it) and the front listens: the credits
        // address serves again from here.
        return new TwoReplicas(system, booted.get(0), booted.get(1), booted.get(2), front,
                (System.nanoTime() - started) / 1e9);
    }

    /** The system's tasks-service: the gateway routes to it. */
    ServiceProcess tasksA() {
        return tasksA;
    }

    ServiceProcess tasksB() {
        return tasksB;
    }

    ServiceProcess creditsA() {
        return creditsA;
    }

    ServiceProcess creditsB() {
        return creditsB;
    }

    /** The front on the credits address every process was configured with. */
    ServiceFront creditsService() {
        return creditsService;
    }

    /** From the first boot to the credits address served by the front. */
    double startSeconds() {
        return startSeconds;
    }

    @Override
    public void close() {
        // Each step runs even if one before it failed: the next scenario needs the system as it was.
        List<RuntimeException> failures = new ArrayList<>();
        for (Runnable step : List.<Runnable>of(tasksB::stop, creditsService::close, creditsA::stop, creditsB::stop, () -> {
            ServiceProcess systemCredits = system.service("credits");
            systemCredits.start();
        })) {
            try {
                step.run();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("the platform could not be put back as it was");
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
    }
}
