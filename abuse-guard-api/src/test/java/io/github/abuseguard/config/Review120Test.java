package io.github.abuseguard.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** review120: failing tests of the findings on the plain settings binder. */
class Review120Test {

    /**
     * {@code AbuseGuardSettings.bind(Map)} (the public plain binder) given a rule's paths whole and by index under one
     * spelling: {@code Binding.index} notes the list under its spelling, which is the very key that set it whole, so
     * nothing clashes, and the later key silently wins: bound as paths [/elsewhere], the rule no longer watching
     * /api/login (in the other order [/api/login]). The same pair under two spellings is refused (review119 F2), and
     * SettingsFile refuses this one before binding, but a map handed to bind() directly (system properties, a
     * container's parameters) is not read by SettingsFile.
     */
    @Test
    void pathsSetWholeAndByIndexUnderOneSpellingFail() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("abuse-guard.rate-limit.rules.login.paths", "/api/login");
        properties.put("abuse-guard.rate-limit.rules.login.limits[0].capacity", "5");
        properties.put("abuse-guard.rate-limit.rules.login.limits[0].period", "1m");
        properties.put("abuse-guard.rate-limit.rules.login.paths[0]", "/elsewhere");

        assertThatThrownBy(() -> AbuseGuardSettings.bind(properties))
                .as("one list given whole and by index")
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("twice");
    }
}
