package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.internal.DeniedClients;
import io.github.abuseguard.volume.VolumeGuard;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class ModeGaugesTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    AbuseGuardMetricsAutoConfiguration.class,
                    AbuseGuardAutoConfiguration.class,
                    AbuseGuardModeGaugesAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues(
                    "abuse-guard.failure.rules.login.paths=/api/login",
                    "abuse-guard.failure.rules.login.under-attack.enabled=true",
                    "abuse-guard.volume.rules.scores.paths=/api/scores/{game},/api/teams/{team}",
                    "abuse-guard.volume.rules.scores.under-scrape.enabled=true",
                    "abuse-guard.volume.rules.scores.rate-baseline.enabled=true",
                    "abuse-guard.volume.rules.cards.paths=/api/giftcards/{code}");

    @Test
    void everyWatchedRuleHasAModeGaugeThatShowsWhenItsRoutesAreUnderAttackOrScrape() {
        runner.run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get(ModeGauges.UNDER_ATTACK)
                            .tag("rule", "login")
                            .gauge()
                            .value())
                    .isZero();
            assertThat(registry.get(ModeGauges.UNDER_SCRAPE)
                            .tag("rule", "scores")
                            .gauge()
                            .value())
                    .isZero();
            assertThat(registry.find(ModeGauges.UNDER_SCRAPE)
                            .tag("rule", "cards")
                            .gauge())
                    .as("a rule without a scrape detector has no series")
                    .isNull();

            AbuseGuard engine = context.getBean(AbuseGuard.class);
            VolumeGuard volume = (VolumeGuard) engine.guards().stream()
                    .filter(guard -> guard.name().equals(VolumeGuard.NAME))
                    .findFirst()
                    .orElseThrow();
            for (int i = 0; i < 20_000 && volume.underScrape().isEmpty(); i++) {
                engine.evaluate(GuardRequest.builder("GET", "/api/scores/item-" + i)
                        .client("172.16." + (i % 250) + ".1") // a network counts as one client
                        .build());
            }
            assertThat(registry.get(ModeGauges.UNDER_SCRAPE)
                            .tag("rule", "scores")
                            .gauge()
                            .value())
                    .isEqualTo(1);
        });
    }

    @Test
    void aModeTheSharedStoreCannotTellReadsNaNWithoutAFailingValueFunction(CapturedOutput output) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // nothing listens there once closed: Redis is down
        }
        runner.withPropertyValues(
                        "abuse-guard.store.type=redis",
                        "abuse-guard.store.redis.uri=redis://127.0.0.1:" + closedPort,
                        "abuse-guard.store.redis.timeout=150ms",
                        "abuse-guard.store.redis.outage-policy=fail-closed",
                        "abuse-guard.store.redis.key-prefix=mode-gauges-test:")
                .run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get(ModeGauges.UNDER_ATTACK)
                                    .tag("rule", "login")
                                    .gauge()
                                    .value())
                            .isNaN();
                    assertThat(registry.get(ModeGauges.UNDER_SCRAPE)
                                    .tag("rule", "scores")
                                    .gauge()
                                    .value())
                            .isNaN();
                });
        assertThat(output.getAll())
                .as("an outage is no gauge's failure: Micrometer logs a WARN and a stack trace for a throwing gauge")
                .doesNotContain("Failed to apply the value function");
    }

    @Test
    void theLearnedRatesOfEveryRouteAreGauges() {
        runner.run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            for (String route : new String[] {"/api/scores/{game}", "/api/teams/{team}"}) {
                for (String quantile : new String[] {"p50", "p90", "p99"}) {
                    assertThat(registry.get(ModeGauges.RATE_BASELINE)
                                    .tag("rule", "scores")
                                    .tag("route", route)
                                    .tag("percentile", quantile)
                                    .gauge()
                                    .value())
                            .as("nothing learned yet")
                            .isZero();
                }
            }
            VolumeGuard volume = (VolumeGuard) context.getBean(AbuseGuard.class).guards().stream()
                    .filter(guard -> guard.name().equals(VolumeGuard.NAME))
                    .findFirst()
                    .orElseThrow();
            volume.importBaselines("{\"scores\":{\"rates\":{\"/api/teams/{team}\":"
                    + "{\"p50\":4,\"p90\":9,\"p99\":15,\"clients\":300,\"windows\":40}}}}");
            assertThat(registry.get(ModeGauges.RATE_BASELINE)
                            .tag("route", "/api/teams/{team}")
                            .tag("percentile", "p99")
                            .gauge()
                            .value())
                    .isEqualTo(15);
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theActuatorShowsTheLearnedRatesPerRoute() {
        runner.run(context -> {
            AbuseGuard engine = context.getBean(AbuseGuard.class);
            VolumeGuard volume = (VolumeGuard) engine.guards().stream()
                    .filter(guard -> guard.name().equals(VolumeGuard.NAME))
                    .findFirst()
                    .orElseThrow();
            volume.importBaselines("{\"scores\":{\"rates\":{\"/api/scores/{game}\":"
                    + "{\"p50\":2,\"p90\":6,\"p99\":11,\"clients\":120,\"windows\":45}}}}");
            Map<String, Object> report =
                    new AbuseGuardEndpoint(engine, context.getBean(DeniedClients.class), 10).report();
            Map<String, Map<String, Object>> baselines =
                    (Map<String, Map<String, Object>>) report.get("volumeBaselines");
            Map<String, Map<String, Number>> rates =
                    (Map<String, Map<String, Number>>) baselines.get("scores").get("rates");
            assertThat(rates.get("/api/scores/{game}"))
                    .containsEntry("p50", 2.0)
                    .containsEntry("p90", 6.0)
                    .containsEntry("p99", 11.0)
                    .containsEntry("bound", 110.0);
        });
    }
}
