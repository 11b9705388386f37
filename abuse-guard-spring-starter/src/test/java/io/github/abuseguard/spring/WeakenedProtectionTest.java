package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.AbuseGuardExempt;
import io.github.abuseguard.spring.annotation.AbuseGuardMonitor;
import io.github.abuseguard.spring.annotation.RateLimit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.core.io.ByteArrayResource;
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
    void aDispatcherServletAtTheRootIsNoWarning(CapturedOutput output) {
        runner.withPropertyValues("spring.mvc.servlet.path=/")
                .run(context -> assertThat(output).doesNotContain("spring.mvc.servlet.path"));
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

    /** cfg36: the settings a switched-off guard or part ignores are named, so that nothing is silently unused. */
    @Test
    void aGuardSwitchedOffNamesTheSettingsThatTakeNoEffect(CapturedOutput output) {
        runner.withPropertyValues(
                        "abuse-guard.email.enabled=false",
                        "abuse-guard.email.rules.signup.paths=/api/signup",
                        "abuse-guard.email.rules.invite.paths=/api/invite",
                        "abuse-guard.sequence.enabled=false",
                        "abuse-guard.sequence.trail-length=40",
                        "abuse-guard.sequence.max-endpoints=500")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output)
                            .contains("abuse-guard.email.enabled=false: the email guard is off; none of its rules"
                                    + " applies; these settings take no effect: abuse-guard.email.rules.signup,"
                                    + " abuse-guard.email.rules.invite")
                            .contains("abuse-guard.sequence.enabled=false: the sequence guard is off; none of its rules"
                                    + " applies; these settings take no effect: abuse-guard.sequence.trail-length")
                            .as("the endpoint inventory runs without the sequence guard")
                            .doesNotContain("abuse-guard.sequence.max-endpoints");
                });
    }

    @Test
    void aPartSwitchedOffByItsOwnEnabledNamesTheSettingsThatTakeNoEffect(CapturedOutput output) {
        runner.withPropertyValues(
                        "abuse-guard.failure.rules.login.paths=/api/login",
                        "abuse-guard.failure.rules.login.under-attack.window=2m",
                        "abuse-guard.failure.rules.login.under-attack.min-failures=50")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output)
                            .contains("abuse-guard.failure.rules.login.under-attack.enabled=false: this part is off;"
                                    + " these settings take no effect:"
                                    + " abuse-guard.failure.rules.login.under-attack.window,"
                                    + " abuse-guard.failure.rules.login.under-attack.min-failures");
                });
    }

    @Test
    void redisSettingsWithTheLocalStoreAreAWarningNamingThem(CapturedOutput output) {
        runner.withPropertyValues(
                        "abuse-guard.store.type=local",
                        "abuse-guard.store.redis.uri=redis://redis.internal:6379",
                        "abuse-guard.store.redis.key-prefix=shop:")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output)
                            .contains(
                                    "abuse-guard.store.type=local: the redis store is not used; these settings"
                                            + " take no effect: abuse-guard.store.redis.uri, abuse-guard.store.redis.key-prefix")
                            .as("values are not logged: a URI may hold a password")
                            .doesNotContain("redis.internal");
                });
    }

    @Test
    void theDefaultsNameNoUnusedSetting(CapturedOutput output) {
        runner.run(context -> assertThat(output).doesNotContain("take no effect"));
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
    void monitoringEveryRouteIsAWarning(CapturedOutput output) {
        // cfg24 F3: routes.monitor=/** is mode=monitor in effect, and was silent
        runner.withPropertyValues("abuse-guard.routes.monitor=/health,/**")
                .run(context -> assertThat(output)
                        .contains("WARN")
                        .contains("abuse-guard.routes.monitor has '/**': every guard only reports what it would deny"));
    }

    @Test
    void aRuleWhosePathsAreAllMonitoredIsAWarningNamingIt(CapturedOutput output) {
        runner.withPropertyValues(
                        "abuse-guard.routes.monitor=/api/**",
                        "abuse-guard.rate-limit.rules.login.paths=/api/login",
                        "abuse-guard.rate-limit.rules.login.limits[0].capacity=5",
                        "abuse-guard.rate-limit.rules.login.limits[0].period=1m",
                        "abuse-guard.rate-limit.rules.mixed.paths=/api/login,/other",
                        "abuse-guard.rate-limit.rules.mixed.limits[0].capacity=5",
                        "abuse-guard.rate-limit.rules.mixed.limits[0].period=1m")
                .run(context -> {
                    assertThat(output)
                            .contains("abuse-guard.rate-limit.rules.login: every path of the rule (/api/login) is"
                                    + " monitored by abuse-guard.routes.monitor [/api/**], so the rule only reports"
                                    + " what it would deny")
                            .contains("@RateLimit on Scores.scores: every path of the rule (/api/scores) is monitored")
                            .doesNotContain("rules.mixed: every path");
                });
    }

    @Test
    void aRuleBothExemptAndMonitoredIsOneWarningAboutTheExemption(CapturedOutput output) {
        runner.withPropertyValues("abuse-guard.routes.exempt=/api/**", "abuse-guard.routes.monitor=/api/**")
                .run(context -> assertThat(output)
                        .contains("@RateLimit on Scores.scores: every path of the rule (/api/scores) is exempt")
                        .doesNotContain("is monitored by"));
    }

    @AbuseGuardExempt
    @RestController
    static class Internal {
        @RateLimit(capacity = 1, period = "1m")
        @GetMapping("/internal/reindex")
        String reindex() {
            return "";
        }
    }

    @RestController
    static class Trial {
        @AbuseGuardMonitor
        @RateLimit(capacity = 1, period = "1m")
        @GetMapping("/trial")
        String trial() {
            return "";
        }
    }

    @Test
    void anAnnotatedRuleOnAnExemptOrMonitoredHandlerIsAWarningNamingIt(CapturedOutput output) {
        // cfg24 F4: a limit written on an @AbuseGuardExempt controller's method was dropped without a word
        runner.withBean(Internal.class)
                .withBean(Trial.class)
                .run(context -> assertThat(output)
                        .contains(
                                "@RateLimit on Internal.reindex: every path of the rule (/internal/reindex) is exempt by"
                                        + " @AbuseGuardExempt [GET /internal/reindex], so the rule never applies")
                        .contains("@RateLimit on Trial.trial: every path of the rule (/trial) is monitored by"
                                + " @AbuseGuardMonitor [GET /trial], so the rule only reports what it would deny")
                        .doesNotContain("Scores.scores: every path"));
    }

    @Test
    void proofRequiredPathsWithoutTheProofSwitchedOnIsAWarning(CapturedOutput output) {
        // cfg24 F11: the paths looked protected while nothing required a proof
        runner.withPropertyValues("abuse-guard.proof.required-paths=/api/**")
                .run(context -> assertThat(output)
                        .contains("WARN")
                        .contains("abuse-guard.proof.required-paths is set but abuse-guard.proof.enabled is false: no"
                                + " path requires a proof, [/api/**] included"));
        runner.withPropertyValues("abuse-guard.proof.enabled=true", "abuse-guard.proof.required-paths=/api/scores")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output).doesNotContain("[/api/scores] included");
                });
    }

    @Test
    void theActuatorsOwnServerLeftUnguardedIsAWarning(CapturedOutput output) {
        // cfg24 F14
        runner.withPropertyValues("management.server.port=0", "abuse-guard.filter.management-port=false")
                .run(context -> assertThat(output)
                        .contains("WARN")
                        .contains("abuse-guard.filter.management-port=false: no guard checks the requests of the"
                                + " Actuator's server of its own (management.server.port=0)"));
    }

    @Test
    void managementPortOffWithoutAServerOfItsOwnIsNoWarning(CapturedOutput output) {
        runner.withPropertyValues("abuse-guard.filter.management-port=false")
                .run(context -> assertThat(output).doesNotContain("management-port=false"));
    }

    @Test
    void aDurationWithoutAUnitIsOneWarningNamingItsProperty(CapturedOutput output) {
        // cfg24 F13: 'period: 60' is 60 ms by Spring Boot's convention, a limit 1000 times looser than meant
        runner.withPropertyValues(
                        "abuse-guard.rate-limit.rules.per-ip.paths=/api/**",
                        "abuse-guard.rate-limit.rules.per-ip.limits[0].capacity=1",
                        "abuse-guard.rate-limit.rules.per-ip.limits[0].period=60",
                        "abuse-guard.ip-lists.reload-interval=10s")
                .withInitializer(context -> {
                    try {
                        new YamlPropertySourceLoader()
                                .load(
                                        "application.yml",
                                        new ByteArrayResource("abuse-guard:\n  failure-log-interval: 900\n"
                                                .getBytes(StandardCharsets.UTF_8)))
                                .forEach(context.getEnvironment().getPropertySources()::addFirst);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains("has no unit")))
                            .hasSize(2)
                            .allSatisfy(line -> assertThat(line).contains("WARN"))
                            .anySatisfy(line -> assertThat(line)
                                    .contains("abuse-guard.rate-limit.rules.per-ip.limits[0].period: '60' has no unit,"
                                            + " so it is 60 milliseconds; write '60ms' if that is meant, or the unit"
                                            + " you mean ('60s', '60m')"))
                            .anySatisfy(line ->
                                    assertThat(line).contains("abuse-guard.failure-log-interval: '900' has no unit"));
                });
    }

    @Test
    void theCrossSiteCheckSwitchedOffIsAWarning(CapturedOutput output) {
        // cfg24 F3: on by default and run before every guard, yet not a section, so it was skipped
        runner.withPropertyValues("abuse-guard.cross-site.enabled=false")
                .run(context -> assertThat(output)
                        .contains("WARN")
                        .contains("abuse-guard.cross-site.enabled=false: the cross-site check is off"));
    }

    @Test
    void theCrossSiteCheckInMonitorModeIsAWarning(CapturedOutput output) {
        runner.withPropertyValues("abuse-guard.cross-site.mode=monitor")
                .run(context -> assertThat(output)
                        .contains("WARN")
                        .contains("abuse-guard.cross-site.mode=monitor: the cross-site check only reports"));
    }

    @Test
    void anAllowedBlockSpanningPublicSpaceIsAWarningNamingItsProperty(CapturedOutput output) {
        // cfg24 F2: an allow list of 0.0.0.0/0 exempted every client from every guard without a word
        runner.withPropertyValues(
                        "abuse-guard.ip-lists.allow=10.0.0.0/8,0.0.0.0/0,203.0.113.5/8,::/0,198.51.100.0/24,fd00::/8")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains("spans public address space")))
                            .hasSize(3)
                            .allSatisfy(line -> assertThat(line).contains("WARN"))
                            .anySatisfy(line -> assertThat(line)
                                    .contains("abuse-guard.ip-lists.allow[1]: '0.0.0.0/0' spans public address space:"
                                            + " every client in it is exempt from every guard"))
                            .anySatisfy(line -> assertThat(line).contains("allow[2]: '203.0.113.5/8' spans"))
                            .anySatisfy(line -> assertThat(line).contains("allow[3]: '::/0' spans"));
                });
    }

    @Test
    void theDefaultsAndNarrowExemptionsWarnAboutNothing(CapturedOutput output) {
        runner.withPropertyValues(
                        "abuse-guard.routes.exempt=/health",
                        "abuse-guard.routes.monitor=/health,/api/other/**",
                        "abuse-guard.ip-lists.allow=10.0.0.0/8,192.168.0.0/16,198.51.100.0/24,2001:db8::/32")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output)
                            .doesNotContain("WeakenedProtection")
                            .doesNotContain("spans public address space");
                });
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

    /**
     * probe46d F8: after Spring Security, the failures it answers itself (a wrong Basic password) never reach the
     * guards: 50 wrong Actuator passwords, no ban. The order is still allowed (principal keys need it), with a
     * warning saying what it costs.
     */
    @Test
    void aPrincipalKeyAfterSpringSecurityIsNoPrincipalWarningButTheBlindSpotIsOne(CapturedOutput output) {
        runner.withPropertyValues("abuse-guard.sequence.session=principal", "abuse-guard.filter.order=-90")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output)
                            .doesNotContain("names principal")
                            .contains("abuse-guard.filter.order=-90 runs abuse-guard after Spring Security's filter"
                                    + " chain (-100): a request Spring Security answers itself");
                });
    }

    @Test
    void theDefaultOrderIsNoBlindSpotWarning(CapturedOutput output) {
        runner.run(context -> assertThat(output).doesNotContain("runs abuse-guard after Spring Security"));
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
