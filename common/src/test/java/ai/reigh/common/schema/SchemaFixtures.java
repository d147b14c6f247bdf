package ai.reigh.common.schema;

import java.util.UUID;

import ai.reigh.common.testing.SqlSession;

/** Rows the schema tests build on, written through the owning services' roles. */
final class SchemaFixtures {
    private SchemaFixtures() {
    }

    static UUID user() {
        UUID id = UUID.randomUUID();
        try (SqlSession projects = SqlSession.as("reigh_projects").actingAsUser(id)) {
            projects.update("INSERT INTO users (id, email) VALUES (?, ?)", id, id + "@example.test");
        }
        return id;
    }

    static UUID project(UUID owner) {
        try (SqlSession projects = SqlSession.as("reigh_projects").actingAsUser(owner)) {
            return (UUID) projects.value("INSERT INTO projects (user_id, name) VALUES (?, 'p') RETURNING id", owner);
        }
    }

    static void grant(UUID user, String amount) {
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            credits.update("INSERT INTO credits_ledger (user_id, amount, type, idempotency_key) VALUES (?, ?::numeric, 'manual', ?)",
                    user, amount, "test:" + UUID.randomUUID());
        }
    }
}
