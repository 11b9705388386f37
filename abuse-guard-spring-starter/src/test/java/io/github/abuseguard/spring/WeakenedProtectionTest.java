package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.RateLimit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A switch that turns protection down is one start-up warning naming it (probe19 L2). */
@ExtendWith(OutputCaptureExtension.class)
class WeakenedProtectionTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    WebMvcAutoConfiguration.class,
                    AbuseGuardAutoConfiguration.class,
                    AbuseGuardSwitchesAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withBean(Scores.class);

    @RestController
    static class Scores {
        @RateLimit(capacity = 5, period = "1m")
        @GetMapping("/api/scores")
        String scores() {
            return "";
        }
    }

    @Test
    void switchingAbuseGuardOffIsAWarning(CapturedOutput output) {
        runner.withPropertyValues("abuse-guard.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output).contains("WARN").contains("abuse-guard.enabled=false: abuse-guard is off");
        });
    }

    @Test
    void monitorModeIsAWarning(CapturedOutput output) {
        runner.withPropertyValues("abuse-guard.mode=monitor")
                .run(context -> assertThat(output).contains("abuse-guard.mode=monitor: every guard only reports"));
    }

    @Test
    void aGuardSwitchedOffIsAWarningCountingItsAnnotatedRules(CapturedOutput output) {
        runner.withPropertyValues("abuse-guard.rate-limit.enabled=false")
                .run(context -> assertThat(output)
                        .contains("abuse-guard.rate-limit.enabled=false: the rate-limit guard is off; none of its"
                                + " rules applies, 1 from controller annotations included"));
    }

    @Test
    void aGuardInMonitorModeIsAWarning(CapturedOutput output) {
        runner.withPropertyValues("abuse-guard.failure.mode=monitor")
                .run(context ->
                        assertThat(output).contains("abuse-guard.failure.mode=monitor: the failure guard only"));
    }

    @Test
    void aRuleWhosePathsAreAllExemptIsAWarningNamingIt(CapturedOutput output) {
        runner.withPropertyValues(
                        "abuse-guard.routes.exempt=/api/**",
                        "abuse-guard.rate-limit.rules.login.paths=/api/login",
                        "abuse-guard.rate-limit.rules.login.limits[0].capacity=5",
                        "abuse-guard.rate-limit.rules.login.limits[0].period=1m")
                .run(context -> assertThat(output)
                        .contains("abuse-guard.rate-limit.rules.login: every path of the rule (/api/login) is exempt"
                                + " by abuse-guard.routes.exempt [/api/**]")
                        .contains("@RateLimit on Scores.scores: every path of the rule (/api/scores) is exempt"));
    }

    @Test
    void theDefaultsWarnAboutNothing(CapturedOutput output) {
        runner.withPropertyValues("abuse-guard.routes.exempt=/health").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output).doesNotContain("WeakenedProtection");
        });
    }

    @Test
    void anExemptPatternCoversARuleOnlyWhenItMatchesEveryPathOfIt() {
        assertThat(WeakenedProtection.covers("/**", "/api/{id}")).isTrue();
        assertThat(WeakenedProtection.covers("/api/**", "/api/**")).isTrue();
        assertThat(WeakenedProtection.covers("/api/**", "/api/login")).isTrue();
        assertThat(WeakenedProtection.covers("/api/*", "/api/{id}")).isTrue();
        assertThat(WeakenedProtection.covers("/api/**", "/apiary/login")).isFalse();
        assertThat(WeakenedProtection.covers("/api/login", "/api/{id}")).isFalse();
        assertThat(WeakenedProtection.covers("/api/*/x/**", "/api/a/x/y")).isFalse();
        assertThat(WeakenedProtection.coveringPattern(List.of("/health", "/api/**"), "/api/a"))
                .isEqualTo("/api/**");
    }

    private static final String PRINCIPAL_WARNING =
            "runs abuse-guard before Spring Security's filter chain (-100): no request is authenticated there yet";

    @Test
    void aPrincipalSessionBeforeSpringSecurityIsAWarningNamingTheProperty(CapturedOutput output) {
        runner.withPropertyValues("abuse-guard.sequence.session=principal").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output)
                    .contains("WARN")
                    .contains("abuse-guard.sequence.session=principal names principal, but"
                            + " abuse-guard.filter.order=-110 " + PRINCIPAL_WARNING)
                    .contains("set abuse-guard.filter.order after Spring Security's, such as -90");
        });
    }

    @Test
    void aPrincipalKeyOrDistinctBeforeSpringSecurityIsAWarningNamingEach(CapturedOutput output) {
        runner.withPropertyValues(
                        "abuse-guard.rate-limit.rules.per-user.key=ip+principal",
                        "abuse-guard.rate-limit.rules.per-user.limits[0].capacity=5",
                        "abuse-guard.rate-limit.rules.per-user.limits[0].period=1m",
                        "abuse-guard.failure.rules.login.paths=/api/login",
                        "abuse-guard.failure.rules.login.key=ip",
                        "abuse-guard.failure.rules.login.distinct=principal")
                .run(context -> assertThat(output)
                        .contains("abuse-guard.rate-limit.rules.per-user.key=ip+principal names principal")
                        .contains("abuse-guard.failure.rules.login.distinct=principal names principal")
                        .doesNotContain("abuse-guard.failure.rules.login.key"));
    }

    @Test
    void aPrincipalKeyAfterSpringSecurityIsNoWarning(CapturedOutput output) {
        runner.withPropertyValues("abuse-guard.sequence.session=principal", "abuse-guard.filter.order=-90")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output).doesNotContain("names principal");
                });
    }

    @Test
    void aSecurityChainMovedAfterTheFilterIsNoWarning(CapturedOutput output) {
        runner.withPropertyValues("abuse-guard.sequence.session=principal", "spring.security.filter.order=-200")
                .run(context -> assertThat(output).doesNotContain("names principal"));
    }

    @Test
    void aPrincipalKeyWithoutSpringSecurityIsNoWarning(CapturedOutput output) {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.security."))
                .withPropertyValues("abuse-guard.sequence.session=principal")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output).doesNotContain("names principal");
                });
    }
}
