package ai.reigh.common.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real S3 server for a test run: S3Proxy (filesystem backend, SigV4) as a child process with its
 * own classpath (gathered by the s3proxy-runtime module), started once per JVM and stopped at exit.
 * Can be stopped and started again for fault tests.
 */
public final class EmbeddedS3 {
    public static final String ACCESS_KEY = "reigh-dev";
    public static final String SECRET_KEY = "reigh-dev-secret-key";
    public static final String REGION = "us-east-1";
    private static EmbeddedS3 shared;

    private final Path dir;
    private final int port;
    private Process process;

    private EmbeddedS3(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static synchronized EmbeddedS3 shared() {
        if (shared == null) {
            try {
                shared = new EmbeddedS3(Files.createTempDirectory("reigh-s3-"), Processes.freePort());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            shared.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                shared.stop();
                Processes.deleteRecursively(shared.dir);
            }, "embedded-s3-stop"));
        }
        return shared;
    }

    public synchronized void start() {
        try {
            Path data = Files.createDirectories(dir.resolve("data"));
            Path properties = dir.resolve("s3proxy.properties");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=" + endpoint(),
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem-nio2",
                    "jclouds.filesystem.basedir=" + data,
                    "jclouds.region=" + REGION, ""));
            Path logback = dir.resolve("logback.xml");
            Files.writeString(logback, """
                    <configuration>
                      <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} %msg%n</pattern></encoder>
                      </appender>
                      <root level="INFO"><appender-ref ref="OUT"/></root>
                    </configuration>
                    """);
            process = new ProcessBuilder(List.of("java", "-Xmx256m", "-Dlogback.configurationFile=" + logback,
                    "-cp", classpath() + "/*", "org.gaul.s3proxy.Main", "--properties", properties.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()))
                    .start();
            awaitReady();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start S3Proxy", e);
        }
    }

    /** Stops the server (its data stays): uploads and confirms then see a store that is down. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    private static String classpath() {
        String lib = System.getProperty("reigh.s3proxy.lib");
        Path path = lib != null ? Path.of(lib) : Processes.repositoryRoot().resolve("s3proxy-runtime/target/lib");
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("S3Proxy's classpath is missing at " + path
                    + ": build the s3proxy-runtime module first (mvn -pl s3proxy-runtime package)");
        }
        return path.toString();
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited; see " + dir.resolve("s3proxy.log"));
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) URI.create(endpoint() + "/").toURL().openConnection();
                connection.setConnectTimeout(500);
                connection.setReadTimeout(1000);
                connection.getResponseCode();
                connection.disconnect();
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        throw new IllegalStateException("S3Proxy did not start within 60 s; see " + dir.resolve("s3proxy.log"));
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }
}
