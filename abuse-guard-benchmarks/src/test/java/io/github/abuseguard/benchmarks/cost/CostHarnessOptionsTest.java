package io.github.abuseguard.benchmarks.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CostHarnessOptionsTest {

    @Test
    void defaultsMeasureTheDemoOnAgainstOffInAtLeastTenRounds() {
        CostHarness.Options options = CostHarness.Options.parse();

        assertThat(options.mode).isEqualTo("ab");
        assertThat(options.rounds).isGreaterThanOrEqualTo(10);
        assertThat(options.demo.toString()).endsWith("abuse-guard-demo.jar");
    }

    @Test
    void valuesAreReadByName() {
        CostHarness.Options options = CostHarness.Options.parse(
                "--mode=ablation", "--rounds=10", "--requests=5000", "--seed=3", "--run-limit-seconds=30");

        assertThat(options.mode).isEqualTo("ablation");
        assertThat(options.rounds).isEqualTo(10);
        assertThat(options.requests).isEqualTo(5000);
        assertThat(options.seed).isEqualTo(3);
        assertThat(options.runLimit).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aValueOutOfItsBoundsNamesTheOption() {
        assertThatThrownBy(() -> CostHarness.Options.parse("--connections=100000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--connections must be 1 to 256");
        assertThatThrownBy(() -> CostHarness.Options.parse("--rounds=ten"))
                .hasMessageContaining("--rounds must be a whole number");
        assertThatThrownBy(() -> CostHarness.Options.parse("--heap=-Xdebug"))
                .hasMessageContaining("--heap must look like 512m");
    }

    @Test
    void anUnknownModeOrOptionIsRefused() {
        assertThatThrownBy(() -> CostHarness.Options.parse("--mode=fast")).hasMessageContaining("--mode must be");
        assertThatThrownBy(() -> CostHarness.Options.parse("--colour=red")).hasMessageContaining("unknown option");
        assertThatThrownBy(() -> CostHarness.Options.parse("ab")).hasMessageContaining("expected --name=value");
    }

    @Test
    void oneRoundCannotBeCompared() {
        assertThatThrownBy(() -> CostHarness.Options.parse("--rounds=1")).hasMessageContaining("at least 2");
    }

    @Test
    void variantsAreChosenByTheirNamesAsSlugs() {
        assertThat(CostHarness.Options.parse("--variants=without-volume,no-guard").variants)
                .containsExactly("without-volume", "no-guard");
        assertThat(CostHarness.slug("without metrics listener")).isEqualTo("without-metrics-listener");
        assertThatThrownBy(() -> CostHarness.Options.parse("--variants=../etc,x"))
                .hasMessageContaining("--variants must be comma-separated names");
    }
}
