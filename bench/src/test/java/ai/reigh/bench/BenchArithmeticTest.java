package ai.reigh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The arithmetic and parsing every reported figure depends on. */
class BenchArithmeticTest {

    @Test
    void percentilesUseTheNearestRank() {
        double[] samples = {4, 1, 3, 2};
        assertThat(Stats.percentile(samples, 50)).isEqualTo(2);
        assertThat(Stats.percentile(samples, 99)).isEqualTo(4);
        assertThat(Stats.percentile(samples, 25)).isEqualTo(1);
        double[] hundred = new double[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1;
        }
        assertThat(Stats.percentile(hundred, 99)).isEqualTo(99);
        assertThatThrownBy(() -> Stats.percentile(new double[0], 50)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRatioIsTheMedianOfThePairsRatiosNotTheRatioOfTheMedians() {
        Figure figure = new Figure("f", "claim", "label", "tasks/s", Figure.Better.HIGHER)
                .targetRatio("platform ≥ 50% of raw", ratio -> ratio >= 0.5);
        figure.pair(100, 60).pair(1000, 400).pair(10, 9);
        assertThat(figure.ratio()).isEqualTo(0.6);
        assertThat(figure.raw()).isEqualTo(100);
        assertThat(figure.platform()).isEqualTo(60);
        assertThat(figure.met()).isTrue();
        assertThat(figure.toJson().getJsonArray("pairs")).hasSize(3);

        Figure slow = new Figure("g", "claim", "label", "tasks/s", Figure.Better.HIGHER)
                .targetRatio("platform ≥ 50% of raw", ratio -> ratio >= 0.5);
        slow.pair(100, 40).pair(100, 49).pair(100, 90);
        assertThat(slow.met()).isFalse();
    }

    @Test
    void aTargetOnThePlatformReadsThePlatformsMedian() {
        Figure latency = new Figure("p50", "latency", "label", "ms", Figure.Better.LOWER)
                .targetPlatform("p50 ≤ 20 ms", value -> value <= 20);
        latency.pair(1, 25).pair(1, 15).pair(1, 19);
        assertThat(latency.platform()).isEqualTo(19);
        assertThat(latency.met()).isTrue();
    }

    @Test
    void aWarmUpRunsUntilItsLastTwoRunsNoLongerGainOnTheBestBeforeThem() {
        // A noisy low run (37) after a gain does not end it; two runs within 5 % of the best before do.
        Iterator<Double> compiling = List.of(5.0, 44.0, 37.0, 84.0, 150.0, 147.0, 152.0, 190.0).iterator();
        Warmup.Runs runs = Warmup.untilSteady(8, compiling::next);
        assertThat(runs.rates()).containsExactly(5.0, 44.0, 37.0, 84.0, 150.0, 147.0, 152.0);
        assertThat(runs.steady()).isTrue();
        assertThat(runs.describe())
                .isEqualTo("5.00 → 44.00 → 37.00 → 84.00 → 150 → 147 → 152 (steady after 7 runs)");

        assertThat(Warmup.untilSteady(8, () -> 100).rates()).as("two runs judged against one before").hasSize(3);
        assertThat(Warmup.isSteady(List.of(100.0, 90.0, 105.0))).isTrue();
        assertThat(Warmup.isSteady(List.of(100.0, 106.0, 90.0))).isFalse();

        double[] rising = {1};
        Warmup.Runs never = Warmup.untilSteady(8, () -> rising[0] *= 2);
        assertThat(never.rates()).as("bounded").hasSize(8);
        assertThat(never.steady()).isFalse();
        assertThat(never.describe()).endsWith("(not steady after 8 runs)");
        assertThat(Warmup.untilSteady(2, () -> 100).describe()).as("a quick run's two")
                .isEqualTo("100 → 100 (not steady after 2 runs)");
    }

    @Test
    void procStatFieldsAreCountedFromTheLastParenthesis() {
        // A command name with spaces and parentheses, as proc(5) allows.
        String stat = "4242 (java (my) app) S 17 4242 4242 0 -1 4194304 100 0 0 0 250 75 12 3 20 0 30 0";
        Proc.Stat parsed = Proc.parseStat(stat);
        assertThat(parsed.ppid()).isEqualTo(17);
        assertThat(parsed.utimeTicks()).isEqualTo(250);
        assertThat(parsed.stimeTicks()).isEqualTo(75);
        assertThat(parsed.childUtimeTicks()).isEqualTo(12);
        assertThat(parsed.childStimeTicks()).isEqualTo(3);
    }

    @Test
    void theJavaOfAProcessIsItsJdksReleaseWithItsAotCacheIfItMapsOne() {
        // This test's own JVM: started by Maven without an AOT cache.
        assertThat(Proc.javaOf(ProcessHandle.current().pid())).isEqualTo(System.getProperty("java.version"));
        assertThat(Proc.javaOf(Long.MAX_VALUE)).isEqualTo("unknown");
    }

    @Test
    void theAotCacheIsReadFromTheMapsEvenWhenRecordedAgainSince() {
        String heap = "7f00a000-7f00b000 rw-p 00000000 00:00 0 ";
        String cache = "25001000-273ea000 rw-p 00001000 fd:01 1234 /srv/tasks/quarkus-app/reigh-25.0.3-b1b203f1.aot";
        assertThat(Proc.aotCacheOf(List.of(heap, cache))).isEqualTo(", AOT cache reigh-25.0.3-b1b203f1.aot");
        assertThat(Proc.aotCacheOf(List.of(heap, cache + " (deleted)")))
                .isEqualTo(", AOT cache reigh-25.0.3-b1b203f1.aot (replaced since)");
        assertThat(Proc.aotCacheOf(List.of(heap))).isEmpty();
    }

    @Test
    void optionsChooseSizesAndRefuseMistakes() {
        BenchOptions quick = BenchOptions.parse(new String[] {"--quick", "--only", "claim, charges", "--pairs", "5"});
        assertThat(quick.quick()).isTrue();
        assertThat(quick.sizes().pairs()).isEqualTo(5);
        assertThat(quick.runs("claim")).isTrue();
        assertThat(quick.runs("footprint")).isFalse();
        assertThat(quick.sizes().claimWindow()).isLessThan(Duration.ofSeconds(1));

        BenchOptions full = BenchOptions.parse(new String[0]);
        assertThat(full.sizes().depths()).containsExactly(1_000, 100_000, 1_000_000);
        assertThat(full.sizes().claimWorkers()).containsExactly(4, 16, 64);
        assertThat(full.sizes().pairs()).isGreaterThanOrEqualTo(3);

        BenchOptions oneRow = BenchOptions.parse(new String[] {"--claim-workers", "4", "--claim-limits", "1", "--pairs", "4"});
        assertThat(oneRow.sizes().claimWorkers()).containsExactly(4);
        assertThat(oneRow.sizes().claimLimits()).containsExactly(1);
        assertThat(oneRow.sizes().pairs()).isEqualTo(4);
        assertThat(oneRow.sizes().claimWindow()).isEqualTo(full.sizes().claimWindow());
        assertThat(oneRow.sizes().depths()).isEqualTo(full.sizes().depths());

        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--fast"}))
                .isInstanceOf(BenchOptions.UsageException.class).hasMessageContaining("--fast");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--only", "claim,warp"}))
                .isInstanceOf(BenchOptions.UsageException.class).hasMessageContaining("warp");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--pairs", "0"}))
                .isInstanceOf(BenchOptions.UsageException.class);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--claim-workers", "4,x"}))
                .isInstanceOf(BenchOptions.UsageException.class).hasMessageContaining("'x'");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--claim-limits", "0"}))
                .isInstanceOf(BenchOptions.UsageException.class).hasMessageContaining("--claim-limits");
    }

    @Test
    void benchIdsStayInTheirOwnRange() {
        assertThat(Fixtures.user(0).toString()).isEqualTo("bbbbbbbb-bbbb-4bbb-8bbb-000000000000");
        assertThat(Fixtures.user(9_999).toString()).isEqualTo("bbbbbbbb-bbbb-4bbb-8bbb-00000000270f");
        assertThat(Fixtures.project(9_999).toString()).startsWith(Fixtures.PROJECT_PREFIX);
        assertThat(Fixtures.READ_PROJECT.toString()).isGreaterThan(Fixtures.project(9_999).toString());
        assertThat(QueueDepth.label(1_000_000)).isEqualTo("1M");
        assertThat(QueueDepth.label(50_000)).isEqualTo("50k");
        assertThat(QueueDepth.label(1_234)).isEqualTo("1234");
    }
}
