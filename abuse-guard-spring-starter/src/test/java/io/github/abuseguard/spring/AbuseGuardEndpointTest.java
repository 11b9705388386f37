package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardDescription;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.internal.DeniedClients;
import io.github.abuseguard.sequence.SequenceGuard;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class AbuseGuardEndpointTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withPropertyValues(
                    "abuse-guard.rate-limit.rules.per-ip.limits[0].capacity=2",
                    "abuse-guard.rate-limit.rules.per-ip.limits[0].period=1m",
                    "abuse-guard.origin.rules.forms.allowed-origins=https://shop.example",
                    "abuse-guard.email.rules.signup.paths=/signup");

    /** A user's own guard whose description tries to overwrite the report's own fields. */
    static final class LoudGuard implements Guard {
        @Override
        public String name() {
            return "loud";
        }

        @Override
        public Decision check(GuardRequest request) {
            return Decision.allow();
        }

        @Override
        public GuardDescription describe() {
            return GuardDescription.builder("loud")
                    .rule("one", "code", Map.of("limit", 3))
                    .state("mode", "off")
                    .state("rules", List.of())
                    .state("loudness", 11)
                    .build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Loud {
        @Bean
        AbuseGuardCustomizer loud() {
            return builder -> builder.guard(new LoudGuard());
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rules(Map<String, Object> report) {
        return (List<Map<String, Object>>) report.get("rules");
    }

    private static Map<String, Object> report(AssertableWebApplicationContext context) {
        return new AbuseGuardEndpoint(context.getBean(AbuseGuard.class), context.getBean(DeniedClients.class), 5)
                .report();
    }

    @Test
    void aRateLimitRuleIsReportedWithItsSourceAndLimitsAsBefore() {
        runner.run(context -> assertThat(rules(report(context)))
                .anySatisfy(rule -> assertThat(rule)
                        .containsEntry("guard", "rate-limit")
                        .containsEntry("name", "per-ip")
                        .containsEntry("source", "properties")
                        .containsEntry("action", "throttle")
                        .containsEntry(
                                "limits",
                                List.of(Map.of(
                                        "capacity", 2L, "refillTokens", 2L, "period", "PT1M", "refill", "greedy")))));
    }

    @Test
    void originAndEmailRulesAreReportedByTheirGuards() {
        runner.run(context -> {
            List<Map<String, Object>> rules = rules(report(context));
            assertThat(rules)
                    .anySatisfy(rule -> assertThat(rule)
                            .containsEntry("guard", "origin")
                            .containsEntry("name", "forms")
                            .containsEntry("allowedOrigins", List.of("https://shop.example"))
                            .containsEntry("missing", "flag"));
            assertThat(rules)
                    .anySatisfy(rule -> assertThat(rule)
                            .containsEntry("guard", "disposable-email")
                            .containsEntry("name", "signup")
                            .containsEntry("paths", List.of("/signup"))
                            .containsEntry("field", "/email"));
        });
    }

    @Test
    void aCustomGuardIsReportedButCannotOverwriteTheReportsOwnFields() {
        runner.withUserConfiguration(Loud.class).run(context -> {
            Map<String, Object> report = report(context);
            assertThat(report).containsEntry("mode", "enforce").containsEntry("loudness", 11);
            assertThat(rules(report))
                    .anySatisfy(rule -> assertThat(rule)
                            .containsEntry("guard", "loud")
                            .containsEntry("source", "code")
                            .containsEntry("limit", 3));
        });
    }

    @Test
    void aSequenceRuleAndTheEndpointInventoryAreReported() {
        runner.withPropertyValues(
                        "abuse-guard.sequence.rules.verified.operation=POST /checkout",
                        "abuse-guard.sequence.rules.verified.requires=POST /verify-email",
                        "abuse-guard.sequence.rules.verified.within=10m")
                .run(context -> {
                    Map<String, Object> report = report(context);
                    assertThat(report).containsEntry("inventory", List.of());
                    assertThat(rules(report))
                            .anySatisfy(rule -> assertThat(rule)
                                    .containsEntry("guard", "sequence")
                                    .containsEntry("operation", "POST /checkout")
                                    .containsEntry("requires", "POST /verify-email")
                                    .containsEntry("statusClass", "2xx")
                                    .containsEntry("within", "PT10M"));
                });
    }

    @Test
    void theEndpointInventoryIsReportedWithTheSequenceGuardSwitchedOff() {
        runner.withPropertyValues("abuse-guard.sequence.enabled=false").run(context -> {
            AbuseGuard engine = context.getBean(AbuseGuard.class);
            GuardRequest request = GuardRequest.builder("GET", "/api/orders/7")
                    .route("/api/orders/{id}")
                    .build();
            engine.evaluate(request);
            engine.complete(request, 200);

            assertThat(engine.guards()).extracting(Guard::name).doesNotContain("sequence");
            assertThat(report(context))
                    .containsEntry(
                            "inventory",
                            List.of(Map.of(
                                    "template",
                                    "/api/orders/{id}",
                                    "methods",
                                    List.of("GET"),
                                    "requests",
                                    1L,
                                    "statusClasses",
                                    Map.of("2xx", 1L))));
        });
    }

    private static SequenceGuard sequenceGuard(AbuseGuard engine) {
        return engine.guards().stream()
                .filter(SequenceGuard.class::isInstance)
                .map(SequenceGuard.class::cast)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theSequenceGuardFoldsPathsWithTheInventoryTheEngineFeeds() {
        runner.withPropertyValues(
                        "abuse-guard.sequence.rules.verified.operation=POST /checkout",
                        "abuse-guard.sequence.rules.verified.requires=POST /verify-email")
                .run(context -> {
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    SequenceGuard sequence = sequenceGuard(engine);
                    assertThat(engine.observers()).containsOnlyOnce(sequence.inventory());
                    GuardRequest request =
                            GuardRequest.builder("GET", "/api/items/9").build();
                    engine.evaluate(request);
                    engine.complete(request, 200);
                    assertThat(sequence.inventory().endpoints()).hasSize(1);
                });
    }

    @Test
    void theEndpointInventorySwitchedOffIsNotReported() {
        runner.withPropertyValues("abuse-guard.sequence.inventory=false")
                .run(context -> assertThat(report(context)).doesNotContainKey("inventory"));
    }

    @Test
    void withoutTheActuatorNothingCouldReadApiDiscoverySoNoRequestFeedsIt() {
        runner.withClassLoader(new FilteredClassLoader(Endpoint.class)).run(context -> {
            AbuseGuard engine = context.getBean(AbuseGuard.class);
            assertThat(engine.observers()).noneMatch(EndpointInventory.class::isInstance);
        });
        runner.run(context -> assertThat(context.getBean(AbuseGuard.class).observers())
                .anyMatch(EndpointInventory.class::isInstance));
    }

    @Test
    void withoutTheActuatorTheInventorysSettingsAreStillChecked() {
        runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
                .withPropertyValues("abuse-guard.sequence.cardinality-threshold=0")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("abuse-guard.sequence.cardinality-threshold"));
    }

    @Test
    void withoutTheActuatorTheSequenceGuardFoldsPathsWithAnInventoryOfItsOwn() {
        runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
                .withPropertyValues(
                        "abuse-guard.sequence.rules.verified.operation=POST /checkout",
                        "abuse-guard.sequence.rules.verified.requires=POST /verify-email")
                .run(context -> {
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    SequenceGuard sequence = sequenceGuard(engine);
                    assertThat(engine.observers()).doesNotContain(sequence.inventory());
                    assertThat(sequence.inventory().template("/checkout", null)).isEqualTo("/checkout");
                });
    }
}
