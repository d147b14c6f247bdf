package ai.reigh.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tests run the PostgreSQL major that production runs (the repository's PG_MAJOR file, which
 * k8s-tests checks against the CloudNativePG image), never merely the newest one installed.
 */
class PostgresMajorTest {

    @Test
    void theTestClusterRunsThePinnedMajor() throws Exception {
        try (Connection connection = EmbeddedPostgres.shared().connectAs(EmbeddedPostgres.OWNER);
                Statement sql = connection.createStatement();
                ResultSet row = sql.executeQuery("SHOW server_version_num")) {
            row.next();
            assertThat(Integer.parseInt(row.getString(1)) / 10_000).isEqualTo(PostgresMajor.pinned());
        }
    }

    @Test
    void theNewerMajorInstalledBesideThePinnedOneIsNotChosen(@TempDir Path root) throws IOException {
        Path debian = root.resolve("usr/lib/postgresql");
        fakeInstallation(debian.resolve("15/bin"), "15.13");
        fakeInstallation(debian.resolve("17/bin"), "17.5");

        assertThat(EmbeddedPostgres.findBinaries(15, null, debian, "")).isEqualTo(debian.resolve("15/bin"));
    }

    @Test
    void onlyAnotherMajorInstalledIsRefusedWithTheCommandThatInstallsThePinnedOne(@TempDir Path root)
            throws IOException {
        Path debian = root.resolve("usr/lib/postgresql");
        fakeInstallation(debian.resolve("17/bin"), "17.5");
        Path onPath = root.resolve("usr/local/bin");
        fakeInstallation(onPath, "16.4");

        assertThatThrownBy(() -> EmbeddedPostgres.findBinaries(15, null, debian, onPath.toString()))
                .hasMessageContaining("PostgreSQL 15").hasMessageContaining("postgresql-15");
    }

    @Test
    void binariesNamedByReighPgBinMustBeThePinnedMajorToo(@TempDir Path root) throws IOException {
        Path configured = root.resolve("opt/pg16/bin");
        fakeInstallation(configured, "16.4");
        Path debian = root.resolve("usr/lib/postgresql");
        fakeInstallation(debian.resolve("15/bin"), "15.13");

        assertThatThrownBy(() -> EmbeddedPostgres.findBinaries(15, configured.toString(), debian, ""))
                .hasMessageContaining("REIGH_PG_BIN").hasMessageContaining("16");
        Path right = root.resolve("opt/pg15/bin");
        fakeInstallation(right, "15.2");
        assertThat(EmbeddedPostgres.findBinaries(15, right.toString(), debian, "")).isEqualTo(right);
    }

    @Test
    void thePinIsReadFromTheFileIgnoringComments() {
        assertThat(PostgresMajor.parse("# the major production runs\n\n15\n")).isEqualTo(15);
        assertThatThrownBy(() -> PostgresMajor.parse("# nothing\n")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> PostgresMajor.parse("fifteen\n")).isInstanceOf(IllegalStateException.class);
    }

    /** An initdb that answers --version like the real one. */
    private static void fakeInstallation(Path bin, String version) throws IOException {
        Files.createDirectories(bin);
        Path initdb = bin.resolve("initdb");
        Files.writeString(initdb, "#!/bin/sh\necho \"initdb (PostgreSQL) " + version + "\"\n");
        Files.setPosixFilePermissions(initdb, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
