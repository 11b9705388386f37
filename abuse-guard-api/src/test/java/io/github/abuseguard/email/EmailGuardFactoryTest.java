package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.Guard;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.LocalStateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When the e-mail guard's factory reads the domain lists: at start-up when a rule needs them, else never. */
class EmailGuardFactoryTest {

    /** A list that counts how often it is read, as the bundled lists are read on first use. */
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
                EmailGuardFactory.NAME,
                GuardContext.builder()
                        .store(LocalStateStore.builder().build())
                        .timeSource(TimeSource.system())
                        .component(DisposableDomains.class, domains)
                        .build());
    }

    @Test
    void theDefaultSettingsReadTheBundledListAlone() {
        DisposableDomains defaults = EmailGuardFactory.disposableDomains(
                SettingsBinder.bind(Map.of()).section(EmailSettings.class),
                io.github.abuseguard.config.PropertyPath.of("email"),
                LocalStateStore.builder().build(),
                TimeSource.system());

        assertThat(defaults.blocklists())
                .extracting(source -> source.current().size())
                .singleElement()
                .satisfies(size -> assertThat(size).isGreaterThan(8_000));
    }

    /**
     * probe52b F4: allowlist entries that are no domain ({@code *.com}, {@code .}, '') were dropped
     * without a word, and {@code mx-budget} was checked only with the MX check on, with no upper bound.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            value = {
                "abuse-guard.email.allowlist[0] | *.com | abuse-guard.email.allowlist[0]",
                "abuse-guard.email.allowlist[0] | . | abuse-guard.email.allowlist[0]",
                "abuse-guard.email.mx-budget | -5ms | abuse-guard.email.mx-budget",
                "abuse-guard.email.mx-budget | 1h | abuse-guard.email.mx-budget"
            })
    void aValueThatMeansNothingOrHarmFailsStartUpNamingTheProperty(String property, String value, String named) {
        assertThatThrownBy(() -> EmailGuardFactory.disposableDomains(
                        SettingsBinder.bind(Map.of(property, value)).section(EmailSettings.class),
                        io.github.abuseguard.config.PropertyPath.of("email"),
                        LocalStateStore.builder().build(),
                        TimeSource.system()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(named + ":");
    }

    @Test
    void anAllowlistOfDomainsStarts() {
        DisposableDomains domains = EmailGuardFactory.disposableDomains(
                SettingsBinder.bind(Map.of(
                                "abuse-guard.email.allowlist[0]",
                                "partner.example",
                                "abuse-guard.email.mx-budget",
                                "2s"))
                        .section(EmailSettings.class),
                io.github.abuseguard.config.PropertyPath.of("email"),
                LocalStateStore.builder().build(),
                TimeSource.system());

        assertThat(domains.isAllowed("mail.partner.example")).isTrue();
    }

    /** The careless readings (review80) ask the blocklists; an allowlisted domain still wins over them. */
    @Test
    void anAllowlistedDomainWinsOverACarelessReading() {
        DisposableDomains domains = EmailGuardFactory.disposableDomains(
                SettingsBinder.bind(Map.of("abuse-guard.email.allowlist[0]", "yopmail.com"))
                        .section(EmailSettings.class),
                io.github.abuseguard.config.PropertyPath.of("email"),
                LocalStateStore.builder().build(),
                TimeSource.system());

        assertThat(domains.match("bot@(yopmail.com)\u00A0gmail.com")).isNull();
        assertThat(DisposableDomains.bundled().match("bot@(yopmail.com)\u00A0gmail.com"))
                .isNotNull();
    }

    @Test
    void withoutAnEmailRuleNoListIsRead() {
        CountedSource list = new CountedSource();
        CountedSource allowed = new CountedSource();
        DisposableDomains domains = new DisposableDomains(List.of(list), List.of(allowed), null, null);

        assertThat(emailGuard(SettingsBinder.bind(Map.of()), domains)).isNull();

        assertThat(list.reads).hasValue(0);
        assertThat(allowed.reads).hasValue(0);
    }

    @Test
    void anEmailRuleHasEveryListReadBeforeItsFirstRequest() {
        CountedSource list = new CountedSource();
        CountedSource allowed = new CountedSource();
        DisposableDomains domains = new DisposableDomains(List.of(list), List.of(allowed), null, null);

        Guard guard = emailGuard(
                SettingsBinder.bind(Map.of(
                        "abuse-guard.email.rules.signup.paths", "/signup",
                        "abuse-guard.email.rules.signup.field", "/email")),
                domains);

        assertThat(guard).isNotNull();
        assertThat(list.reads).hasPositiveValue();
        assertThat(allowed.reads).hasPositiveValue();
    }

    @Test
    void aBundledListIsWholeWhenFirstReadFromManyThreadsAtOnce() throws Exception {
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> sizes = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                sizes.add(pool.submit(() -> {
                    start.await();
                    return DomainSource.majorProviders().current().size();
                }));
            }
            start.countDown();
            int expected = DomainSource.majorProviders().current().size();
            assertThat(expected).isGreaterThan(10);
            for (Future<Integer> size : sizes) {
                assertThat(size.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aQueryFieldWithoutANameFailsNamingTheProperty() {
        DisposableDomains domains = new DisposableDomains(List.of(new CountedSource()), List.of(), null, null);

        assertThatThrownBy(() -> emailGuard(
                        SettingsBinder.bind(Map.of(
                                "abuse-guard.email.rules.x.paths", "/api/**",
                                "abuse-guard.email.rules.x.field", "query:")),
                        domains))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.email.rules.x.field:");
    }

    /** probe52b F4: Jackson reads {@code ~2} as itself, so {@code /a~2b} started as a field no one sends. */
    @Test
    void aPointerWithAnEscapeRfc6901DoesNotDefineFailsNamingTheProperty() {
        DisposableDomains domains = new DisposableDomains(List.of(new CountedSource()), List.of(), null, null);

        assertThatThrownBy(() -> emailGuard(
                        SettingsBinder.bind(Map.of(
                                "abuse-guard.email.rules.x.paths", "/api/**",
                                "abuse-guard.email.rules.x.field", "/a~2b")),
                        domains))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.email.rules.x.field:")
                .hasMessageContaining("'~' must be followed by 0");
        assertThat(emailGuard(
                        SettingsBinder.bind(Map.of(
                                "abuse-guard.email.rules.x.paths", "/api/**",
                                "abuse-guard.email.rules.x.field", "/a~1b~0c")),
                        domains))
                .isNotNull();
    }
}
