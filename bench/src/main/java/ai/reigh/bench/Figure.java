package ai.reigh.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoublePredicate;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One figure of the report: the raw SQL baseline and the platform measured in interleaved pairs, and
 * their ratio (platform ÷ raw) per pair. The reported ratio is the median of the pairs' ratios, not
 * the ratio of the medians: each pair ran in the same few seconds, so its ratio cancels most of the
 * machine's noise (PERFORMANCE.md: the same cell moved 2× between runs an hour apart).
 */
public final class Figure {
    /** Which way is good: a throughput should be high, a latency, a CPU share or a footprint low. */
    public enum Better {
        HIGHER, LOWER
    }

    private final String id;
    private final String scenario;
    private final String label;
    private final String unit;
    private final Better better;
    private final List<double[]> pairs = new ArrayList<>();
    private final Map<String, Object> details = new LinkedHashMap<>();
    private String target;
    private DoublePredicate targetOnRatio;
    private DoublePredicate targetOnPlatform;

    public Figure(String id, String scenario, String label, String unit, Better better) {
        this.id = id;
        this.scenario = scenario;
        this.label = label;
        this.unit = unit;
        this.better = better;
    }

    public Figure pair(double raw, double platform) {
        pairs.add(new double[] {raw, platform});
        return this;
    }

    /** A target on the ratio (e.g. platform ≥ 50% of raw). */
    public Figure targetRatio(String description, DoublePredicate met) {
        this.target = description;
        this.targetOnRatio = met;
        return this;
    }

    /** A target on the platform's own value (e.g. p50 ≤ 20 ms). */
    public Figure targetPlatform(String description, DoublePredicate met) {
        this.target = description;
        this.targetOnPlatform = met;
        return this;
    }

    public Figure detail(String key, Object value) {
        details.put(key, value);
        return this;
    }

    public String id() {
        return id;
    }

    public String scenario() {
        return scenario;
    }

    public String label() {
        return label;
    }

    public String unit() {
        return unit;
    }

    public Better better() {
        return better;
    }

    public String target() {
        return target;
    }

    public int pairCount() {
        return pairs.size();
    }

    public double raw() {
        return Stats.median(pairs.stream().mapToDouble(p -> p[0]).toArray());
    }

    public double platform() {
        return Stats.median(pairs.stream().mapToDouble(p -> p[1]).toArray());
    }

    /** The median of the pairs' ratios (platform ÷ raw); NaN when a raw value is 0. */
    public double ratio() {
        return Stats.median(pairs.stream().mapToDouble(p -> p[0] == 0 ? Double.NaN : p[1] / p[0]).toArray());
    }

    /** Null when the issue sets no target for this figure. */
    public Boolean met() {
        if (pairs.isEmpty()) {
            return null;
        }
        if (targetOnRatio != null) {
            return targetOnRatio.test(ratio());
        }
        if (targetOnPlatform != null) {
            return targetOnPlatform.test(platform());
        }
        return null;
    }

    public JsonObject toJson() {
        JsonArray measured = new JsonArray();
        for (double[] pair : pairs) {
            measured.add(new JsonObject().put("raw", round(pair[0])).put("platform", round(pair[1]))
                    .put("ratio", pair[0] == 0 ? null : round(pair[1] / pair[0])));
        }
        JsonObject json = new JsonObject().put("id", id).put("scenario", scenario).put("label", label).put("unit", unit)
                .put("better", better.name().toLowerCase());
        if (!pairs.isEmpty()) {
            json.put("raw", round(raw())).put("platform", round(platform())).put("ratio", finite(ratio()));
        }
        json.put("pairs", measured);
        if (target != null) {
            json.put("target", target).put("met", met());
        }
        if (!details.isEmpty()) {
            JsonObject more = new JsonObject();
            details.forEach((key, value) -> more.put(key, value instanceof Double d ? round(d) : value));
            json.put("details", more);
        }
        return json;
    }

    public Map<String, Object> details() {
        return details;
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? round(value) : null;
    }

    static double round(double value) {
        if (!Double.isFinite(value)) {
            return value;
        }
        double magnitude = Math.abs(value);
        double scale = magnitude >= 100 ? 10 : magnitude >= 1 ? 1000 : 100000;
        return Math.round(value * scale) / scale;
    }
}
