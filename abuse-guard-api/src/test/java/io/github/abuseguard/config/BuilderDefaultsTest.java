package io.github.abuseguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.discovery.InventorySettings;
import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.email.EmailSettings;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.FailureSettings;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.origin.OriginSettings;
import io.github.abuseguard.sequence.SequenceSettings;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.OnlyReads;
import io.github.abuseguard.volume.RateBaseline;
import io.github.abuseguard.volume.UnderScrape;
import io.github.abuseguard.volume.VolumeGuard;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A builder left alone builds what the settings' defaults build: each default is written once, as a
 * settings constant, and the builders start from it, so the two cannot drift apart.
 */
class BuilderDefaultsTest {

    private final AbuseGuardSettings defaults = new AbuseGuardSettings();
    private final FakeTimeSource time = new FakeTimeSource();

    @Test
    void theEngineBuilderStartsFromTheEngineSettingsDefaults() {
        try (AbuseGuard bare = AbuseGuard.builder().build();
                AbuseGuard configured = SettingsAssembler.engine(defaults, time).build()) {
            assertThat(bare.mode()).isEqualTo(configured.mode());
            assertThat(bare.failurePolicy()).isEqualTo(configured.failurePolicy());
            assertThat(bare.riskThreshold()).isEqualTo(configured.riskThreshold());
            assertThat(bare.riskAction()).isEqualTo(configured.riskAction());
        }
    }

    @Test
    void theClientResolverBuilderStartsFromTheClientSettingsDefaults() {
        ClientResolver bare = ClientResolver.builder().build();
        ClientResolver configured = SettingsAssembler.clientResolver(defaults);
        assertThat(bare.forwardedHeader()).isEqualTo(configured.forwardedHeader());
        assertThat(bare.ipv6PrefixLength()).isEqualTo(configured.ipv6PrefixLength());
        assertThat(bare.trustedProxies()).isEqualTo(configured.trustedProxies());
        assertThat(bare.nat64Prefixes()).isEqualTo(configured.nat64Prefixes());
    }

    @Test
    void theLocalStoreBuilderStartsFromTheStoreSettingsDefault() {
        assertThat(LocalStateStore.builder().build().maximumKeys())
                .isEqualTo(SettingsAssembler.localStore(defaults, time).maximumKeys())
                .isEqualTo(ResilientStateStore.DEFAULT_MAXIMUM_KEYS);
    }

    @Test
    void aFailureRuleBuilderCountsWhatTheRuleSettingsCountByDefault() {
        FailureRule bare = FailureRule.builder("login").path("/login").build();
        assertThat(bare.counting())
                .isEqualTo(SettingsBinder.defaults(FailureSettings.Rule.class).counting());
    }

    @Test
    void theDetectorsOfTheFailureAndVolumeRulesStartFromTheirSettingsDefaults() {
        // the settings records state these defaults as property text; the typed ones are the detectors'
        AbuseGuardSettings settings = SettingsBinder.bind(Map.of(
                "abuse-guard.failure.rules.login.paths", "/login",
                "abuse-guard.failure.rules.login.under-attack.enabled", "true",
                "abuse-guard.volume.rules.cards.paths", "/cards/{code}",
                "abuse-guard.volume.rules.cards.under-scrape.enabled", "true",
                "abuse-guard.volume.rules.cards.rate-baseline.enabled", "true",
                "abuse-guard.volume.rules.cards.only-reads.enabled", "true"));
        GuardContext context = GuardContext.builder()
                .store(LocalStateStore.builder().timeSource(time).build())
                .timeSource(time)
                .build();
        FailureRule login = ((FailureGuard) SettingsAssembler.guard(settings, "failure", context))
                .rules()
                .get(0);
        assertThat(login.underAttack()).isEqualTo(UnderAttack.defaults());
        assertThat(login.underAttack().history()).isEqualTo(UnderAttack.DEFAULT_HISTORY);
        DistinctRule cards = ((VolumeGuard) SettingsAssembler.guard(settings, "volume", context))
                .rules()
                .get(0);
        assertThat(cards.underScrape()).isEqualTo(UnderScrape.defaults());
        assertThat(cards.rateBaseline()).isEqualTo(RateBaseline.defaults());
        assertThat(cards.rateBaseline().action()).isEqualTo(RateBaseline.DEFAULT_ACTION);
        assertThat(cards.onlyReads()).isEqualTo(OnlyReads.defaults());
    }

    @Test
    void theFailureGuardKeepsHistoriesAsLongAsItsSettingsSayByDefault() {
        assertThat(FailureGuard.DEFAULT_HISTORY_TTL)
                .isEqualTo(SettingsBinder.defaults(FailureSettings.class).historyTtl())
                .isEqualTo(Duration.ofHours(24));
    }

    @Test
    void anOriginRuleBuilderDecidesWhatTheRuleSettingsDecideByDefault() {
        // the settings state the builder's enum defaults as property text ("flag", "reject")
        OriginRule bare = OriginRule.builder("api").path("/**").build();
        OriginSettings.Rule settings = SettingsBinder.defaults(OriginSettings.Rule.class);
        assertThat(settings.paths()).containsExactly("/**");
        assertThat(settings.missing()).isEqualTo(bare.missing());
        assertThat(settings.missingScore()).isEqualTo(bare.missingScore());
        assertThat(settings.action()).isEqualTo(bare.action());
        assertThat(settings.allowSameOrigin()).isEqualTo(bare.allowSameOrigin());
        assertThat(settings.allowNull()).isEqualTo(bare.allowNull());
        assertThat(settings.allowSameSite()).isEqualTo(bare.allowSameSite());
        assertThat(settings.apiKeyHeader()).isEqualTo(OriginRule.DEFAULT_API_KEY_HEADER);
    }

    @Test
    void theInventoryStartsFromTheSequenceSectionDefaults() {
        // the sequence section documents the inventory's properties; its defaults are the inventory's own
        SequenceSettings sequence = SettingsBinder.defaults(SequenceSettings.class);
        assertThat(sequence.cardinalityThreshold()).isEqualTo(InventorySettings.DEFAULT_CARDINALITY_THRESHOLD);
        assertThat(sequence.maxEndpoints()).isEqualTo(InventorySettings.DEFAULT_MAX_ENDPOINTS);
    }

    @Test
    void anEmailRuleBuilderAnswersAsTheRuleSettingsAnswerByDefault() {
        EmailRule bare = EmailRule.builder("signup").path("/signup").build();
        EmailSettings.Rule settings = SettingsBinder.bind(Map.of("abuse-guard.email.rules.signup.paths", "/signup"))
                .section(EmailSettings.class)
                .rules()
                .get("signup");
        assertThat(bare.response()).isEqualTo(settings.response());
        assertThat(bare.field()).isEqualTo(settings.field());
        assertThat(bare.score()).isEqualTo(settings.score());
    }
}
