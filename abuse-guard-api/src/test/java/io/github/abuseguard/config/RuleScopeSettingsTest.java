package io.github.abuseguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.LocalStateStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every guard reads a configured rule's paths, methods and key the same way, so a bad one fails start-up
 * naming its property whichever guard the rule belongs to.
 */
class RuleScopeSettingsTest {

    @ParameterizedTest
    @ValueSource(strings = {"origin", "email", "rate-limit", "failure", "volume"})
    void aMethodThatIsNotAnHttpTokenNamesTheRulesMethod(String section) {
        assertThatThrownBy(() -> guard(section, "methods[0]", "GE T"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("'GE T' is not an HTTP method")
                .extracting(e -> ((InvalidSettingException) e).property())
                .isEqualTo("abuse-guard." + section + ".rules.r.methods[0]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"origin", "email", "rate-limit", "failure", "volume"})
    void anUnknownMethodFailsStartUpNamingItsIndex(String section) {
        // a typo would make a rule that never matches: the guard would protect nothing, silently
        assertThatThrownBy(() -> guard(section, "methods", "GET, FOO"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("'FOO' is not an HTTP method")
                .extracting(e -> ((InvalidSettingException) e).property())
                .isEqualTo("abuse-guard." + section + ".rules.r.methods[1]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"get", " Post ", "PROPFIND", "QUERY"})
    void aRegisteredMethodInAnyCaseIsAccepted(String method) {
        assertThat(guard("rate-limit", "methods[0]", method)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"operation", "requires", "forbids"})
    void aSequenceOperationWithAnUnknownMethodNamesItsProperty(String property) {
        Map<String, String> properties = new LinkedHashMap<>();
        String rule = "abuse-guard.sequence.rules.r.";
        properties.put(rule + "operation", "POST /pay");
        properties.put(rule + (property.equals("forbids") ? "forbids" : "requires"), "POST /cart");
        properties.put(rule + property, "FOO /pay");
        AbuseGuardSettings settings = SettingsBinder.bind(properties);

        assertThatThrownBy(() -> SettingsAssembler.guard(settings, "sequence", context()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("'FOO' is not an HTTP method")
                .extracting(e -> ((InvalidSettingException) e).property())
                .isEqualTo(rule + property);
    }

    @ParameterizedTest
    @ValueSource(strings = {"origin", "email", "rate-limit", "failure", "volume"})
    void aMalformedPathNamesItsIndex(String section) {
        assertThatThrownBy(() -> guard(section, "paths[1]", "login"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("must start with '/'")
                .extracting(e -> ((InvalidSettingException) e).property())
                .isEqualTo("abuse-guard." + section + ".rules.r.paths[1]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rate-limit", "failure", "volume"})
    void aMalformedKeyNamesTheRulesKey(String section) {
        assertThatThrownBy(() -> guard(section, "key", "nonsense:"))
                .isInstanceOf(InvalidSettingException.class)
                .extracting(e -> ((InvalidSettingException) e).property())
                .isEqualTo("abuse-guard." + section + ".rules.r.key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"origin", "email", "rate-limit", "failure", "volume"})
    void aWellFormedRuleBuildsItsGuard(String section) {
        assertThat(guard(section, "methods[0]", "post")).isNotNull();
    }

    /** The guard of {@code section} with one rule {@code r} on {@code /login}, plus {@code property=value}. */
    private static Object guard(String section, String property, String value) {
        Map<String, String> properties = new LinkedHashMap<>();
        String rule = "abuse-guard." + section + ".rules.r.";
        properties.put(rule + "paths[0]", "/login");
        if (section.equals("rate-limit")) {
            properties.put(rule + "limits[0].capacity", "10");
            properties.put(rule + "limits[0].period", "1m");
        }
        properties.put(rule + property, value);
        AbuseGuardSettings settings = SettingsBinder.bind(properties);
        return SettingsAssembler.guard(settings, section, context());
    }

    private static GuardContext context() {
        return GuardContext.builder()
                .store(LocalStateStore.builder().build())
                .timeSource(TimeSource.system())
                .build();
    }
}
