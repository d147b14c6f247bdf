package ai.reigh.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The CI check: the public API this build serves is compatible with the committed snapshot
 * (api/openapi.snapshot.json). A breaking change fails here until it is acknowledged by regenerating
 * the snapshot ({@code ./reigh api snapshot}), which then shows in the commit's diff for review.
 * Additions pass (they are reported, and enter the snapshot at its next regeneration).
 */
class ApiCompatibilityTest {

    @Test
    void thePublicApiHasNoUnacknowledgedBreakingChange() throws IOException {
        Path snapshot = ApiDocuments.snapshotFile();
        assertThat(snapshot).as("the committed snapshot of the public API; create it with ./reigh api snapshot").exists();
        JsonNode acknowledged = ApiDocuments.JSON.readTree(Files.readString(snapshot));

        ApiCompatibility.Verdict verdict = ApiCompatibility.compare(acknowledged, ApiDocuments.merged());

        assertThat(verdict.breaking())
                .as("The public API changed incompatibly since %s:%n%n%s%n"
                        + "If this break is intended, acknowledge it: ./reigh api snapshot, and commit the snapshot "
                        + "(and ./reigh api types for the TypeScript client).", snapshot, verdict.report())
                .isFalse();
        if (!verdict.unchanged()) {
            System.out.println("[api] compatible changes since the snapshot (./reigh api snapshot records them):\n"
                    + verdict.report());
        }
    }
}
