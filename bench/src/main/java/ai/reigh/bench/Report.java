package ai.reigh.bench;

import java.util.List;
import java.util.Locale;

import io.vertx.core.json.JsonObject;

/** The printed table: one line per figure, raw, platform, ratio, pairs and the target's verdict. */
final class Report {
    private Report() {
    }

    static String table(List<Figure> figures, BenchOptions options, JsonObject machine, double seconds) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nReigh bench (%s run, %.0f s): %d cores, %.1f GiB, PostgreSQL %s, load %.2f at start%n",
                options.quick() ? "quick" : "full", seconds, machine.getInteger("cores"),
                machine.getLong("memory_bytes") / 1073741824.0, machine.getString("postgresql"),
                machine.getDouble("load_average_1m_at_start")));
        out.append("Medians of interleaved pairs; ratio = median of per-pair platform ÷ raw.\n\n");
        out.append(String.format(Locale.ROOT, "%-72s %-9s %12s %12s %8s %5s  %s%n", "figure", "unit", "raw",
                "platform", "ratio", "pairs", "target"));
        for (Figure figure : figures) {
            if (figure.pairCount() == 0) {
                continue;
            }
            String verdict = figure.target() == null ? ""
                    : figure.target() + (Boolean.TRUE.equals(figure.met()) ? ": met" : ": NOT met");
            out.append(String.format(Locale.ROOT, "%-72s %-9s %12s %12s %8s %5d  %s%n", figure.label(), figure.unit(),
                    number(figure.raw()), number(figure.platform()), number(figure.ratio()), figure.pairCount(), verdict));
        }
        return out.toString();
    }

    /** One line per invariant: how many checks it passed, and every violation. */
    static String invariants(Invariants invariants) {
        StringBuilder out = new StringBuilder("Invariants (checked in the database after each platform run):\n");
        java.util.Map<String, java.util.List<Invariants.Check>> byInvariant = new java.util.LinkedHashMap<>();
        invariants.checks().forEach(check -> byInvariant.computeIfAbsent(check.invariant(), k -> new java.util.ArrayList<>())
                .add(check));
        if (byInvariant.isEmpty()) {
            out.append("  none checked (no scenario drove the platform's workers)\n");
        }
        byInvariant.forEach((invariant, checks) -> {
            long violated = checks.stream().filter(check -> check.violations() > 0).count();
            out.append(String.format(Locale.ROOT, "  %-66s %s%n", "never: " + invariant,
                    violated == 0 ? "held in " + checks.size() + " checks" : "VIOLATED in " + violated + " of " + checks.size()));
            checks.stream().filter(check -> check.violations() > 0).forEach(check -> out.append(String.format(Locale.ROOT,
                    "    after %s: %d rows%n", check.scenario(), check.violations())));
        });
        return out.toString();
    }

    private static String number(double value) {
        if (!Double.isFinite(value)) {
            return "n/a";
        }
        double magnitude = Math.abs(value);
        return String.format(Locale.ROOT, magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : "%.2f", value);
    }
}
