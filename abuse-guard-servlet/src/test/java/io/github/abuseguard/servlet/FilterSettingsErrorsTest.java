package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Probe 13, L1: a bad value of the filter's own sections fails start-up naming the property itself, not
 * the section it is in ({@code abuse-guard.tarpit.delay}, not {@code abuse-guard.tarpit}).
 */
class FilterSettingsErrorsTest {

    private static void assertRefused(String property, String value, String... more) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < more.length; i += 2) {
            properties.put(more[i], more[i + 1]);
        }
        properties.put(property, value);
        assertThatThrownBy(() -> AbuseGuardFilter.builder().settings(AbuseGuardSettings.bind(properties)))
                .as("%s=%s", property, value)
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(property + ":");
    }

    @Test
    void aBadTarpitValueIsNamedByItsProperty() {
        assertRefused("abuse-guard.tarpit.delay", "0s");
        assertRefused("abuse-guard.tarpit.max-concurrent", "0");
        assertRefused("abuse-guard.tarpit.max-concurrent-per-client", "-1");
    }

    /** probe46d L1: a per-client bound set above the whole tarpit's was accepted; the default is left to it. */
    @Test
    void aTarpitPerClientBoundAboveTheWholeTarpitsIsRefused() {
        assertRefused("abuse-guard.tarpit.max-concurrent-per-client", "20", "abuse-guard.tarpit.max-concurrent", "10");
        assertThat(AbuseGuardFilter.builder()
                        .settings(AbuseGuardSettings.bind(Map.of("abuse-guard.tarpit.max-concurrent", "3"))))
                .isNotNull();
    }

    /** probe46d L9: {@code tag-header=Authorization} removed every client's credentials before the application. */
    @Test
    void aTagHeaderThatCarriesSomethingElseIsRefused() {
        assertRefused("abuse-guard.responses.tag-header", "Authorization");
        assertRefused("abuse-guard.responses.tag-header", "cookie");
        assertRefused("abuse-guard.responses.tag-header", "X Risk");
    }

    /** probe46d L10: a problem-type base that is no URI made every problem's type invalid. */
    @Test
    void aProblemTypeBaseThatIsNoUriIsRefused() {
        assertRefused("abuse-guard.responses.problem-type-base", "not a uri");
    }

    @Test
    void aBadProofValueIsNamedByItsProperty() {
        String on = "abuse-guard.proof.enabled";
        assertRefused("abuse-guard.proof.path", "/proof.js", on, "true");
        assertRefused("abuse-guard.proof.difficulty", "23", on, "true");
        assertRefused("abuse-guard.proof.challenge-ttl", "5s", on, "true");
        assertRefused("abuse-guard.proof.secret", "too short", on, "true");
    }

    @Test
    void aBadDecoyValueIsNamedByItsProperty() {
        assertRefused("abuse-guard.decoys.image.status", "500");
        assertRefused("abuse-guard.decoys.image.content-type", "", "abuse-guard.decoys.image.status", "200");
    }

    @Test
    void aBadPathPatternIsNamedByItsPropertyAndIndex() {
        assertRefused(
                "abuse-guard.proof.required-paths[1]",
                "/cart*",
                "abuse-guard.proof.enabled",
                "true",
                "abuse-guard.proof.required-paths[0]",
                "/checkout/**");
    }
}
