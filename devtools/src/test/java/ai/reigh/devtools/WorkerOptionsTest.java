package ai.reigh.devtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import ai.reigh.devtools.worker.WorkerOptions;

class WorkerOptionsTest {

    @Test
    void flagsAreParsedWithTheirUnits() {
        WorkerOptions options = WorkerOptions.parse(new String[] { "--token", "t", "--workers", "4", "--limit", "10",
                "--task-seconds", "0.5", "--crash-rate", "0.1", "--until-idle", "3", "--same-model-only",
                "--run-type", "api" });
        assertThat(options.workers()).isEqualTo(4);
        assertThat(options.claimLimit()).isEqualTo(10);
        assertThat(options.taskSeconds()).isEqualTo(0.5);
        assertThat(options.crashRate()).isEqualTo(0.1);
        assertThat(options.untilIdle()).isEqualTo(Duration.ofSeconds(3));
        assertThat(options.sameModelOnly()).isTrue();
        assertThat(options.runType()).isEqualTo("api");
    }

    @Test
    void theFleetsProtocolTakesOneTokenPerWorker() {
        WorkerOptions reigh = WorkerOptions.parse(new String[] { "--token", "t", "--workers", "3" });
        assertThat(reigh.protocol()).isEqualTo("reigh");
        assertThat(reigh.speaksFleetProtocol()).isFalse();
        WorkerOptions fleet = WorkerOptions.parse(new String[] { "--protocol", "supabase", "--workers", "2", "--token",
                "a", "--token", "b" });
        assertThat(fleet.speaksFleetProtocol()).isTrue();
        assertThat(fleet.tokens()).containsExactly("a", "b");
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] { "--protocol", "supabase", "--workers", "2",
                "--token", "a" })).hasMessageContaining("one token per worker");
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] { "--protocol", "grpc", "--token", "a" }))
                .hasMessageContaining("reigh or supabase");
    }

    @Test
    void badFlagsAreRefusedWithAReason() {
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] { "--token", "t", "--limit", "51" }))
                .hasMessageContaining("--limit must be between 1 and 50");
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] { "--token", "t", "--fail-rate", "1.5" }))
                .hasMessageContaining("probability");
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] { "--token", "t", "--run-type", "cpu" }))
                .hasMessageContaining("gpu or api");
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] { "--workers" })).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> WorkerOptions.parse(new String[] { "--frobnicate" })).hasMessageContaining("unknown option");
    }
}
