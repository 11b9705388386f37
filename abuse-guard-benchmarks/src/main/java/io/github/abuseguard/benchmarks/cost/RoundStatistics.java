package io.github.abuseguard.benchmarks.cost;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The statistics of paired rounds: medians, percentiles and a percentile-bootstrap interval of the
 * median of per-round figures (ratios or differences of two variants measured in the same round).
 * Pairing by round cancels the machine's slow drift, which on shared cores is larger than the effects
 * measured; the median resists the odd round another tenant spoilt.
 */
final class RoundStatistics {
    /** Bootstrap resamples drawn for one interval; 10,000 keeps the 2.5% tails stable to about 0.5%. */
    static final int RESAMPLES = 10_000;

    private RoundStatistics() {}

    /** An estimate with the bounds of its 95% interval. */
    record Interval(double estimate, double low, double high) {
        boolean contains(double value) {
            return low <= value && value <= high;
        }
    }

    /**
     * The median of {@code values}: the middle value, or the mean of the two middle values of an even
     * count.
     *
     * @throws IllegalArgumentException when {@code values} is empty or holds a NaN
     */
    static double median(double[] values) {
        double[] sorted = sortedCopy(values);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /**
     * The {@code quantile} (0 to 1) of ascending {@code sorted} values by the nearest-rank method: the
     * smallest value with at least that share of values at or below it.
     *
     * @throws IllegalArgumentException when {@code sorted} is empty or {@code quantile} is outside 0 to 1
     */
    static long percentile(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (!(quantile >= 0 && quantile <= 1)) {
            throw new IllegalArgumentException("quantile must be within 0 and 1, was " + quantile);
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** Per-round ratios {@code a[i] / b[i]} of two variants measured in the same rounds. */
    static double[] ratios(double[] a, double[] b) {
        requirePaired(a, b);
        double[] ratios = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ratios[i] = a[i] / b[i];
        }
        return ratios;
    }

    /** Per-round differences {@code a[i] - b[i]} of two variants measured in the same rounds. */
    static double[] differences(double[] a, double[] b) {
        requirePaired(a, b);
        double[] differences = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            differences[i] = a[i] - b[i];
        }
        return differences;
    }

    /**
     * The median of {@code values} with a 95% percentile-bootstrap interval: {@link #RESAMPLES} resamples
     * of the rounds drawn with replacement from a generator seeded with {@code seed} (the same seed gives
     * the same interval), the 2.5th and 97.5th percentiles of their medians.
     *
     * @throws IllegalArgumentException when {@code values} is empty or holds a NaN
     */
    static Interval bootstrapMedian(double[] values, long seed) {
        double estimate = median(values);
        SplittableRandom random = new SplittableRandom(seed);
        double[] medians = new double[RESAMPLES];
        double[] resample = new double[values.length];
        for (int r = 0; r < RESAMPLES; r++) {
            for (int i = 0; i < values.length; i++) {
                resample[i] = values[random.nextInt(values.length)];
            }
            medians[r] = median(resample);
        }
        Arrays.sort(medians);
        return new Interval(estimate, medians[(int) (RESAMPLES * 0.025)], medians[(int) (RESAMPLES * 0.975) - 1]);
    }

    /**
     * The median of the values of all {@code groups} pooled, with a 95% two-stage bootstrap interval: each
     * resample draws as many groups as there are, with replacement, then within each drawn group as many
     * of its values as it holds, with replacement, and takes the median of them all. A group is one JVM
     * (fork) of a variant and its values are its rounds: what differs between two JVMs of the same jar
     * widens the interval, which resampling the rounds alone would hide.
     *
     * @throws IllegalArgumentException when there is no group, a group is empty, or a value is NaN
     */
    static Interval bootstrapGroupedMedian(double[][] groups, long seed) {
        if (groups.length == 0) {
            throw new IllegalArgumentException("no groups");
        }
        int total = 0;
        for (double[] group : groups) {
            if (group.length == 0) {
                throw new IllegalArgumentException("a group is empty");
            }
            total += group.length;
        }
        double[] pooled = new double[total];
        int at = 0;
        for (double[] group : groups) {
            System.arraycopy(group, 0, pooled, at, group.length);
            at += group.length;
        }
        double estimate = median(pooled);
        SplittableRandom random = new SplittableRandom(seed);
        double[] medians = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            int filled = 0;
            double[] resample = new double[total];
            for (int g = 0; g < groups.length; g++) {
                double[] group = groups[random.nextInt(groups.length)];
                if (filled + group.length > resample.length) {
                    resample = Arrays.copyOf(resample, filled + group.length);
                }
                for (int i = 0; i < group.length; i++) {
                    resample[filled++] = group[random.nextInt(group.length)];
                }
            }
            medians[r] = median(Arrays.copyOf(resample, filled));
        }
        Arrays.sort(medians);
        return new Interval(estimate, medians[(int) (RESAMPLES * 0.025)], medians[(int) (RESAMPLES * 0.975) - 1]);
    }

    /**
     * The difference of the medians of two independent samples ({@code median(a) - median(b)}) with a 95%
     * percentile-bootstrap interval, each sample resampled on its own; for measurements that are not
     * paired, such as separate start-ups.
     *
     * @throws IllegalArgumentException when a sample is empty or holds a NaN
     */
    static Interval bootstrapMedianDifference(double[] a, double[] b, long seed) {
        double estimate = median(a) - median(b);
        SplittableRandom random = new SplittableRandom(seed);
        double[] differences = new double[RESAMPLES];
        double[] resampleA = new double[a.length];
        double[] resampleB = new double[b.length];
        for (int r = 0; r < RESAMPLES; r++) {
            for (int i = 0; i < a.length; i++) {
                resampleA[i] = a[random.nextInt(a.length)];
            }
            for (int i = 0; i < b.length; i++) {
                resampleB[i] = b[random.nextInt(b.length)];
            }
            differences[r] = median(resampleA) - median(resampleB);
        }
        Arrays.sort(differences);
        return new Interval(
                estimate, differences[(int) (RESAMPLES * 0.025)], differences[(int) (RESAMPLES * 0.975) - 1]);
    }

    private static double[] sortedCopy(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        if (Double.isNaN(sorted[sorted.length - 1])) {
            throw new IllegalArgumentException("a value is NaN");
        }
        return sorted;
    }

    private static void requirePaired(double[] a, double[] b) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException(
                    "paired rounds need the same, non-zero count, were " + a.length + " and " + b.length);
        }
    }
}
