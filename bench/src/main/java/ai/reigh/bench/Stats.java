package ai.reigh.bench;

import java.util.Arrays;
import java.util.Collection;

/** Percentiles and medians, nothing clever: sorted copies and the nearest-rank rule. */
public final class Stats {
    private Stats() {
    }

    /**
     * The nearest-rank percentile: the smallest sample such that at least {@code percent}% of the
     * samples are not above it (p50 of 1..4 is 2, p99 of 100 samples is the 99th).
     */
    public static double percentile(double[] samples, double percent) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (percent <= 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be in (0, 100]");
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    /** The middle value; the mean of the two middle ones for an even count. */
    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static double median(Collection<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
