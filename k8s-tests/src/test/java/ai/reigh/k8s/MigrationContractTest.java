package ai.reigh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import ai.reigh.common.testing.EmbeddedPostgres;
import ai.reigh.common.testing.Processes;
import ai.reigh.k8s.crd.CnpgCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * The release procedure of the prod overlay, executed for real: the commands and environments are
 * taken from the rendered manifests (only the database's address and the Secrets' values are
 * supplied here) and run against a private PostgreSQL prepared the way CloudNativePG prepares one
 * (the four managed roles exist, the bootstrap owner cannot create roles).
 *
 * <ol>
 * <li>Before the migration Job, a new pod's schema gate refuses to let it start.</li>
 * <li>The Job's migrate container applies every migration as the owner and exits; its second
 * container opens flyway_schema_history (and nothing else) to the service roles.</li>
 * <li>Then every service's schema gate passes, connected as the service's own role.</li>
 * <li>A schema that is ahead of a pod (a later release migrated, this pod is old) does not block it.</li>
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationContractTest {
    private static final long PROCESS_TIMEOUT_SECONDS = 180;
    private static final Pattern PSQL_COMMAND = Pattern.compile("-c \"([^\"]+)\"");
    private static Manifests prod;
    private static EmbeddedPostgres postgres;
    /** Secret name → its username (the role); passwords are irrelevant to the private cluster's trust auth. */
    private static final Map<String, String> SECRET_USERS = new HashMap<>();

    @BeforeAll
    static void databaseAsCloudNativePgLeavesIt() throws SQLException {
        KubectlRequirement.assumeKubectl();
        prod = Manifests.of("prod");
        CnpgCluster cluster = prod.one(CnpgCluster.class, "reigh-db");
        postgres = EmbeddedPostgres.shared();
        SECRET_USERS.put(cluster.spec().bootstrap().initdb().secret().name(), cluster.spec().bootstrap().initdb().owner());
        try (Connection admin = DriverManager.getConnection(postgres.jdbcUrl("postgres"), "postgres", "");
                Statement sql = admin.createStatement()) {
            for (CnpgCluster.Role role : cluster.spec().managed().roles()) {
                String memberOf = role.inRoles() == null ? "" : " IN ROLE " + String.join(", ", role.inRoles());
                sql.execute("CREATE ROLE " + role.name() + " LOGIN CONNECTION LIMIT " + role.connectionLimit() + memberOf);
                SECRET_USERS.put(role.passwordSecret().name(), role.name());
            }
            sql.execute("ALTER ROLE " + cluster.spec().bootstrap().initdb().owner() + " NOCREATEROLE");
        }
    }

    @Test
    @Order(1)
    void beforeTheJobANewPodsSchemaGateHoldsItBack() throws Exception {
        Result gate = runGate("projects-service");

        assertThat(gate.exitCode()).as("schema gate before the migration:\n" + gate.output()).isNotZero();
        assertThat(gate.output()).contains("Validate failed");
        assertThat(appliedMigrations()).isZero();
    }

    @Test
    @Order(2)
    void theJobMigratesAsTheOwnerAndOpensOnlyTheHistoryToTheServices() throws Exception {
        Job job = prod.migrationJob();
        Container migrate = job.getSpec().getTemplate().getSpec().getInitContainers().get(0);

        Result migration = run(migrate);

        assertThat(migration.exitCode()).as("migrate container:\n" + migration.output()).isZero();
        assertThat(appliedMigrations()).as("every migration the image carries is applied")
                .isEqualTo(migrationsIn(moduleOf(migrate.getImage()))).isPositive();
        assertThat(owner("flyway_schema_history")).isEqualTo(SECRET_USERS.get(secretOf(migrate, "REIGH_DB_MIGRATION_USER")));

        Container grant = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        Matcher sql = PSQL_COMMAND.matcher(String.join(" ", grant.getArgs()));
        assertThat(sql.find()).as("the grant container runs one SQL command").isTrue();
        String ownerRole = SECRET_USERS.get(secretOf(grant, "PGUSER"));
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), ownerRole, "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql.group(1));
        }
        for (CnpgCluster.Role role : prod.one(CnpgCluster.class, "reigh-db").spec().managed().roles()) {
            assertThat(privilege(role.name(), "flyway_schema_history", "SELECT")).as(role.name()).isTrue();
            assertThat(privilege(role.name(), "flyway_schema_history", "INSERT")).as(role.name()).isFalse();
            assertThat(privilege(role.name(), "flyway_schema_history", "DELETE")).as(role.name()).isFalse();
        }
    }

    @Test
    @Order(3)
    void afterTheJobEveryServicesSchemaGatePassesWithItsOwnRole() throws Exception {
        for (String service : List.of("projects-service", "tasks-service", "credits-service", "storage-service")) {
            Result gate = runGate(service);

            assertThat(gate.exitCode()).as(service + " schema gate after the migration:\n" + gate.output()).isZero();
            assertThat(gate.output()).as(service).contains("Successfully validated");
        }
    }

    @Test
    @Order(4)
    void aSchemaAheadOfAnOlderPodDoesNotHoldItBack() throws Exception {
        String ownerRole = prod.one(CnpgCluster.class, "reigh-db").spec().bootstrap().initdb().owner();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), ownerRole, "");
                Statement statement = connection.createStatement()) {
            // What the history looks like once a later release (one this image does not know) has migrated.
            statement.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                    + " installed_by, execution_time, success) SELECT max(installed_rank) + 1, '999.1', 'later release', 'SQL',"
                    + " 'V999_1__later_release.sql', 0, current_user, 1, true FROM flyway_schema_history");
            try {
                Result gate = runGate("tasks-service");
                assertThat(gate.exitCode()).as("an old pod during a rollout:\n" + gate.output()).isZero();
            } finally {
                statement.execute("DELETE FROM flyway_schema_history WHERE version = '999.1'");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------

    private record Result(int exitCode, String output) {
    }

    private static Result runGate(String service) throws Exception {
        Deployment deployment = prod.one(Deployment.class, service);
        Container gate = deployment.getSpec().getTemplate().getSpec().getInitContainers().stream()
                .filter(c -> c.getName().equals("schema-gate")).findFirst().orElseThrow();
        return run(gate);
    }

    /**
     * Runs a container of a rendered pod as a local process: the jar of the module its image is built
     * from, with the container's environment. Only the database's address (a cluster DNS name) and
     * the Secrets (resolved to the roles' names) are supplied.
     */
    private static Result run(Container container) throws IOException, InterruptedException {
        String module = moduleOf(container.getImage());
        Path jar = RepositoryConfig.module(module).resolve("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as(module + " is packaged (mvn package) before this test").exists();

        Map<String, String> environment = new HashMap<>();
        Environment.of(prod, container).forEach((name, value) -> {
            if (value.fromSecret()) {
                assertThat(value.secretKey()).as(name).isIn("username", "password");
                String user = SECRET_USERS.get(value.secretName());
                assertThat(user).as("Secret " + value.secretName() + " belongs to a role of the cluster").isNotNull();
                environment.put(name, value.secretKey().equals("username") ? user : "");
            } else if (value.literal() != null) {
                environment.put(name, value.literal());
            }
        });
        assertThat(environment.get("REIGH_DB_HOST")).isEqualTo("reigh-db-rw");
        environment.put("REIGH_DB_HOST", "127.0.0.1");
        environment.put("REIGH_DB_PORT", String.valueOf(postgres.port()));

        Path directory = Files.createTempDirectory("reigh-" + container.getName() + "-");
        Path log = directory.resolve("output.log");
        try {
            ProcessBuilder builder = new ProcessBuilder("java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-jar", jar.toString()).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("REIGH_") || k.startsWith("QUARKUS_"));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(container.getName() + " did not exit within " + PROCESS_TIMEOUT_SECONDS + " s:\n"
                        + Files.readString(log));
            }
            return new Result(process.exitValue(), Files.readString(log));
        } finally {
            Processes.deleteRecursively(directory);
        }
    }

    /** registry.example.com/reigh/tasks-service:1.0.0 → tasks-service. */
    private static String moduleOf(String image) {
        String withoutDigest = image.split("@")[0];
        String name = withoutDigest.substring(withoutDigest.lastIndexOf('/') + 1);
        return name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
    }

    private static String secretOf(Container container, String variable) {
        Environment.Value value = Environment.of(prod, container).get(variable);
        assertThat(value).as(container.getName() + " " + variable).isNotNull();
        assertThat(value.fromSecret()).as(container.getName() + " " + variable + " comes from a Secret").isTrue();
        return value.secretName();
    }

    /** The versioned migrations inside the packaged module (common's jar in its lib). */
    private static long migrationsIn(String module) throws IOException {
        Path lib = RepositoryConfig.module(module).resolve("target/quarkus-app/lib/main");
        long count = 0;
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar : jars.filter(j -> j.getFileName().toString().startsWith("ai.reigh.common-")).toList()) {
                try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
                    count += zip.stream().filter(e -> e.getName().matches("db/migration/.*/V[^/]*__[^/]*\\.sql")).count();
                }
            }
        }
        return count;
    }

    private static long appliedMigrations() throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("reigh"), "postgres", "");
                Statement statement = connection.createStatement();
                ResultSet exists = statement.executeQuery("SELECT to_regclass('public.flyway_schema_history') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return 0;
            }
        }
        return single("SELECT count(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL");
    }

    private static String owner(String table) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("reigh"), "postgres", "");
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = ?")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).as(table).isTrue();
                return rows.getString(1);
            }
        }
    }

    private static boolean privilege(String role, String table, String privilege) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("reigh"), "postgres", "");
                PreparedStatement statement = connection.prepareStatement("SELECT has_table_privilege(?, ?, ?)")) {
            statement.setString(1, role);
            statement.setString(2, "public." + table);
            statement.setString(3, privilege);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private static long single(String query) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("reigh"), "postgres", "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getLong(1));
            }
        }
        assertThat(values).hasSize(1);
        return values.get(0);
    }
}
