package io.github.abuseguard.benchmarks.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.abuseguard.benchmarks.cost.RoundStatistics.Interval;
import org.junit.jupiter.api.Test;

class RoundStatisticsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
        assertThat(RoundStatistics.median(new double[] {9, 1, 5})).isEqualTo(5);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertThat(RoundStatistics.median(new double[] {4, 1, 3, 100})).isEqualTo(3.5);
    }

    @Test
    void medianLeavesTheCallersArrayUnsorted() {
        double[] values = {3, 1, 2};
        RoundStatistics.median(values);
        assertThat(values).containsExactly(3, 1, 2);
    }

    @Test
    void medianOfNothingOrOfNaNIsRefused() {
        assertThatThrownBy(() -> RoundStatistics.median(new double[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RoundStatistics.median(new double[] {1, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
    }

    @Test
    void percentileUsesTheNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        assertThat(RoundStatistics.percentile(sorted, 0.50)).isEqualTo(50);
        assertThat(RoundStatistics.percentile(sorted, 0.99)).isEqualTo(99);
        assertThat(RoundStatistics.percentile(sorted, 1.0)).isEqualTo(100);
        assertThat(RoundStatistics.percentile(sorted, 0.0)).isEqualTo(1);
        assertThat(RoundStatistics.percentile(new long[] {7}, 0.99)).isEqualTo(7);
    }

    @Test
    void percentileOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> RoundStatistics.percentile(new long[] {1}, 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
    }

    @Test
    void ratiosAndDifferencesPairTheSameRounds() {
        double[] on = {110, 240, 90};
        double[] off = {100, 200, 90};
        assertThat(RoundStatistics.ratios(on, off)).containsExactly(1.1, 1.2, 1.0);
        assertThat(RoundStatistics.differences(on, off)).containsExactly(10, 40, 0);
    }

    @Test
    void roundsThatDoNotPairAreRefused() {
        assertThatThrownBy(() -> RoundStatistics.ratios(new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 and 1");
    }

    @Test
    void identicalRoundsGiveAnIntervalOfNoWidth() {
        Interval interval = RoundStatistics.bootstrapMedian(new double[] {1.07, 1.07, 1.07, 1.07, 1.07}, 1);

        assertThat(interval.estimate()).isEqualTo(1.07);
        assertThat(interval.low()).isEqualTo(1.07);
        assertThat(interval.high()).isEqualTo(1.07);
    }

    @Test
    void intervalSurroundsTheMedianAndStaysWithinTheObservedRounds() {
        double[] ratios = {0.98, 1.02, 1.05, 1.01, 1.10, 0.97, 1.03, 1.04, 1.00, 1.06};

        Interval interval = RoundStatistics.bootstrapMedian(ratios, 42);

        assertThat(interval.estimate()).isCloseTo(1.025, within(1e-9));
        assertThat(interval.low()).isLessThan(interval.estimate()).isGreaterThanOrEqualTo(0.97);
        assertThat(interval.high()).isGreaterThan(interval.estimate()).isLessThanOrEqualTo(1.10);
    }

    @Test
    void aClearEffectExcludesOneWhileNoiseAroundOneIncludesIt() {
        double[] effect = {1.19, 1.21, 1.18, 1.22, 1.20, 1.17, 1.23, 1.20, 1.19, 1.21};
        double[] noise = {0.96, 1.04, 0.99, 1.02, 0.97, 1.03, 1.01, 0.98, 1.05, 0.95};

        assertThat(RoundStatistics.bootstrapMedian(effect, 7).contains(1.0)).isFalse();
        assertThat(RoundStatistics.bootstrapMedian(effect, 7).low()).isGreaterThan(1.15);
        assertThat(RoundStatistics.bootstrapMedian(noise, 7).contains(1.0)).isTrue();
    }

    @Test
    void aSingleSpoiltRoundMovesTheMedianIntervalLittle() {
        double[] rounds = {1.01, 1.02, 1.00, 1.03, 1.01, 1.02, 1.00, 1.01, 1.02, 3.50};

        Interval interval = RoundStatistics.bootstrapMedian(rounds, 3);

        assertThat(interval.high()).isLessThanOrEqualTo(1.03);
    }

    @Test
    void theSameSeedGivesTheSameInterval() {
        double[] ratios = {0.9, 1.3, 1.1, 1.0, 1.2, 0.95, 1.15};

        assertThat(RoundStatistics.bootstrapMedian(ratios, 99)).isEqualTo(RoundStatistics.bootstrapMedian(ratios, 99));
    }

    @Test
    void differenceOfMediansOfIndependentSamplesHasAnIntervalAroundIt() {
        double[] starter = {2_300, 2_350, 2_280, 2_400, 2_320, 2_310, 2_330, 2_290};
        double[] bare = {2_100, 2_150, 2_080, 2_120, 2_090, 2_110, 2_130, 2_105};

        Interval added = RoundStatistics.bootstrapMedianDifference(starter, bare, 5);

        assertThat(added.estimate()).isCloseTo(2_315 - 2_107.5, within(1e-9));
        assertThat(added.low()).isGreaterThan(100);
        assertThat(added.contains(added.estimate())).isTrue();
    }

    @Test
    void aJvmThatDiffersFromTheOthersOfItsJarWidensTheGroupedIntervalNotTheRoundsOne() {
        double[] firstJvm = {0.99, 1.00, 1.01, 1.00, 0.99, 1.01, 1.00, 1.00, 0.99, 1.01};
        double[] secondJvm = firstJvm.clone();
        double[] oddJvm = {1.09, 1.10, 1.11, 1.10, 1.09, 1.11, 1.10, 1.10, 1.09, 1.11};
        double[] pooled = new double[30];
        System.arraycopy(firstJvm, 0, pooled, 0, 10);
        System.arraycopy(secondJvm, 0, pooled, 10, 10);
        System.arraycopy(oddJvm, 0, pooled, 20, 10);

        Interval grouped = RoundStatistics.bootstrapGroupedMedian(new double[][] {firstJvm, secondJvm, oddJvm}, 7);
        Interval roundsOnly = RoundStatistics.bootstrapMedian(pooled, 7);

        assertThat(grouped.estimate()).isEqualTo(roundsOnly.estimate());
        assertThat(roundsOnly.high()).isLessThan(1.08);
        assertThat(grouped.high()).isGreaterThanOrEqualTo(1.09);
    }

    @Test
    void oneGroupIsTheRoundsBootstrapOfItsMedian() {
        double[] rounds = {1.01, 1.02, 1.00, 1.03, 1.01, 1.02, 1.00, 1.01, 1.02, 1.04};

        Interval grouped = RoundStatistics.bootstrapGroupedMedian(new double[][] {rounds}, 3);

        assertThat(grouped.estimate()).isEqualTo(RoundStatistics.median(rounds));
        assertThat(grouped.low()).isGreaterThanOrEqualTo(1.00);
        assertThat(grouped.high()).isLessThanOrEqualTo(1.03);
    }

    @Test
    void noGroupOrAnEmptyGroupIsRefused() {
        assertThatThrownBy(() -> RoundStatistics.bootstrapGroupedMedian(new double[0][], 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RoundStatistics.bootstrapGroupedMedian(new double[][] {{1.0}, {}}, 1))
                .hasMessageContaining("empty");
    }
}
