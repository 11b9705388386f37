package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.config.AbuseGuardSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
