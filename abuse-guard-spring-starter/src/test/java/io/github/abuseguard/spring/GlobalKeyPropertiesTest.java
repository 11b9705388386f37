package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.spring.annotation.FailureLimit;
import io.github.abuseguard.spring.annotation.RateLimit;
import io.github.abuseguard.spring.annotation.VolumeLimit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code key: global}: a rate-limit rule's cap for every client together binds from properties and from
 * {@link RateLimit}; a failure or volume rule, or the sequence guard's session, refuses it at start-up
 * naming the property or the annotation.
 */
class GlobalKeyPropertiesTest {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));

    private static GuardRequest signUp(String address) {
        return GuardRequest.builder("POST", "/api/signup").client(address).build();
    }

    @Test
    void aRateLimitRuleKeyedGlobalCapsTheRouteForEveryClientTogether() {
        runner.withPropertyValues(
                        "abuse-guard.rate-limit.rules.signup-site.paths=/api/signup",
                        "abuse-guard.rate-limit.rules.signup-site.key=global",
                        "abuse-guard.rate-limit.rules.signup-site.limits[0].capacity=2",
                        "abuse-guard.rate-limit.rules.signup-site.limits[0].period=1m",
                        "abuse-guard.rate-limit.rules.signup-per-ip.paths=/api/signup",
                        "abuse-guard.rate-limit.rules.signup-per-ip.limits[0].capacity=1",
                        "abuse-guard.rate-limit.rules.signup-per-ip.limits[0].period=10m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    assertThat(engine.guards()).anyMatch(RateLimitGuard.class::isInstance);

                    assertThat(engine.evaluate(signUp("203.0.113.7")).isDenied())
                            .isFalse();
                    assertThat(engine.evaluate(signUp("203.0.113.7")).decision().rule())
                            .as("its own limit refuses it, the cap is untouched")
                            .isEqualTo("signup-per-ip");
                    assertThat(engine.evaluate(signUp("198.51.100.1")).isDenied())
                            .isFalse();
                    Evaluation capped = engine.evaluate(signUp("192.0.2.1"));
                    assertThat(capped.decision().rule()).isEqualTo("signup-site");
                    assertThat(capped.decision().reason()).isEqualTo(RateLimitGuard.CAPACITY_REACHED);
                });
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("abuse-guard.failure.rules.login.key", new String[] {
                    "abuse-guard.failure.rules.login.paths=/api/login", "abuse-guard.failure.rules.login.key=global"
                }),
                Arguments.of("abuse-guard.failure.rules.login.distinct", new String[] {
                    "abuse-guard.failure.rules.login.paths=/api/login",
                    "abuse-guard.failure.rules.login.distinct=global"
                }),
                Arguments.of("abuse-guard.volume.rules.cards.key", new String[] {
                    "abuse-guard.volume.rules.cards.paths=/api/cards/{code}",
                    "abuse-guard.volume.rules.cards.key=global"
                }),
                Arguments.of("abuse-guard.sequence.session", new String[] {
                    "abuse-guard.sequence.rules.verified.operation=POST /checkout",
                    "abuse-guard.sequence.rules.verified.requires=POST /verify-email",
                    "abuse-guard.sequence.session=global"
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aGuardThatWouldRefuseEveryClientForOnesDoingRefusesGlobalAtStartUp(String property, String[] values) {
        runner.withPropertyValues(values).run(context -> {
            Throwable failure = context.getStartupFailure();
            assertThat(failure)
                    .isNotNull()
                    .rootCause()
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining(property + ": ")
                    .hasMessageContaining("global");
            FailureAnalysis analysis = new InvalidSettingFailureAnalyzer().analyze(failure);
            assertThat(analysis).isNotNull();
            assertThat(analysis.getAction()).contains("'" + property + "'");
        });
    }

    @RestController
    static class SignUps {
        @RateLimit(name = "signup-site", capacity = 100, period = "1m", key = "global")
        @RateLimit(name = "signup-per-ip", capacity = 5, period = "10m")
        @PostMapping("/api/signup")
        String signUp() {
            return "";
        }
    }

    @RestController
    static class GlobalFailures {
        @FailureLimit(statuses = "401", key = "global")
        @PostMapping("/api/login")
        String login() {
            return "";
        }
    }

    @RestController
    static class GlobalVolume {
        @VolumeLimit(maxDistinct = 3, window = "1h", key = "global")
        @GetMapping("/api/cards/{code}")
        String card(@PathVariable String code) {
            return code;
        }
    }

    @Test
    void aRateLimitAnnotationTakesTheGlobalKey() {
        List<RateLimitRule> rules = new RateLimitReader().read(Handlers.of(SignUps.class));

        assertThat(rules).extracting(RateLimitRule::name).containsExactly("signup-site", "signup-per-ip");
        assertThat(rules.get(0).keyResolver().isGlobal()).isTrue();
        assertThat(rules.get(1).keyResolver().isGlobal()).isFalse();
    }

    @Test
    void aFailureOrVolumeAnnotationKeyedGlobalFailsStartUpNamingTheHandlerAndAttribute() {
        assertThatThrownBy(() -> new FailureLimitReader().read(Handlers.of(GlobalFailures.class)))
                .isInstanceOf(InvalidAnnotationException.class)
                .hasMessageContaining("GlobalFailures.login")
                .hasMessageContaining("key")
                .hasMessageContaining("only a rate-limit rule");
        assertThatThrownBy(() -> new VolumeLimitReader().read(Handlers.of(GlobalVolume.class)))
                .isInstanceOf(InvalidAnnotationException.class)
                .hasMessageContaining("GlobalVolume.card")
                .hasMessageContaining("only a rate-limit rule");
    }
}
