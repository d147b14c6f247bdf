package ai.reigh.common.testing;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies the schema history as the migration role, the way a service does at start. */
public final class Migrations {
    private Migrations() {
    }

    public static MigrateResult apply(String jdbcUrl) {
        return Flyway.configure().dataSource(jdbcUrl, EmbeddedPostgres.OWNER, "")
                .locations("classpath:db/migration").load().migrate();
    }

    /** Migrates the shared test database once per JVM (service tests get this from the service itself). */
    public static synchronized void ensureApplied() {
        apply(EmbeddedPostgres.shared().jdbcUrl());
    }
}
