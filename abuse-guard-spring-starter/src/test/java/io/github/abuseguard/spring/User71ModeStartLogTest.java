package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.volume.VolumeGuard;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * user71 F4: when a route goes under scrape (or under attack) every client without a history is refused for
 * {@code duration}, legitimate newcomers included, yet the operator's log says nothing of it: no line when the mode
 * starts or ends, only the decision log's sampled per-request denials (at most one a second per guard, each naming one
 * client). The gauge is there; the log, which is what an operator reads when users call, is silent.
 */
@ExtendWith(OutputCaptureExtension.class)
class User71ModeStartLogTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    AbuseGuardMetricsAutoConfiguration.class,
                    AbuseGuardAutoConfiguration.class,
                    AbuseGuardModeGaugesAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues(
                    "abuse-guard.volume.rules.scores.paths=/api/scores/{game}",
                    "abuse-guard.volume.rules.scores.under-scrape.enabled=true");

    @Test
    void aRouteGoingUnderScrapeIsLoggedNamingItsRule(CapturedOutput output) {
        runner.run(context -> {
            AbuseGuard engine = context.getBean(AbuseGuard.class);
            VolumeGuard volume = (VolumeGuard) engine.guards().stream()
                    .filter(guard -> guard.name().equals(VolumeGuard.NAME))
                    .findFirst()
                    .orElseThrow();
            for (int i = 0; i < 20_000 && volume.underScrape().isEmpty(); i++) {
                engine.evaluate(GuardRequest.builder("GET", "/api/scores/item-" + i)
                        .client("172.16." + (i % 250) + ".1")
                        .build());
            }
            assertThat(volume.underScrape()).as("the mode started").isNotEmpty();
        });
        assertThat(Arrays.stream(output.getAll().split("\\R"))
                        .filter(line -> !line.contains("abuse-guard deny")) // the sampled per-request lines
                        .filter(line -> line.contains("scores"))
                        .anyMatch(line -> line.toLowerCase().matches(".*under[ -]scrape.*")))
                .as("a log line says that rule 'scores' put its routes under scrape")
                .isTrue();
    }
}
