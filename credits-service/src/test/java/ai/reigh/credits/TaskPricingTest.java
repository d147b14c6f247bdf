package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.credits.repository.CreditsJson;
import ai.reigh.credits.repository.TaskCostConfigRow;
import ai.reigh.credits.service.Price;
import ai.reigh.credits.service.TaskPricing;

/** The formula on its own, exact to the thousandth (the same code prices estimates and charges). */
class TaskPricingTest {
    private static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");

    @Test
    void perSecondElevenSecondsAtTheStandardRate() {
        long seconds = TaskPricing.billedSeconds(T0, T0.plusMillis(10_200));
        Price price = TaskPricing.price(perSecond("0.0278", "{}"), json("{}"), seconds);
        assertThat(seconds).isEqualTo(11);
        assertThat(price.cost()).isEqualByComparingTo("0.306").hasToString("0.306");
    }

    @Test
    void perUnitWithResolutionAndModelType() {
        TaskCostConfigRow config = perUnit("0.025",
                "{\"resolution\": {\"2048x2048\": 3}, \"modelType\": {\"pro\": 2}}");
        Price price = TaskPricing.price(config, json("{\"resolution\": \"2048x2048\", \"model_type\": \"pro\"}"), 0);
        assertThat(price.cost()).hasToString("0.150");
        assertThat(price.breakdown().get("resolution_factor").decimalValue()).isEqualByComparingTo("3");
        assertThat(price.breakdown().get("model_type_factor").decimalValue()).isEqualByComparingTo("2");
    }

    @Test
    void perSecondWithEveryFactor() {
        TaskCostConfigRow config = perSecond("2",
                "{\"resolution\": {\"1080p\": 1.5}, \"frameCount\": 0.1, \"modelType\": {\"large\": 2}}");
        Price price = TaskPricing.price(config,
                json("{\"resolution\": \"1080p\", \"frame_count\": 10, \"model_type\": \"large\"}"), 3);
        // ((2 × 3) × 1.5 + 0.1 × 10 × 3) × 2
        assertThat(price.cost()).hasToString("24.000");
        assertThat(price.breakdown().get("frame_count_cost").decimalValue()).isEqualByComparingTo("3");
    }

    @Test
    void secondsAreCeiledWithAMinimumOfOne() {
        assertThat(TaskPricing.billedSeconds(T0, T0.plusSeconds(10))).isEqualTo(10);
        assertThat(TaskPricing.billedSeconds(T0, T0.plusNanos(10_000_000_001L))).isEqualTo(11);
        assertThat(TaskPricing.billedSeconds(T0, T0)).isEqualTo(1);
        assertThat(TaskPricing.billedSeconds(T0, T0.plusMillis(1))).isEqualTo(1);
        assertThat(TaskPricing.billedSeconds(T0, T0.minusSeconds(30))).isEqualTo(1);
        assertThat(TaskPricing.billedSeconds(new BigDecimal("10.2"))).isEqualTo(11);
        assertThat(TaskPricing.billedSeconds(new BigDecimal("0"))).isEqualTo(1);
    }

    @Test
    void roundsHalfUpToThreePlaces() {
        assertThat(TaskPricing.price(perUnit("0.0005", "{}"), json("{}"), 0).cost()).hasToString("0.001");
        assertThat(TaskPricing.price(perUnit("0.0004999", "{}"), json("{}"), 0).cost()).hasToString("0.000");
        assertThat(TaskPricing.price(perSecond("0.0278", "{}"), json("{}"), 5).cost()).hasToString("0.139");
    }

    @Test
    void missingOrUnusableFactorsAndParamsCountAsOneAndZero() {
        TaskCostConfigRow config = perUnit("1",
                "{\"resolution\": {\"hd\": 2}, \"frameCount\": 0.5, \"modelType\": {\"pro\": 3}}");
        assertThat(TaskPricing.price(config, json("{}"), 0).cost()).hasToString("1.000");
        assertThat(TaskPricing.price(config, null, 0).cost()).hasToString("1.000");
        assertThat(TaskPricing.price(config, json("{\"resolution\": \"8k\", \"model_type\": \"other\"}"), 0).cost())
                .hasToString("1.000");
        // A negative, textual or absurd frame count is not priced (it could otherwise lower a price).
        assertThat(TaskPricing.price(config, json("{\"frame_count\": -100}"), 0).cost()).hasToString("1.000");
        assertThat(TaskPricing.price(config, json("{\"frame_count\": \"10\"}"), 0).cost()).hasToString("1.000");
        assertThat(TaskPricing.price(config, json("{\"frame_count\": 1e9}"), 0).cost()).hasToString("1.000");
        assertThat(TaskPricing.price(config, json("{\"frame_count\": 4}"), 0).cost()).hasToString("3.000");
    }

    @Test
    void anOrchestratorsOwnSecondsAreNotBilled() {
        TaskCostConfigRow orchestrator = orchestration("per_second", "0.0278", "0",
                "{\"frameCount\": 0.1, \"modelType\": {\"pro\": 2}}");
        Price price = TaskPricing.price(orchestrator, json("{\"frame_count\": 10, \"model_type\": \"pro\"}"), 120);
        assertThat(price.isFree()).isTrue();
        assertThat(price.cost()).hasToString("0.000");
        assertThat(price.breakdown().get("seconds").asLong()).isZero();
        // The same rate and seconds on a type that does the work itself.
        assertThat(TaskPricing.price(perSecond("0.0278", "{}"), json("{}"), 120).cost()).hasToString("3.336");
    }

    @Test
    void aPerUnitOrchestratorCostsItsUnitCostWithItsFactors() {
        TaskCostConfigRow orchestrator = orchestration("per_unit", "0", "0.5", "{\"modelType\": {\"pro\": 2}}");
        assertThat(TaskPricing.price(orchestrator, json("{\"model_type\": \"pro\"}"), 120).cost()).hasToString("1.000");
        assertThat(TaskPricing.price(orchestrator, json("{}"), 0).cost()).hasToString("0.500");
    }

    @Test
    void aPriceBeyondTheLedgerBoundIsChargedAtTheBound() {
        Price price = TaskPricing.price(perSecond("999999", "{}"), json("{}"), 1_000);
        assertThat(price.cost()).isEqualByComparingTo("10000000");
        assertThat(price.breakdown().get("capped").asBoolean()).isTrue();
        assertThat(price.breakdown().get("uncapped_cost").decimalValue()).isEqualByComparingTo("999999000");
    }

    private static TaskCostConfigRow perSecond(String rate, String factors) {
        return new TaskCostConfigRow("t", "per_second", new BigDecimal(rate), BigDecimal.ZERO, json(factors), "gpu",
                "generation", "video", null, true, 1, T0);
    }

    private static TaskCostConfigRow perUnit(String unit, String factors) {
        return new TaskCostConfigRow("t", "per_unit", BigDecimal.ZERO, new BigDecimal(unit), json(factors), "gpu",
                "generation", "image", null, true, 1, T0);
    }

    private static TaskCostConfigRow orchestration(String billingType, String rate, String unit, String factors) {
        return new TaskCostConfigRow("t", billingType, new BigDecimal(rate), new BigDecimal(unit), json(factors), "gpu",
                "orchestration", "video", null, true, 1, T0);
    }

    private static JsonNode json(String text) {
        return CreditsJson.parse(text);
    }
}
