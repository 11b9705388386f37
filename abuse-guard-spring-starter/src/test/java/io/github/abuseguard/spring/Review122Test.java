package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.origin.OriginSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** review122: failing tests of the findings on the Spring Boot starter. */
class Review122Test {

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

    /**
     * The check that refuses API keys from environment variables matches any property whose name, without dashes,
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
