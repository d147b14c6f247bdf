package ai.reigh.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A private PostgreSQL cluster for a test run: the machine's PostgreSQL binaries, a fresh
 * {@code initdb} in a temporary directory, loopback only, trust authentication, fsync off. Started
 * once per JVM ({@link #shared()}) in about a second and removed when the JVM exits.
 *
 * <p>It is prepared the way the launcher prepares the embedded one: a database {@code reigh} owned
 * by the migration role {@code reigh_owner}; the services' own roles come from the migrations.
 */
public final class EmbeddedPostgres {
    public static final String DATABASE = "reigh";
    public static final String OWNER = "reigh_owner";
    /** System property: {@code true} makes every acknowledged commit survive {@link #crash()}. */
    public static final String DURABLE_COMMITS_PROPERTY = "reigh.pg.durable-commits";
    private static EmbeddedPostgres shared;

    private final Path dir;
    private final Path data;
    private final int port;
    private final Path bin;

    private EmbeddedPostgres(Path dir, int port, Path bin) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.bin = bin;
    }

    public static synchronized EmbeddedPostgres shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::destroy, "embedded-postgres-stop"));
        }
        return shared;
    }

    private static EmbeddedPostgres start() {
        try {
            Path dir = Files.createTempDirectory("reigh-pg-");
            Processes.giveToPostgresUser(dir);
            EmbeddedPostgres pg = new EmbeddedPostgres(dir, Processes.freePort(), findBinaries());
            pg.initialise();
            pg.startServer();
            pg.prepareDatabase();
            return pg;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the test cluster's directory", e);
        }
    }

    /**
     * The binaries of the pinned major ({@link PostgresMajor}), never merely the newest installed: the
     * tests must run what production runs. {@code REIGH_PG_BIN} names a directory holding {@code initdb}
     * (it must be that major too); otherwise Debian's {@code /usr/lib/postgresql/<major>/bin}, then
     * an {@code initdb} on the PATH of that major.
     */
    static Path findBinaries() {
        return findBinaries(PostgresMajor.pinned(), System.getenv("REIGH_PG_BIN"), Path.of("/usr/lib/postgresql"),
                System.getenv().getOrDefault("PATH", ""));
    }

    static Path findBinaries(int major, String configured, Path debian, String path) {
        if (configured != null && !configured.isBlank() && Files.isExecutable(Path.of(configured, "initdb"))) {
            Path bin = Path.of(configured);
            int found = PostgresMajor.ofBinaries(bin);
            if (found != major) {
                throw new IllegalStateException("REIGH_PG_BIN=" + configured + " holds PostgreSQL " + found
                        + ", but the platform runs PostgreSQL " + major + " (PG_MAJOR): point it at that major");
            }
            return bin;
        }
        Path debianBin = debian.resolve(String.valueOf(major)).resolve("bin");
        if (Files.isExecutable(debianBin.resolve("initdb"))) {
            return debianBin;
        }
        for (String entry : path.split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "initdb"))
                    && PostgresMajor.ofBinaries(Path.of(entry)) == major) {
                return Path.of(entry);
            }
        }
        throw new IllegalStateException("PostgreSQL " + major + " server binaries not found (the major production runs, "
                + "PG_MAJOR): run ./reigh setup (installs postgresql-" + major + ") or set REIGH_PG_BIN");
    }

    private void initialise() {
        Processes.run(Processes.asPostgresUser(List.of(bin.resolve("initdb").toString(), "-D", data.toString(),
                "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--locale=C")), null, 60);
    }

    private void startServer() {
        // Commits acknowledged only once their WAL is written (synchronous_commit=on, as in production)
        // when the run asks for it: fault tests crash the server and count on acknowledged writes
        // surviving. fsync stays off: a crashed server process (not a crashed machine) loses nothing
        // the OS was given. Other runs trade that durability for speed.
        String synchronousCommit = Boolean.getBoolean(DURABLE_COMMITS_PROPERTY) ? "on" : "off";
        String options = String.join(" ", "-p", String.valueOf(port), "-k", dir.toString(),
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=" + synchronousCommit,
                "-c", "full_page_writes=off", "-c", "max_connections=300", "-c", "shared_buffers=128MB");
        Processes.run(Processes.asPostgresUser(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(),
                "-o", options, "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "start")), null, 90);
    }

    private void prepareDatabase() {
        try (Connection admin = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "");
                Statement sql = admin.createStatement()) {
            sql.execute("CREATE ROLE " + OWNER + " LOGIN CREATEROLE");
            sql.execute("CREATE DATABASE " + DATABASE + " OWNER " + OWNER);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the test database", e);
        }
    }

    /** Stops the server at once (as a crash would), for fault tests. */
    public void crash() {
        pgCtl("stop", "-m", "immediate");
    }

    /** Starts it again on the same port and data directory. */
    public void restart() {
        startServer();
    }

    private void pgCtl(String... args) {
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w"));
        command.addAll(List.of(args));
        Processes.run(Processes.asPostgresUser(command), null, 60);
    }

    private void destroy() {
        try {
            pgCtl("stop", "-m", "immediate");
        } catch (RuntimeException alreadyStopped) {
            // Nothing to stop.
        }
        Processes.deleteRecursively(dir);
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A JDBC connection as {@code role} (trust authentication): for SQL-level assertions in tests. */
    public Connection connectAs(String role) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), role, "");
    }
}
