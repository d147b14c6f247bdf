package ai.reigh.common.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.EmbeddedPostgres;
import ai.reigh.common.testing.Migrations;

/**
 * docs/schema.md is the schema the migrations build: generated here from a live database and compared
 * with the committed file. {@code ./reigh db doc} (this test with {@code -Dreigh.schema.write=true})
 * rewrites the file.
 */
class SchemaDocTest {
    static final String WRITE_PROPERTY = "reigh.schema.write";

    @Test
    void theCommittedSchemaDocumentMatchesTheMigrations() throws Exception {
        Migrations.ensureApplied();
        String generated;
        try (Connection connection = EmbeddedPostgres.shared().connectAs("postgres")) {
            generated = SchemaDocument.render(connection);
        }
        Path file = Path.of(System.getProperty("reigh.repository.root", "..")).resolve("docs/schema.md");
        if (Boolean.getBoolean(WRITE_PROPERTY)) {
            Files.writeString(file, generated, StandardCharsets.UTF_8);
            System.out.println("[schema] wrote " + file.toAbsolutePath().normalize());
        }
        assertThat(file).as("docs/schema.md; create it with ./reigh db doc").exists();
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .as("docs/schema.md no longer matches the schema the migrations build: run ./reigh db doc and commit it")
                .isEqualTo(generated);
    }

    @Test
    void theDocumentShowsEveryTableItsKeysAndWhoWritesIt() throws Exception {
        Migrations.ensureApplied();
        String generated;
        try (Connection connection = EmbeddedPostgres.shared().connectAs("postgres")) {
            generated = SchemaDocument.render(connection);
        }
        assertThat(generated).contains("erDiagram", "    users {", "    tasks {", "    credits_ledger {")
                .contains("uuid id PK")
                .contains("projects ||--o{ shots : \"project_id\"")
                .contains("| [credits_ledger](#credits_ledger) | `reigh_credits` | enabled, forced |")
                .doesNotContain("flyway_schema_history {");
    }
}
