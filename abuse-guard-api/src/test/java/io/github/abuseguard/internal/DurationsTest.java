package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.config.PropertyPath;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.volume.DistinctRule;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** user64 F6: a duration in a message about a setting is written as configuration writes it, not as ISO 8601. */
class DurationsTest {

    @Test
    void aDurationIsWrittenInTheUnitsOfAProperty() {
        assertThat(Durations.written(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.written(Duration.ofHours(-1))).isEqualTo("-1h");
        assertThat(Durations.written(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(Durations.written(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(Durations.written(Duration.ofDays(2).plusSeconds(5))).isEqualTo("2d5s");
        assertThat(Durations.written(Duration.ofNanos(1_500_001))).isEqualTo("1ms500001ns");
        assertThat(Durations.written(Duration.ofSeconds(Long.MIN_VALUE))).startsWith("PT-");
    }

    @Test
    void aSettingsErrorShowsTheDurationAsWritten() {
        assertThatThrownBy(() -> PropertyPath.of("report").positive(Duration.ZERO, "window"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("abuse-guard.report.window")
                .hasMessageContaining("was 0s");
        assertThatThrownBy(() -> DistinctRule.builder("cards").window(Duration.ofHours(-1)))
                .hasMessageContaining("was -1h")
                .hasMessageNotContaining("PT");
    }

    /** The same for a failure rule's durations, which the first pass missed (`find-time=-1h` showed `PT-1H`). */
    @Test
    void aFailureRuleShowsItsDurationsAsWritten() {
        assertThatThrownBy(() -> FailureRule.builder("login").findTime(Duration.ofHours(-1)))
                .hasMessageContaining("was -1h")
                .hasMessageNotContaining("PT");
        assertThatThrownBy(() -> FailureRule.builder("login")
                        .path("/login")
                        .banTime(Duration.ofHours(2))
                        .maxBanTime(Duration.ofMinutes(90))
                        .build())
                .hasMessageContaining("max-ban-time 1h30m is shorter than ban-time 2h");
    }
}
