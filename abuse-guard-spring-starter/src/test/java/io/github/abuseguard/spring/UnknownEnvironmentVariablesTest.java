package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.origin.OriginSettings;
import java.util.List;
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

    private static final String IGNORED = WARNING;

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

    /** probe71a F4: the variable is applied (the rule watches /api/** only) and warned as ignored. */
    @Test
    void aListIndexEndingTheNameIsNotWarnedAsIgnoredWhenItIsApplied(CapturedOutput output) {
        withVariables(Map.of("ABUSEGUARD_ORIGIN_RULES_API_PATHS_0_", "/api/**")).run(context -> {
            assertThat(context).hasNotFailed();
            OriginSettings.Rule rule = context.getBean(AbuseGuardProperties.class)
                    .section(OriginSettings.class)
                    .rules()
                    .get("api");
            assertThat(rule.paths())
                    .as("control: the variable set the rule's paths")
                    .isEqualTo(List.of("/api/**"));
            assertThat(output)
                    .as("the WARN for the variable that set them")
                    .doesNotContain("ABUSEGUARD_ORIGIN_RULES_API_PATHS_0_ " + IGNORED);
        });
    }

    /** probe71a F3: the key the operator wrote is not the key bound, and nothing says so. */
    @Test
    void anApiKeyFromAnEnvironmentVariableIsNotSilentlyBoundUnderAnotherSpelling(CapturedOutput output) {
        withVariables(Map.of(
                        "ABUSEGUARD_ORIGIN_RULES_API_PATHS", "/api/**",
                        "ABUSEGUARD_ORIGIN_RULES_API_APIKEYS_PK_LIVE_ABC_0_", "https://widget.example"))
                .run(context -> {
                    if (context.getStartupFailure() != null) {
                        // refused at start-up: the operator is told where the key came from and how to give it
                        assertThat(context.getStartupFailure())
                                .rootCause()
                                .hasMessageContaining("ABUSEGUARD_ORIGIN_RULES_API_APIKEYS_PK_LIVE_ABC_0_")
                                .hasMessageContaining("SPRING_APPLICATION_JSON");
                        return;
                    }
                    Map<String, List<String>> keys = context.getBean(AbuseGuardProperties.class)
                            .section(OriginSettings.class)
                            .rules()
                            .get("api")
                            .apiKeys();
                    assertThat(keys)
                            .as(
                                    "keys bound from ABUSEGUARD_ORIGIN_RULES_API_APIKEYS_PK_LIVE_ABC_0_ (log: %s)",
                                    output.getOut()
                                            .lines()
                                            .filter(line -> line.contains("APIKEYS"))
                                            .toList())
                            .doesNotContainKey("pk.live.abc");
                });
    }

    /**
     * review122 F4: the check that refuses API keys from environment variables matches any property whose name, without dashes,
     * holds ".apikeys": a rule named apikeys (or api-keys-widget, apikeys2...) whose paths a variable sets fails
     * start-up, told its API key "comes from an environment variable", though the variable sets no key at all.
     */
    @Test
    void aRuleNamedApiKeysMayHaveItsPathsFromAVariable() {
        withVariables(Map.of("ABUSEGUARD_ORIGIN_RULES_APIKEYS_PATHS_0_", "/api/**"))
                .run(context -> {
                    Throwable failure = context.getStartupFailure();
                    Throwable root = failure;
                    while (root != null && root.getCause() != null) {
                        root = root.getCause();
                    }
                    assertThat(failure)
                            .as(
                                    "start-up with the paths of rule 'apikeys' from a variable: %s",
                                    root == null ? "" : root.getMessage())
                            .isNull();
                    OriginSettings.Rule rule = context.getBean(AbuseGuardProperties.class)
                            .section(OriginSettings.class)
                            .rules()
                            .get("apikeys");
                    assertThat(rule.paths()).isEqualTo(List.of("/api/**"));
                });
    }
}
