package ai.reigh.common.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Another service of the platform, started from its packaged jar as a separate process (so tests
 * exercise the real receiver of a call, and fault tests can stop, kill or freeze it). Configured
 * through environment variables, exactly as in a deployment.
 */
public final class ServiceProcess {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final int port;
    /** Health and metrics: the management interface, a port of its own (never the service port). */
    private final int managementPort;
    private final Map<String, String> config;
    private final Path log;
    private Process process;

    private ServiceProcess(String name, int port, Map<String, String> config) {
        this.name = name;
        this.port = port;
        this.managementPort = Processes.freePort();
        this.config = Map.copyOf(config);
        this.log = Path.of("target", name + "-" + port + ".log").toAbsolutePath();
    }

    /** {@code name}: projects, tasks, credits, storage or gateway. */
    public static ServiceProcess start(String name, int port, Map<String, String> config) {
        ServiceProcess service = new ServiceProcess(name, port, config);
        service.start();
        return service;
    }

    public static Path jar(String name) {
        String module = "gateway".equals(name) ? "gateway" : name + "-service";
        return Processes.repositoryRoot().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    public synchronized void start() {
        Path jar = jar(name);
        if (!Files.exists(jar)) {
            throw new IllegalStateException(name + " is not packaged at " + jar + ": build it first (mvn package)");
        }
        List<String> command = new ArrayList<>(List.of("java", "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        config.forEach((key, value) -> env.put(environmentName(key), value));
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
        try {
            Files.createDirectories(log.getParent());
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
        awaitReady(Duration.ofSeconds(90));
    }

    /** {@code reigh.db.port} -> {@code REIGH_DB_PORT}, the MicroProfile Config environment mapping. */
    public static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    public void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException(name + " exited at start; see " + log);
            }
            if (isReady()) {
                return;
            }
            pause(200);
        }
        throw new IllegalStateException(name + " not ready within " + timeout.toSeconds() + " s; see " + log);
    }

    public boolean isReady() {
        try {
            HttpResponse<Void> answer = HTTP.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return answer.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Graceful stop (SIGTERM). */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            waitForExit();
        }
    }

    /** {@code kill -9}. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitForExit();
        }
    }

    public long pid() {
        return process.pid();
    }

    private void waitForExit() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int managementPort() {
        return managementPort;
    }

    /** Where its health and metrics are ({@code /q/health/ready}, {@code /q/metrics}). */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public Path log() {
        return log;
    }
}
