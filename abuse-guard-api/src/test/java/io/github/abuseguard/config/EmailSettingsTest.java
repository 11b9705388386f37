package io.github.abuseguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.Guard;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.email.BounceFeedback;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DomainList;
import io.github.abuseguard.email.DomainSource;
import io.github.abuseguard.email.EmailGuardFactory;
import io.github.abuseguard.email.EmailSettings;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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
        assertThat(defaults.blocklists())
                .extracting(source -> source.current().size())
                .singleElement()
                .satisfies(size -> assertThat(size).isGreaterThan(8_000));
        assertThat(defaults.isDisposable("a@0-attorney.com")).isFalse();

        DisposableDomains withMailchecker =
                domains(SettingsBinder.bind(Map.of("abuse-guard.email.sources", "bundled:mailchecker")));
        assertThat(withMailchecker.match("a@0-attorney.com").source()).isEqualTo("mailchecker");
        assertThat(withMailchecker.isDisposable("a@gmail.com")).isFalse();
    }

    /** A list that counts how often it is read, like a bundled list read on first use. */
    private static final class CountedSource implements DomainSource {
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public String name() {
            return "counted";
        }

        @Override
        public DomainList current() {
            reads.incrementAndGet();
            return DomainList.of(List.of("throwaway.test"));
        }
    }

    private static Guard emailGuard(AbuseGuardSettings settings, DisposableDomains domains) {
        return SettingsAssembler.guard(
                settings,
                "email",
                GuardContext.builder()
                        .store(LocalStateStore.builder().build())
                        .timeSource(TimeSource.system())
                        .component(DisposableDomains.class, domains)
                        .build());
    }

    @Test
    void withoutAnEmailRuleNoListIsReadAtStartUp() {
        CountedSource list = new CountedSource();
        DisposableDomains domains = new DisposableDomains(List.of(list), List.of(), null, null);

        assertThat(emailGuard(SettingsBinder.bind(Map.of()), domains)).isNull();

        assertThat(list.reads).hasValue(0);
    }

    @Test
    void anEmailRuleHasItsListsReadBeforeItsFirstRequest() {
        CountedSource list = new CountedSource();
        DisposableDomains domains = new DisposableDomains(List.of(list), List.of(), null, null);

        Guard guard = emailGuard(
                SettingsBinder.bind(Map.of(
                        "abuse-guard.email.rules.signup.paths", "/signup",
                        "abuse-guard.email.rules.signup.field", "/email")),
                domains);

        assertThat(guard).isNotNull();
        assertThat(list.reads).hasPositiveValue();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "abuse-guard.email.sources | bundled:nope | abuse-guard.email.sources[0]",
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
                            settings.section(EmailSettings.class), PropertyPath.of("email"), store, domains);
                    assertThat(feedback).isNotNull();
                })
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(named + ":");
    }
}
