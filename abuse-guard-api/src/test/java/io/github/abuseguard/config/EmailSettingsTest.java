package io.github.abuseguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.email.BounceFeedback;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.EmailGuardFactory;
import io.github.abuseguard.email.EmailSettings;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmailSettingsTest {
    private final StateStore store = LocalStateStore.builder().build();

    private DisposableDomains domains(AbuseGuardSettings settings) {
        return EmailGuardFactory.disposableDomains(
                settings.section(EmailSettings.class), PropertyPath.of("email"), store, TimeSource.system());
    }

    @Test
    void theDefaultListIsTheBundledCc0ListAndMailcheckerIsOptIn() {
        DisposableDomains defaults = domains(SettingsBinder.bind(Map.of()));
        assertThat(defaults.match("bot@yopmail.com").source()).isEqualTo("bundled");
        assertThat(defaults.isDisposable("a@0-attorney.com")).isFalse();

        DisposableDomains withMailchecker =
                domains(SettingsBinder.bind(Map.of("abuse-guard.email.sources", "bundled:mailchecker")));
        assertThat(withMailchecker.match("a@0-attorney.com").source()).isEqualTo("mailchecker");
        assertThat(withMailchecker.isDisposable("a@gmail.com")).isFalse();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "abuse-guard.email.sources | bundled:nope | abuse-guard.email.sources[0]",
                "abuse-guard.email.sources | /nonexistent/abuse-guard/list.txt | abuse-guard.email.sources[0]",
                "abuse-guard.email.sources | file:/nonexistent/abuse-guard/list.txt | abuse-guard.email.sources[0]",
                "abuse-guard.email.mx-hosts | not a host | abuse-guard.email.mx-hosts",
                "abuse-guard.email.mx-budget | -1s | abuse-guard.email.mx-budget",
                "abuse-guard.email.bounce-rate | 1.5 | abuse-guard.email.bounce-rate",
                "abuse-guard.email.bounce-rate | -0.1 | abuse-guard.email.bounce-rate",
                "abuse-guard.email.bounce-threshold | 0 | abuse-guard.email.bounce-threshold",
            })
    void aValueThatCannotWorkFailsNamingTheProperty(String key, String value, String named) {
        AbuseGuardSettings settings = SettingsBinder.bind(Map.of(key, value, "abuse-guard.email.mx-check", "true"));
        assertThatThrownBy(() -> {
                    DisposableDomains domains = domains(settings);
                    BounceFeedback feedback = EmailGuardFactory.bounceFeedback(
                            settings.section(EmailSettings.class), PropertyPath.of("email"), store, domains, true);
                    assertThat(feedback).isNotNull();
                })
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(named + ":");
    }
}
