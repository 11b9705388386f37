package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code abuse-guard.body.*} is the servlet module's section, bound by the plain binder as before. */
class BodySettingsTest {

    @Test
    void theBodySectionComesWithTheServletModuleAndHoldsTheDefaults() {
        BodySettings body = new AbuseGuardSettings().section(BodySettings.class);

        assertThat(new AbuseGuardSettings().section("body")).isInstanceOf(BodySettings.class);
        assertThat(body.maxBytes()).isEqualTo(65536);
        assertThat(body.onUnreadable()).isEqualTo(BodySettings.OnUnreadable.REJECT);
    }

    @Test
    void bothPropertiesBindAndOnUnreadableInAnyCase() {
        BodySettings body = AbuseGuardSettings.bind(
                        Map.of("abuse-guard.body.max-bytes", "4096", "abuse-guard.body.on-unreadable", "Allow"))
                .section(BodySettings.class);

        assertThat(body.maxBytes()).isEqualTo(4096);
        assertThat(body.onUnreadable()).isEqualTo(BodySettings.OnUnreadable.ALLOW);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "abuse-guard.body.on-unreadable | ignore",
                "abuse-guard.body.max-byte | 10",
            })
    void aKeyOrValueThatCannotBindNamesTheKey(String key, String value) {
        assertThatThrownBy(() -> AbuseGuardSettings.bind(Map.of(key, value)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(key + ":");
    }

    @ParameterizedTest(name = "max-bytes={0}")
    @CsvSource({"-1", "0", "255", "1048577"})
    void aBodyCapOutOfRangeFailsNamingTheProperty(String maxBytes) {
        AbuseGuardSettings settings = AbuseGuardSettings.bind(Map.of("abuse-guard.body.max-bytes", maxBytes));

        // probe52b F4: 0 started without a word, and every honest sign-up was refused 413
        assertThatThrownBy(() -> AbuseGuardFilter.builder().settings(settings))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.body.max-bytes: must be between 256 and 1048576, was " + maxBytes);
    }

    @Test
    void aMissingOnUnreadableFailsNamingTheProperty() {
        AbuseGuardSettings settings = new AbuseGuardSettings();
        settings.replaceSection(
                "body",
                new BodySettings(
                        BodySettings.DEFAULT_MAX_BYTES, null, BodySettings.DEFAULT_MAX_CONCURRENT_READS_PER_CLIENT));

        assertThatThrownBy(() -> AbuseGuardFilter.builder().settings(settings))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.body.on-unreadable:");
    }
}
