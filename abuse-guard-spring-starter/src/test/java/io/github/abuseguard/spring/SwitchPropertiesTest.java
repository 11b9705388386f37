package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.email.internal.BounceNotifications;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * probe13 H1: the {@code abuse-guard.*} switches that decide whether a configuration applies take
 * {@code true} or {@code false} in any case; any other value fails start-up naming the property, where
 * {@code @ConditionalOnBooleanProperty} read it as {@code false} and silently switched the part off.
 */
class SwitchPropertiesTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    AbuseGuardMetricsAutoConfiguration.class,
                    AbuseGuardControlAutoConfiguration.class,
                    AbuseGuardAutoConfiguration.class,
                    AbuseGuardBounceNotificationsAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    private final WebApplicationContextRunner management =
            new WebApplicationContextRunner().withUserConfiguration(AbuseGuardManagementContextConfiguration.class);

    @ParameterizedTest(name = "abuse-guard.enabled={0}")
    @ValueSource(strings = {"yes", "1", "on", "maybe", "ture", "", "no", "0", "off"})
    void anEnabledValueOtherThanTrueOrFalseFailsStartUpNamingTheProperty(String value) {
        runner.withPropertyValues("abuse-guard.enabled=" + value)
                .run(context -> assertNamed(context, "abuse-guard.enabled", value));
    }

    /** review9: the value judged is the one the placeholder resolves to, as the switch's condition reads it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "abuse-guard.enabled=${GUARD_ON_UNSET_IN_TESTS:true}",
                "abuse-guard.proof.enabled=${PROOF_ON_UNSET_IN_TESTS:false}",
                "abuse-guard.logging.pseudonymise-clients=${guard.pseudonymise}"
            })
    void aBooleanGivenThroughAPlaceholderIsJudgedByItsResolvedValue(String property) {
        runner.withPropertyValues(property, "guard.pseudonymise=true")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(AbuseGuard.class));
        runner.withPropertyValues(
                        property.replace(":true}", ":yes}").replace(":false}", ":on}"), "guard.pseudonymise=1")
                .run(context -> assertThat(context).hasFailed());
    }

    @ParameterizedTest(name = "ABUSE_GUARD_ENABLED={0}")
    @ValueSource(strings = {"1", "yes"})
    void anEnvironmentVariableIsCheckedToo(String value) {
        runner.withInitializer(context -> context.getEnvironment()
                        .getPropertySources()
                        .addFirst(
                                new SystemEnvironmentPropertySource("test-env", Map.of("ABUSE_GUARD_ENABLED", value))))
                .run(context -> assertNamed(context, "abuse-guard.enabled", value));
    }

    @ParameterizedTest(name = "abuse-guard.enabled={0}")
    @ValueSource(strings = {"true", "TRUE", "True", " true "})
    void trueInAnyCaseSwitchesItOn(String value) {
        runner.withPropertyValues("abuse-guard.enabled=" + value).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(AbuseGuard.class);
            assertThat(context).hasSingleBean(MicrometerGuardListener.class);
            assertThat(context).hasBean("abuseGuardFilterRegistration");
        });
    }

    @ParameterizedTest(name = "abuse-guard.enabled={0}")
    @ValueSource(strings = {"false", "FALSE", "False"})
    void falseInAnyCaseSwitchesItOff(String value) {
        runner.withPropertyValues("abuse-guard.enabled=" + value).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(AbuseGuard.class);
            assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
        });
    }

    @Test
    void unsetSwitchesKeepTheirDefaults() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(AbuseGuard.class);
            assertThat(context).hasBean("abuseGuardUndecodableFormFilterRegistration");
            assertThat(context).doesNotHaveBean(BounceNotifications.class);
            management.withParent(context).run(child -> {
                assertThat(child).hasNotFailed();
                assertThat(child).hasBean("abuseGuardManagementFilterRegistration");
            });
        });
    }

    @ParameterizedTest(name = "abuse-guard.filter.malformed-form-problem={0}")
    @ValueSource(strings = {"yes", "1"})
    void theMalformedFormSwitchIsChecked(String value) {
        runner.withPropertyValues("abuse-guard.filter.malformed-form-problem=" + value)
                .run(context -> assertNamed(context, "abuse-guard.filter.malformed-form-problem", value));
        runner.withPropertyValues("abuse-guard.filter.malformed-form-problem=FALSE")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean("abuseGuardUndecodableFormFilterRegistration");
                });
    }

    @ParameterizedTest(name = "abuse-guard.bounce-notifications.enabled={0}")
    @ValueSource(strings = {"yes", "1", "on"})
    void theBounceNotificationsSwitchIsChecked(String value) {
        runner.withPropertyValues(
                        "abuse-guard.bounce-notifications.enabled=" + value,
                        "abuse-guard.bounce-notifications.secret=generic-shared-secret-123")
                .run(context -> assertNamed(context, "abuse-guard.bounce-notifications.enabled", value));
        runner.withPropertyValues(
                        "abuse-guard.bounce-notifications.enabled=TRUE",
                        "abuse-guard.bounce-notifications.secret=generic-shared-secret-123")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(BounceNotifications.class);
                });
    }

    @ParameterizedTest(name = "abuse-guard.filter.management-port={0}")
    @ValueSource(strings = {"yes", "1", "on"})
    void theManagementPortSwitchIsChecked(String value) {
        String bad = "abuse-guard.filter.management-port=" + value;
        runner.withPropertyValues(bad)
                .run(main -> management
                        .withParent(main)
                        .withPropertyValues(bad)
                        .run(child -> assertNamed(child, "abuse-guard.filter.management-port", value)));
        String on = "abuse-guard.filter.management-port=TRUE";
        runner.withPropertyValues(on)
                .run(main -> management.withParent(main).withPropertyValues(on).run(child -> {
                    assertThat(child).hasNotFailed();
                    assertThat(child).hasBean("abuseGuardManagementFilterRegistration");
                }));
    }

    /**
     * Every other boolean property binds from true or false only too, as the plain-servlet binder reads
     * it: Spring's own conversion took yes, on and 1 for true.
     */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "abuse-guard.annotations.enabled, yes",
        "abuse-guard.annotations.enabled, 1",
        "abuse-guard.rate-limit.enabled, on",
        "abuse-guard.client.allow-broad-trusted-proxies, yes",
        "abuse-guard.origin.rules.api.allow-null, 1"
    })
    void aBooleanPropertyOtherThanTrueOrFalseFailsStartUpNamingIt(String property, String value) {
        runner.withPropertyValues(property + "=" + value).run(context -> assertNamed(context, property, value));
    }

    @ParameterizedTest(name = "abuse-guard.annotations.enabled={0}")
    @ValueSource(strings = {"FALSE", " false "})
    void aBooleanPropertyTakesFalseInAnyCase(String value) {
        runner.withPropertyValues("abuse-guard.annotations.enabled=" + value)
                .run(context -> assertThat(context.getBean(AbuseGuardProperties.class)
                                .annotations()
                                .enabled())
                        .isFalse());
    }

    private static void assertNamed(AssertableWebApplicationContext context, String property, String value) {
        assertThat(context).hasFailed();
        assertThat(context.getStartupFailure())
                .rootCause()
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage(property + ": '" + value + "' is not true or false");
        FailureAnalysis analysis = new InvalidSettingFailureAnalyzer().analyze(context.getStartupFailure());
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains(property);
        assertThat(analysis.getAction()).contains("'" + property + "'");
    }
}
