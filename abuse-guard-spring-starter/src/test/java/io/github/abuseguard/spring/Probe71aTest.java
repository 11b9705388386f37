package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.origin.OriginSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * probe71a F3, F4: origin rules and their API keys given as environment variables (how a container is usually handed
 * its keys). Spring Boot reads {@code ABUSEGUARD_ORIGIN_RULES_API_APIKEYS_PK_LIVE_ABC_0_} as the key
 * {@code pk.live.abc}: a key's case and underscores cannot be written in a variable's name, so the partner's real key
 * {@code pk_live_AbC} is never bound and its widget is refused on every call, while the start-up WARN says both
 * variables set nothing and are ignored (a list index written {@code _0_} at the end of the name, as that WARN advises,
 * is not taken as read).
 */
@ExtendWith(OutputCaptureExtension.class)
class Probe71aTest {

    private static final String IGNORED = "sets no abuse-guard property and is ignored";

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

    /** F4: the variable is applied (the rule watches /api/** only) and warned as ignored. */
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

    /** F3: the key the operator wrote is not the key bound, and nothing says so. */
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
}
