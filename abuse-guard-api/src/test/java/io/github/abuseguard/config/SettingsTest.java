package io.github.abuseguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.Action;
import io.github.abuseguard.FailurePolicy;
import io.github.abuseguard.Mode;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.identity.ForwardedHeader;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuardFactory;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.ratelimit.RateLimitSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

    private static AbuseGuardSettings bind(String... keyValues) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return SettingsBinder.bind(properties);
    }

    @Test
    void bindsTheWholeSchemaWithSpringStyleNamesAndValues() {
        AbuseGuardSettings settings = bind(
                "abuse-guard.mode", "monitor",
                "abuse-guard.failure-policy", "fail-closed",
                "abuse-guard.risk-threshold", "80",
                "abuse-guard.risk-action", "LOG",
                "abuse-guard.client.trusted-proxies", "10.0.0.0/8, 192.168.0.0/16",
                "abuse-guard.client.forwarded-header", "forwarded",
                "abuse-guard.rate-limit.rules.per-ip.paths[0]", "/api/**",
                "abuse-guard.rate-limit.rules.per-ip.limits[0].capacity", "100",
                "abuse-guard.rate-limit.rules.per-ip.limits[0].period", "5m",
                "abuse-guard.rate-limit.rules.per-ip.limits[1].capacity", "1000",
                "abuse-guard.rate-limit.rules.per-ip.limits[1].period", "PT1H",
                "abuse-guard.rate-limit.rules.per-ip.limits[1].refill", "intervally",
                "abuse-guard.rate-limit.rules.login.methods", "POST",
                "abuse-guard.rate-limit.rules.login.key", "ip+body:/username",
                "abuse-guard.rate-limit.rules.login.limits[0].capacity", "5",
                "abuse-guard.rate-limit.rules.login.limits[0].period", "60000",
                "spring.other", "ignored");

        assertThat(settings.engine().mode()).isEqualTo(Mode.MONITOR);
        assertThat(settings.engine().failurePolicy()).isEqualTo(FailurePolicy.FAIL_CLOSED);
        assertThat(settings.engine().riskThreshold()).isEqualTo(80);
        assertThat(settings.engine().riskAction()).isEqualTo(Action.LOG);
        assertThat(settings.engine().client().trustedProxies()).containsExactly("10.0.0.0/8", "192.168.0.0/16");
        assertThat(settings.engine().client().forwardedHeader()).isEqualTo(ForwardedHeader.FORWARDED);
        List<RateLimitRule> rules = rateLimitRules(settings);
        assertThat(rules).extracting(RateLimitRule::name).containsExactly("per-ip", "login");
        assertThat(rules.get(0).limits())
                .containsExactly(
                        Limit.of(100, Duration.ofMinutes(5)),
                        new Limit(1000, 1000, Duration.ofHours(1), Limit.Refill.INTERVALLY));
        assertThat(rules.get(1).limits()).containsExactly(Limit.of(5, Duration.ofMinutes(1)));
        assertThat(rules.get(1).methods()).containsExactly("POST");
        assertThat(rules.get(1).paths()).hasToString("[/**]");
        assertThat(rules.get(1).source()).isEqualTo("properties");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "abuse-guard.rate-limit.rulez.x.paths | /x | abuse-guard.rate-limit.rulez.x.paths",
                "abuse-guard.mode | sometimes | abuse-guard.mode",
                "abuse-guard.risk-threshold | lots | abuse-guard.risk-threshold",
                "abuse-guard.failure-log-interval | 5 minutes | abuse-guard.failure-log-interval",
                "abuse-guard.enabled | yes | abuse-guard.enabled",
                "abuse-guard.rate-limit.rules.x.limits[x].capacity | 1 | abuse-guard.rate-limit.rules.x.limits[x].capacity",
            })
    void aKeyOrValueThatCannotBindFailsNamingTheKey(String key, String value, String named) {
        assertThatThrownBy(() -> bind(key, value))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(named + ":")
                .extracting(e -> ((InvalidSettingException) e).property())
                .isEqualTo(named);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "abuse-guard.rate-limit.rules.x.limits[0].capacity | -1 | abuse-guard.rate-limit.rules.x.limits[0].capacity",
                "abuse-guard.rate-limit.rules.x.limits[0].refill-tokens | 0 | abuse-guard.rate-limit.rules.x.limits[0].refill-tokens",
                "abuse-guard.rate-limit.rules.x.limits[0].period | 0s | abuse-guard.rate-limit.rules.x.limits[0].period",
                "abuse-guard.rate-limit.rules.x.limits[0].period | -1m | abuse-guard.rate-limit.rules.x.limits[0].period",
                "abuse-guard.rate-limit.rules.x.methods | FOO | abuse-guard.rate-limit.rules.x.methods[0]",
                "abuse-guard.rate-limit.rules.x.methods | GET,FOO | abuse-guard.rate-limit.rules.x.methods[1]",
                "abuse-guard.client.trusted-proxies | 0.0.0.0/0 | abuse-guard.client.trusted-proxies[0]",
                "abuse-guard.client.trusted-proxies | 10.0.0.0/8,::/0 | abuse-guard.client.trusted-proxies[1]",
                "abuse-guard.client.trusted-proxies | 64.0.0.0/2 | abuse-guard.client.trusted-proxies[0]",
                "abuse-guard.client.trusted-proxies | 2000::/3 | abuse-guard.client.trusted-proxies[0]",
                "abuse-guard.client.trusted-proxies | 2a00::/16 | abuse-guard.client.trusted-proxies[0]",
                "abuse-guard.client.trusted-proxies | 2600::/20 | abuse-guard.client.trusted-proxies[0]",
                "abuse-guard.client.trusted-proxies | ::ffff:0.0.0.0/96 | abuse-guard.client.trusted-proxies[0]",
                "abuse-guard.rate-limit.rules.x.paths[0] | api | abuse-guard.rate-limit.rules.x.paths[0]",
                "abuse-guard.rate-limit.rules.x.paths[0] | /api/{a}/{a} | abuse-guard.rate-limit.rules.x.paths[0]",
                "abuse-guard.rate-limit.rules.x.key | jwt:sub | abuse-guard.rate-limit.rules.x.key",
                "abuse-guard.rate-limit.rules.x.cost | 0 | abuse-guard.rate-limit.rules.x.cost",
                "abuse-guard.rate-limit.rules.x y.cost | 1 | abuse-guard.rate-limit.rules.x y",
                "abuse-guard.client.trusted-proxies | 10.0.0.0/33 | abuse-guard.client.trusted-proxies[0]",
                "abuse-guard.client.ipv6-prefix-length | 129 | abuse-guard.client.ipv6-prefix-length",
                "abuse-guard.client.nat64-prefixes | 2001:db8:64::/80 | abuse-guard.client.nat64-prefixes[0]",
                "abuse-guard.client.nat64-prefixes | 2001:db8:64::/96,2001:db8:64::1/96 | abuse-guard.client.nat64-prefixes[1]",
                "abuse-guard.client.nat64-prefixes | 192.0.2.0/24 | abuse-guard.client.nat64-prefixes[0]",
                "abuse-guard.client.nat64-prefixes | 2001:db8:64:: | abuse-guard.client.nat64-prefixes[0]",
                "abuse-guard.store.maximum-keys | 0 | abuse-guard.store.maximum-keys",
                "abuse-guard.risk-threshold | -5 | abuse-guard.risk-threshold",
                "abuse-guard.routes.exempt | health | abuse-guard.routes.exempt[0]",
            })
    void aValueThatCannotWorkFailsAtAssemblyNamingTheProperty(String key, String value, String named) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("abuse-guard.rate-limit.rules.x.limits[0].capacity", "10");
        properties.put("abuse-guard.rate-limit.rules.x.limits[0].period", "1m");
        properties.put(key, value);
        AbuseGuardSettings settings = SettingsBinder.bind(properties);

        assertThatThrownBy(() -> {
                    SettingsAssembler.clientResolver(settings);
                    SettingsAssembler.localStore(settings, TimeSource.system());
                    SettingsAssembler.engine(settings, TimeSource.system());
                    rateLimitRules(settings);
                })
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(named + ":");
    }

    @Test
    void bodyCaptureIsNoPropertyOfTheEngine() {
        // abuse-guard.body.* is the servlet module's section; without that module nothing knows it
        assertThatThrownBy(() -> bind("abuse-guard.body.max-bytes", "4096"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.body");
        assertThat(new AbuseGuardSettings().sectionTypes())
                .noneMatch(section -> section.name().equals("body"));
    }

    @Test
    void aRuleWithoutLimitsOrPeriodIsNamed() {
        assertThatThrownBy(() -> rateLimitRules(bind("abuse-guard.rate-limit.rules.x.key", "ip")))
                .hasMessageStartingWith("abuse-guard.rate-limit.rules.x.limits:");
        assertThatThrownBy(() -> rateLimitRules(bind("abuse-guard.rate-limit.rules.x.limits[0].capacity", "3")))
                .hasMessageStartingWith("abuse-guard.rate-limit.rules.x.limits[0].period:");
    }

    @Test
    void aPeriodOfNothingIsNamedEvenWhenTheCapacityIsMissingToo() {
        // as a list element given on the command line alone binds, without the file's capacity
        assertThatThrownBy(() -> rateLimitRules(bind("abuse-guard.rate-limit.rules.x.limits[0].period", "0s")))
                .hasMessageStartingWith("abuse-guard.rate-limit.rules.x.limits[0].period: must be positive");
    }

    @Test
    void aTranslationPrefixBindsAndKeysItsClientsByTheirIpv4Address() {
        AbuseGuardSettings settings = bind("abuse-guard.client.nat64-prefixes", "2001:db8:64::/96, 64:ff9b:1:ab::/64");
        ClientResolver resolver = SettingsAssembler.clientResolver(settings);

        assertThat(resolver.nat64Prefixes()).containsExactly("2001:db8:64::/96", "64:ff9b:1:ab::/64");
        assertThat(resolver.resolve("2001:db8:64::198.51.100.7", name -> List.of())
                        .key())
                .isEqualTo("198.51.100.7");
        assertThat(resolver.resolve("64:ff9b:1:ab:c6:3364:700:0", name -> List.of())
                        .key())
                .isEqualTo("198.51.100.7");
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8",
        "172.16.0.0/12",
        "198.51.100.7",
        "fc00::/7",
        "fe80::/10",
        "2001:db8::/32",
        "2a06:98c0::/29"
    })
    void aTrustedProxyBlockOfOneOperatorOrPrivateSpaceIsAccepted(String block) {
        AbuseGuardSettings settings = bind("abuse-guard.client.trusted-proxies", block);
        assertThat(SettingsAssembler.clientResolver(settings).trustedProxies()).containsExactly(block);
    }

    @Test
    void aTrustedProxyBlockSpanningPublicSpaceNeedsItsOwnExplicitOptIn() {
        AbuseGuardSettings settings = bind(
                "abuse-guard.client.trusted-proxies", "0.0.0.0/0",
                "abuse-guard.client.allow-broad-trusted-proxies", "true");
        assertThat(SettingsAssembler.clientResolver(settings)
                        .resolve("198.51.100.9", header -> List.of("203.0.113.5"))
                        .address())
                .isEqualTo("203.0.113.5");
        assertThatThrownBy(() -> SettingsAssembler.clientResolver(bind("abuse-guard.client.trusted-proxies", "::/0")))
                .hasMessageContaining("abuse-guard.client.allow-broad-trusted-proxies=true");
    }

    @Test
    void defaultsTrustNothingAndEnforce() {
        AbuseGuardSettings settings = bind();
        assertThat(settings.engine().enabled()).isTrue();
        assertThat(settings.engine().mode()).isEqualTo(Mode.ENFORCE);
        assertThat(settings.engine().failurePolicy()).isEqualTo(FailurePolicy.FAIL_OPEN);
        assertThat(SettingsAssembler.clientResolver(settings).trustedProxies()).isEmpty();
    }

    private static List<RateLimitRule> rateLimitRules(AbuseGuardSettings settings) {
        return RateLimitGuardFactory.rules(settings.section(RateLimitSettings.class), PropertyPath.of("rate-limit"));
    }

    private static GuardContext context(AbuseGuardSettings settings) {
        return GuardContext.builder()
                .store(io.github.abuseguard.store.LocalStateStore.builder().build())
                .timeSource(io.github.abuseguard.TimeSource.system())
                .build();
    }
}
