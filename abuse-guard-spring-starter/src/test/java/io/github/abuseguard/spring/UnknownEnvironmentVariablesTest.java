package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** An {@code ABUSE_GUARD_*} environment variable that sets no property is a start-up warning (probe19 L1). */
@ExtendWith(OutputCaptureExtension.class)
class UnknownEnvironmentVariablesTest {

    private static final String WARNING = "sets no abuse-guard property and is ignored";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));

    private WebApplicationContextRunner withVariables(Map<String, Object> variables) {
        return runner.withInitializer(context -> context.getEnvironment()
                .getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables)));
    }

    @Test
    void aMisspeltVariableIsAWarningNamingIt(CapturedOutput output) {
        withVariables(Map.of("ABUSE_GUARD_RATE_LIMT_MODE", "monitor")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output).contains("Environment variable ABUSE_GUARD_RATE_LIMT_MODE " + WARNING);
        });
    }

    @Test
    void aVariableInAFormSpringBootDoesNotMapIsAWarningEvenWhenAFileSetsTheProperty(CapturedOutput output) {
        withVariables(Map.of("ABUSE_GUARD_RATELIMIT_RULES_SCORES_LIMITS_0_CAPACITY", "-5"))
                .withPropertyValues(
                        "abuse-guard.rate-limit.rules.scores.paths=/api/scores",
                        "abuse-guard.rate-limit.rules.scores.limits[0].capacity=5",
                        "abuse-guard.rate-limit.rules.scores.limits[0].period=1m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output)
                            .contains("Environment variable ABUSE_GUARD_RATELIMIT_RULES_SCORES_LIMITS_0_CAPACITY "
                                    + WARNING);
                });
    }

    @Test
    void variablesThatSetPropertiesAreNotWarnedAbout(CapturedOutput output) {
        withVariables(Map.of(
                        "ABUSE_GUARD_RATE_LIMIT_MODE", "monitor",
                        "ABUSEGUARD_FAILUREPOLICY", "fail-closed",
                        "ABUSEGUARD_RATELIMIT_RULES_SCORES_PATHS", "/api/scores",
                        "ABUSEGUARD_RATELIMIT_RULES_SCORES_LIMITS_0_CAPACITY", "5",
                        "ABUSEGUARD_RATELIMIT_RULES_SCORES_LIMITS_0_PERIOD", "1m",
                        "ABUSE_GUARD_FILTER_MANAGEMENT_PORT", "false",
                        "PATH", "/usr/bin"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output).doesNotContain(WARNING);
                });
    }

    @Test
    void aPropertyMapsToItsTwoVariableNames() {
        assertThat(UnknownEnvironmentVariables.variableNames(
                        ConfigurationPropertyName.of("abuse-guard.rate-limit.rules.per-ip.limits[0].capacity")))
                .containsExactly(
                        "ABUSEGUARD_RATELIMIT_RULES_PERIP_LIMITS_0_CAPACITY",
                        "ABUSE_GUARD_RATE_LIMIT_RULES_PER_IP_LIMITS_0_CAPACITY");
    }
}
