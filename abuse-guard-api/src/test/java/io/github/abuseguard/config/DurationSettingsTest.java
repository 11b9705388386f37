package io.github.abuseguard.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.EmailGuardFactory;
import io.github.abuseguard.email.EmailSettings;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.LocalStateStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every duration property of the engine and of every guard refuses a value that cannot work (a zero
 * window, a negative time) at start-up, naming that property and not a neighbour of it.
 */
class DurationSettingsTest {

    /** The least each section needs for its guard to be built, so its durations are read. */
    private static final Map<String, String> GUARDS = Map.ofEntries(
            Map.entry("abuse-guard.rate-limit.rules.x.limits[0].capacity", "5"),
            Map.entry("abuse-guard.rate-limit.rules.x.limits[0].period", "1m"),
            Map.entry("abuse-guard.failure.rules.x.paths[0]", "/login"),
            Map.entry("abuse-guard.failure.rules.x.under-attack.enabled", "true"),
            Map.entry("abuse-guard.volume.rules.x.paths[0]", "/items/{id}"),
            Map.entry("abuse-guard.volume.rules.x.under-scrape.enabled", "true"),
            Map.entry("abuse-guard.volume.rules.x.rate-baseline.enabled", "true"),
            Map.entry("abuse-guard.sequence.rules.x.operation", "POST /pay"),
            Map.entry("abuse-guard.sequence.rules.x.requires", "POST /cart"),
            Map.entry("abuse-guard.email.rules.x.paths[0]", "/signup"));

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "abuse-guard.failure-log-interval | -1s",
                "abuse-guard.rate-limit.rules.x.limits[0].period | 0s",
                "abuse-guard.rate-limit.rules.x.limits[0].period | -1m",
                "abuse-guard.failure.history-ttl | 0s",
                "abuse-guard.failure.history-ttl | -1h",
                "abuse-guard.failure.rules.x.find-time | 0s",
                "abuse-guard.failure.rules.x.find-time | -1m",
                "abuse-guard.failure.rules.x.ban-time | 0s",
                "abuse-guard.failure.rules.x.ban-time | -1m",
                "abuse-guard.failure.rules.x.max-ban-time | 0s",
                "abuse-guard.failure.rules.x.max-ban-time | -1h",
                "abuse-guard.failure.rules.x.under-attack.window | 0s",
                "abuse-guard.failure.rules.x.under-attack.window | -1s",
                "abuse-guard.failure.rules.x.under-attack.slow-window | -1m",
                "abuse-guard.failure.rules.x.under-attack.duration | 0s",
                "abuse-guard.failure.rules.x.under-attack.duration | -1m",
                "abuse-guard.volume.rules.x.window | 0s",
                "abuse-guard.volume.rules.x.window | -1m",
                "abuse-guard.volume.rules.x.under-scrape.window | 0s",
                "abuse-guard.volume.rules.x.under-scrape.window | -1s",
                "abuse-guard.volume.rules.x.under-scrape.duration | 0s",
                "abuse-guard.volume.rules.x.under-scrape.duration | -1m",
                "abuse-guard.volume.rules.x.rate-baseline.window | 0s",
                "abuse-guard.volume.rules.x.rate-baseline.window | -1m",
                "abuse-guard.sequence.idle-gap | 0s",
                "abuse-guard.sequence.idle-gap | -1m",
                "abuse-guard.sequence.rules.x.within | 0s",
                "abuse-guard.sequence.rules.x.within | -1m",
                "abuse-guard.sequence.rules.x.minimum-delay | -1s",
                "abuse-guard.email.refresh-interval | 0s",
                "abuse-guard.email.refresh-interval | -1h",
                "abuse-guard.email.mx-budget | -1ms",
                "abuse-guard.ip-lists.reload-interval | 0s",
                "abuse-guard.ip-lists.reload-interval | -1m",
            })
    void aDurationThatCannotWorkFailsStartUpNamingItself(String key, String value) {
        Map<String, String> properties = new LinkedHashMap<>(GUARDS);
        if (key.startsWith("abuse-guard.ip-lists.")) {
            properties.put("abuse-guard.ip-lists.deny[0]", "192.0.2.0/24");
        }
        if (key.equals("abuse-guard.email.mx-budget")) {
            properties.put("abuse-guard.email.mx-check", "true");
        }
        properties.put(key, value);

        assertThatThrownBy(() -> assemble(SettingsBinder.bind(properties)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(key + ":");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "abuse-guard.email.bounce-window | 0s",
                "abuse-guard.email.bounce-window | -1d",
                "abuse-guard.email.bounce-block-for | 0s",
                "abuse-guard.email.bounce-block-for | -1d",
            })
    void aBounceDurationThatCannotWorkFailsStartUpNamingItself(String key, String value) {
        EmailSettings email = SettingsBinder.bind(Map.of(key, value)).section(EmailSettings.class);
        LocalStateStore store = LocalStateStore.builder().build();
        PropertyPath at = PropertyPath.of(EmailGuardFactory.NAME);
        DisposableDomains domains = EmailGuardFactory.disposableDomains(email, at, store, TimeSource.system());

        assertThatThrownBy(() -> EmailGuardFactory.bounceFeedback(email, at, store, domains, true))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(key + ":");
    }

    private static void assemble(AbuseGuardSettings settings) {
        GuardContext context = GuardContext.builder()
                .store(LocalStateStore.builder().build())
                .timeSource(TimeSource.system())
                .build();
        SettingsAssembler.assemble(settings, context).build().close();
    }
}
