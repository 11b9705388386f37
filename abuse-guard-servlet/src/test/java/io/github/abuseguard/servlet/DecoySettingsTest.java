package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code abuse-guard.decoys.NAME.*}: a section of named decoys, each a record, bound by the plain binder. */
class DecoySettingsTest {

    @Test
    void eachNamedDecoyBindsIntoARecordWithTheDefaultsOfWhatItLeavesOut() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("abuse-guard.decoys.img.content-type", "image/png");
        properties.put("abuse-guard.decoys.img.status", "202");
        properties.put("abuse-guard.decoys.default.body", "{}");

        DecoySettings.Named decoys = AbuseGuardSettings.bind(properties).section(DecoySettings.Named.class);

        assertThat(decoys)
                .containsExactly(
                        Map.entry("img", new DecoySettings(202, "image/png", DecoySettings.DEFAULT_BODY)),
                        Map.entry(
                                "default",
                                new DecoySettings(
                                        DecoySettings.DEFAULT_STATUS, DecoySettings.DEFAULT_CONTENT_TYPE, "{}")));
        assertThat(AbuseGuardFilter.builder().settings(AbuseGuardSettings.bind(properties)))
                .isNotNull();
    }

    @Test
    void noDecoysByDefault() {
        assertThat(new AbuseGuardSettings().section(DecoySettings.Named.class)).isEmpty();
    }

    /** Probe 13, M6: a rule naming a decoy nobody defined was answered with the default decoy, silently. */
    @ParameterizedTest
    @ValueSource(strings = {"rate-limit", "origin", "email"})
    void aRuleNamingAnUndefinedDecoyFailsStartUpNamingThePropertyAndTheDecoy(String section) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("abuse-guard.decoys.image.content-type", "image/png");
        properties.put("abuse-guard." + section + ".rules.clone.paths", "/api/**");
        properties.put("abuse-guard." + section + ".rules.clone.decoy", "imgae");

        assertThatThrownBy(() -> AbuseGuardFilter.builder().settings(AbuseGuardSettings.bind(properties)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard." + section + ".rules.clone.decoy:")
                .hasMessageContaining("'imgae'")
                .hasMessageContaining("[default, image]");
    }

    @Test
    void aRuleNamingADefinedDecoyOrTheDefaultIsAccepted() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("abuse-guard.decoys.image.content-type", "image/png");
        properties.put("abuse-guard.rate-limit.rules.clone.decoy", "image");
        properties.put("abuse-guard.origin.rules.api.decoy", "default");

        assertThat(AbuseGuardFilter.builder().settings(AbuseGuardSettings.bind(properties)))
                .isNotNull();
    }

    /** probe46d L11: a 302 decoy carried no Location, which every real redirect does. */
    @ParameterizedTest
    @ValueSource(strings = {"302", "301", "304", "404", "199"})
    void aDecoyThatIsNoSuccessFailsStartUpNamingItsStatus(String status) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("abuse-guard.decoys.moved.status", status);

        assertThatThrownBy(() -> AbuseGuardFilter.builder().settings(AbuseGuardSettings.bind(properties)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.decoys.moved.status:")
                .hasMessageContaining("2xx");
    }

    @Test
    void aNoContentDecoyNeedsAnEmptyBody() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("abuse-guard.decoys.gone.status", "204");

        assertThatThrownBy(() -> AbuseGuardFilter.builder().settings(AbuseGuardSettings.bind(properties)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.decoys.gone.body:");
        properties.put("abuse-guard.decoys.gone.body", "");
        assertThat(AbuseGuardFilter.builder().settings(AbuseGuardSettings.bind(properties)))
                .isNotNull();
    }
}
