package io.github.abuseguard.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VolumeSettingsTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    private static AbuseGuardSettings bind(String... keyValues) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("abuse-guard.volume.rules.cards.paths", "/api/giftcards/{code}");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return SettingsBinder.bind(properties);
    }

    @Test
    void everyVolumePropertyReachesTheRule() {
        DistinctRule rule = guard(bind(
                        "abuse-guard.volume.seed", "99",
                        "abuse-guard.volume.rules.cards.methods", "get",
                        "abuse-guard.volume.rules.cards.key", "session",
                        "abuse-guard.volume.rules.cards.window", "1h",
                        "abuse-guard.volume.rules.cards.max-distinct", "12",
                        "abuse-guard.volume.rules.cards.action", "reject",
                        "abuse-guard.volume.rules.cards.score", "30",
                        "abuse-guard.volume.rules.cards.under-scrape.enabled", "true",
                        "abuse-guard.volume.rules.cards.under-scrape.window", "20s",
                        "abuse-guard.volume.rules.cards.under-scrape.multiplier", "3",
                        "abuse-guard.volume.rules.cards.under-scrape.min-distinct", "500",
                        "abuse-guard.volume.rules.cards.under-scrape.duration", "1m",
                        "abuse-guard.volume.rules.cards.under-scrape.action", "reject",
                        "abuse-guard.volume.rules.cards.under-scrape.min-ratio", "0.7",
                        "abuse-guard.volume.rules.cards.under-scrape.max-distinct", "7"))
                .rules()
                .get(0);
        assertThat(rule.source()).isEqualTo("properties");
        assertThat(rule.methods()).containsExactly("GET");
        assertThat(rule.keySpec()).isEqualTo("session");
        assertThat(rule.window()).isEqualTo(Duration.ofHours(1));
        assertThat(rule.maxDistinct()).isEqualTo(12);
        assertThat(rule.action()).isEqualTo(Action.REJECT);
        assertThat(rule.score()).isEqualTo(30);
        assertThat(rule.underScrape())
                .isEqualTo(new UnderScrape(
                        Duration.ofSeconds(20), 3.0, 500, Duration.ofMinutes(1), Action.REJECT, 0.7, 7));
    }

    @Test
    void theRateBaselineAndOnlyReadsPropertiesReachTheRule() {
        DistinctRule rule = guard(bind(
                        "abuse-guard.volume.rules.cards.max-distinct", "100",
                        "abuse-guard.volume.rules.cards.rate-baseline.enabled", "true",
                        "abuse-guard.volume.rules.cards.rate-baseline.window", "30s",
                        "abuse-guard.volume.rules.cards.rate-baseline.multiplier", "8",
                        "abuse-guard.volume.rules.cards.rate-baseline.min-requests", "90",
                        "abuse-guard.volume.rules.cards.rate-baseline.learning-windows", "12",
                        "abuse-guard.volume.rules.cards.rate-baseline.action", "throttle",
                        "abuse-guard.volume.rules.cards.rate-baseline.score", "25",
                        "abuse-guard.volume.rules.cards.only-reads.enabled", "true",
                        "abuse-guard.volume.rules.cards.only-reads.min-distinct", "40",
                        "abuse-guard.volume.rules.cards.only-reads.score", "0",
                        "abuse-guard.volume.rules.cards.only-reads.action", "reject"))
                .rules()
                .get(0);
        assertThat(rule.rateBaseline())
                .isEqualTo(new RateBaseline(Duration.ofSeconds(30), 8.0, 90, 12, Action.THROTTLE, 25));
        assertThat(rule.onlyReads()).isEqualTo(new OnlyReads(40, 0, Action.REJECT));
    }

    /** review9: a rule tighter than under-scrape's default bound (10) starts, the bound taken as the rule's. */
    @Test
    void underScrapesDefaultBoundIsNeverAboveTheRulesOwn() {
        assertThat(guard(bind(
                                "abuse-guard.volume.rules.cards.max-distinct", "5",
                                "abuse-guard.volume.rules.cards.under-scrape.enabled", "true"))
                        .rules()
                        .get(0)
                        .underScrape()
                        .maxDistinct())
                .isEqualTo(5);
    }

    @Test
    void anUnderScrapeMaxDistinctAboveTheRulesFailsNamingItAndEqualIsAllowed() {
        // README: under-scrape's max-distinct is at most the rule's, a tighter cap while the route is scraped
        assertThatThrownBy(() -> guard(bind(
                        "abuse-guard.volume.rules.cards.max-distinct", "50",
                        "abuse-guard.volume.rules.cards.under-scrape.enabled", "true",
                        "abuse-guard.volume.rules.cards.under-scrape.max-distinct", "60")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("at most abuse-guard.volume.rules.cards.max-distinct (50)")
                .extracting(e -> ((InvalidSettingException) e).property())
                .isEqualTo("abuse-guard.volume.rules.cards.under-scrape.max-distinct");
        assertThat(guard(bind(
                                "abuse-guard.volume.rules.cards.max-distinct", "50",
                                "abuse-guard.volume.rules.cards.under-scrape.enabled", "true",
                                "abuse-guard.volume.rules.cards.under-scrape.max-distinct", "50"))
                        .rules()
                        .get(0)
                        .underScrape()
                        .maxDistinct())
                .isEqualTo(50);
    }

    @Test
    void theRateBaselineIsMonitorFirstAndBothAreOffUnlessEnabled() {
        DistinctRule off = guard(bind()).rules().get(0);
        assertThat(off.rateBaseline()).isNull();
        assertThat(off.onlyReads()).isNull();
        DistinctRule on = guard(bind("abuse-guard.volume.rules.cards.rate-baseline.enabled", "true"))
                .rules()
                .get(0);
        assertThat(on.rateBaseline()).isEqualTo(RateBaseline.defaults());
        assertThat(on.rateBaseline().action()).isEqualTo(Action.LOG);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "abuse-guard.volume.rules.cards.rate-baseline.multiplier|0.5|abuse-guard.volume.rules.cards.rate-baseline.multiplier",
                "abuse-guard.volume.rules.cards.rate-baseline.min-requests|0|abuse-guard.volume.rules.cards.rate-baseline.min-requests",
                "abuse-guard.volume.rules.cards.rate-baseline.window|100ms|abuse-guard.volume.rules.cards.rate-baseline.window",
                "abuse-guard.volume.rules.cards.rate-baseline.learning-windows|0|abuse-guard.volume.rules.cards.rate-baseline.learning-windows",
                "abuse-guard.volume.rules.cards.only-reads.min-distinct|50|abuse-guard.volume.rules.cards.only-reads.min-distinct",
                "abuse-guard.volume.rules.cards.only-reads.score|2000|abuse-guard.volume.rules.cards.only-reads.score",
            })
    void aRateBaselineOrOnlyReadsValueThatCannotWorkFailsNamingItsProperty(String key, String value, String property) {
        AbuseGuardSettings settings = bind(
                key,
                value,
                "abuse-guard.volume.rules.cards.rate-baseline.enabled",
                "true",
                "abuse-guard.volume.rules.cards.only-reads.enabled",
                "true");
        assertThatThrownBy(() -> guard(settings))
                .isInstanceOf(InvalidSettingException.class)
                .extracting(e -> ((InvalidSettingException) e).property())
                .isEqualTo(property);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "abuse-guard.volume.rules.cards.max-distinct|0|abuse-guard.volume.rules.cards.max-distinct",
                "abuse-guard.volume.rules.cards.window|10ms|abuse-guard.volume.rules.cards.window",
                "abuse-guard.volume.rules.cards.key|header|abuse-guard.volume.rules.cards.key",
                "abuse-guard.volume.rules.cards.score|-5|abuse-guard.volume.rules.cards.score",
                "abuse-guard.volume.rules.cards.paths|/a/{|abuse-guard.volume.rules.cards.paths[0]",
                "abuse-guard.volume.rules.cards.under-scrape.min-distinct|3|abuse-guard.volume.rules.cards.under-scrape.min-distinct",
                "abuse-guard.volume.rules.cards.under-scrape.max-distinct|0|abuse-guard.volume.rules.cards.under-scrape.max-distinct",
            })
    void aValueThatCannotWorkFailsNamingItsProperty(String key, String value, String property) {
        AbuseGuardSettings settings = bind(key, value, "abuse-guard.volume.rules.cards.under-scrape.enabled", "true");
        assertThatThrownBy(() -> guard(settings))
                .isInstanceOf(InvalidSettingException.class)
                .extracting(e -> ((InvalidSettingException) e).property())
                .isEqualTo(property);
    }

    @Test
    void theConfiguredGuardRefusesAWalkerThroughTheEngine() {
        AbuseGuardSettings settings = bind("abuse-guard.volume.rules.cards.max-distinct", "3");
        AbuseGuard.Builder builder = SettingsAssembler.engine(settings, clock);
        SettingsAssembler.guards(builder, settings, context());
        AbuseGuard engine = builder.build();
        String denied = null;
        for (int i = 0; i < 20 && denied == null; i++) {
            GuardRequest request = GuardRequest.builder("GET", "/api/giftcards/CODE-" + i)
                    .client("198.51.100.1")
                    .build();
            denied = engine.evaluate(request).decision().guard();
        }
        assertThat(denied).isEqualTo(VolumeGuard.NAME);
    }

    @Test
    void disabledOrWithoutRulesTheGuardIsLeftOut() {
        assertThat(guard(bind("abuse-guard.volume.enabled", "false"))).isNull();
        assertThat(guard(new AbuseGuardSettings())).isNull();
    }

    private GuardContext context() {
        return GuardContext.builder().store(store).timeSource(clock).build();
    }

    /** user64 F1: a route naming its resource in its query gets it from {@code resource}, a wrong one named. */
    @Test
    void theResourcePropertyReachesTheRuleAndAWrongOneIsNamed() {
        DistinctRule rule = guard(bind("abuse-guard.volume.rules.cards.resource", "query:page"))
                .rules()
                .get(0);
        assertThat(rule.resource()).isEqualTo("query:page");

        assertThatThrownBy(() -> guard(bind("abuse-guard.volume.rules.cards.resource", "cookie:page")))
                .hasMessageContaining("abuse-guard.volume.rules.cards.resource")
                .hasMessageContaining("query:NAME");
    }

    private VolumeGuard guard(AbuseGuardSettings settings) {
        return (VolumeGuard) SettingsAssembler.guard(settings, "volume", context());
    }
}
