package io.github.abuseguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsBinderTest {

    @Test
    void aDurationWithoutAUnitIsAWarningNamingItsPropertyUnlessItIsZero() {
        // cfg24 F13: the plain binder reads '60' as 60 ms, as Spring Boot does
        String log = printedWhile(() -> bind(
                "abuse-guard.failure-log-interval", "900",
                "abuse-guard.rate-limit.rules.r.limits[0].capacity", "1",
                "abuse-guard.rate-limit.rules.r.limits[0].period", "60s",
                "abuse-guard.ip-lists.reload-interval", "0"));
        assertThat(log.lines().filter(line -> line.contains("has no unit")))
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .contains("WARN")
                        .contains("abuse-guard.failure-log-interval: '900' has no unit, so it is 900 milliseconds"));
    }

    private static String printedWhile(Runnable action) {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            action.run();
        } finally {
            System.setErr(original);
        }
        return printed.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static AbuseGuardSettings bind(String... keyValues) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return SettingsBinder.bind(properties);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "abuse-guard.failure-log-interval | 9223372036854775807m | abuse-guard.failure-log-interval",
                "abuse-guard.failure-log-interval | 9223372036854775807us | abuse-guard.failure-log-interval",
                "abuse-guard.failure-log-interval | 106751991167301d | abuse-guard.failure-log-interval",
                "abuse-guard.failure-log-interval | 99999999999999999999 | abuse-guard.failure-log-interval",
                "abuse-guard.failure-log-interval | PT9999999999999999999H | abuse-guard.failure-log-interval",
                "abuse-guard.failure-log-interval | 9223372036854775807s | abuse-guard.failure-log-interval",
                "abuse-guard.failure-log-interval | PT3000000H | abuse-guard.failure-log-interval",
                "abuse-guard.sequence.model-quantile | NaN | abuse-guard.sequence.model-quantile",
                "abuse-guard.sequence.model-quantile | Infinity | abuse-guard.sequence.model-quantile",
                "abuse-guard.sequence.model-quantile | 1e999 | abuse-guard.sequence.model-quantile",
                "abuse-guard.risk-threshold | 99999999999 | abuse-guard.risk-threshold",
                "abuse-guard.client.trusted-proxies[1] | 10.0.0.1 | abuse-guard.client.trusted-proxies[0]",
                "abuse-guard.rate-limit.rules.x.limits[2].capacity | 1 | abuse-guard.rate-limit.rules.x.limits[0]",
            })
    void valuesThatOverflowOrLeaveGapsFailNamingTheProperty(String key, String value, String named) {
        assertThatThrownBy(() -> bind(key, value))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(named + ":")
                .extracting(e -> ((InvalidSettingException) e).property())
                .isEqualTo(named);
    }

    @Test
    void aRefillFasterThanBucket4jSupportsIsNamedAtAssembly() {
        AbuseGuardSettings settings = bind(
                "abuse-guard.rate-limit.rules.x.limits[0].capacity", "5000",
                "abuse-guard.rate-limit.rules.x.limits[0].period", "1us");
        assertThatThrownBy(() -> SettingsAssembler.guard(settings, "rate-limit", context()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.rate-limit.rules.x.limits[0].refill-tokens:");
    }

    @Test
    void microsecondsThatFitALongOfNanosStillBind() {
        assertThat(bind("abuse-guard.failure-log-interval", "9223372036854775us")
                        .engine()
                        .failureLogInterval())
                .isEqualTo(Duration.ofNanos(9_223_372_036_854_775_000L));
    }

    @Test
    void aListBoundByIndexReplacesItsDefaultsWholeAsSpringsBinderDoes() {
        AbuseGuardSettings settings = bind(
                "abuse-guard.failure.rules.login.paths[0]", "/login",
                "abuse-guard.failure.rules.login.under-attack.signals[0]", "fresh-client");

        assertThat(settings.section(io.github.abuseguard.failure.FailureSettings.class)
                        .rules()
                        .get("login")
                        .underAttack()
                        .signals())
                .containsExactly(io.github.abuseguard.failure.UnderAttack.Signal.FRESH_CLIENT);
    }

    @Test
    void aListBoundByIndexInOrderHasNoGap() {
        AbuseGuardSettings settings = bind(
                "abuse-guard.client.trusted-proxies[0]",
                "10.0.0.1",
                "abuse-guard.client.trusted-proxies[1]",
                "10.0.0.2");
        assertThat(settings.engine().client().trustedProxies()).containsExactly("10.0.0.1", "10.0.0.2");
    }

    @Test
    void aWildcardOriginWithoutADomainIsNamedAtAssembly() {
        AbuseGuardSettings settings = bind(
                "abuse-guard.origin.rules.checkout.paths[0]", "/checkout",
                "abuse-guard.origin.rules.checkout.allowed-origins[0]", "https://*.");
        assertThatThrownBy(() -> SettingsAssembler.guard(settings, "origin", context()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.origin.rules.checkout.allowed-origins[0]:");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "abuse-guard.logging.pseudonym-secret | ${LOG_PSEUDONYM_SECRET}",
                "abuse-guard.logging.pseudonym-secret | ${LOG_PSEUDONYM_SECRET:}",
                "abuse-guard.logging.pseudonym-secret | pepper-${UNSET_PART}-pepper",
            })
    void aSecretThatStillHoldsAPlaceholderFailsNamingIt(String key, String value) {
        // an unset variable would otherwise make the placeholder's own text the secret, known to all
        assertThatThrownBy(() -> bind(key, value))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(key + ":")
                .hasMessageContaining("unresolved placeholder")
                .hasMessageNotContaining("pepper");
    }

    @Test
    void aSecretWithoutPlaceholderBinds() {
        assertThat(bind("abuse-guard.logging.pseudonym-secret", "a-secret-of-$-and-{-braces")
                        .engine()
                        .logging()
                        .pseudonymSecret())
                .isEqualTo("a-secret-of-$-and-{-braces");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "abuse-guard.failure.rules.l.statuses[0] | abuse-guard.failure.rules.l.statuses",
                "abuse-guard.failure.rules.l.statuses[2] | abuse-guard.failure.rules.l.statuses",
                "abuse-guard.rate-limit.rules.a.key[0] | abuse-guard.rate-limit.rules.a.key",
                "abuse-guard.mode[0] | abuse-guard.mode",
                "abuse-guard.failure.rules.l.find-time[0] | abuse-guard.failure.rules.l.find-time",
                "abuse-guard.failure.rules.l.max-retry[0] | abuse-guard.failure.rules.l.max-retry",
            })
    void aListGivenForASingleValuedPropertyFailsNamingTheProperty(String key, String named) {
        assertThatThrownBy(() -> bind("abuse-guard.failure.rules.l.paths", "/l", key, "monitor"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(named + ": takes one value, but a list was given")
                .extracting(e -> ((InvalidSettingException) e).property())
                .isEqualTo(named);
    }

    @Test
    void aNestedPropertyUnderASingleValuedPropertyFailsNamingTheProperty() {
        assertThatThrownBy(() -> bind("abuse-guard.mode.level", "monitor"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("abuse-guard.mode: takes one value, not nested properties");
    }

    private static GuardContext context() {
        return GuardContext.builder()
                .store(io.github.abuseguard.store.LocalStateStore.builder().build())
                .timeSource(io.github.abuseguard.TimeSource.system())
                .build();
    }

    @Test
    void aRedisSettingWithoutTheRedisModuleNamesTheDependencyToAdd() {
        // cfgrest 6: abuse-guard-redis is not on this module's class path
        assertThatThrownBy(() -> bind("abuse-guard.store.redis.uri", "redis://cache:6379"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("abuse-guard.store.redis.uri: is a setting of abuse-guard.store.redis, which the module"
                        + " abuse-guard-redis contributes, and it is not on the class path; add the dependency"
                        + " io.github.abuseguard:abuse-guard-redis");
        assertThatThrownBy(() -> bind("abuse-guard.proof.enabled", "true"))
                .hasMessageContaining("add the dependency io.github.abuseguard:abuse-guard-servlet");
        assertThatThrownBy(() -> bind("abuse-guard.store.redis-uri", "x"))
                .hasMessageContaining("unknown property 'redis-uri'");
    }

    /**
     * user59 F8: a misspelt property failed start-up with every name known where it stood, and no hint which one was
     * meant; a name within a third of its length (at least two edits) of a known one is now offered.
     */
    @ParameterizedTest
    @CsvSource({
        "abuse-guard.client-signal.enabled, false, 'client-signal'; did you mean 'client-signals'?",
        "abuse-guard.rate-limit.rules.api.limt, 10/1m, 'limt'; did you mean 'limits'?",
        "abuse-guard.failure.rules.login.max-retries, 5, 'max-retries'; did you mean 'max-retry'?",
        "abuse-guard.rate-limit.rules.api.pathz, /api/**, 'pathz'; did you mean 'paths'?",
    })
    void aMisspeltPropertyIsAnsweredWithTheNameItMostLikelyMeans(String key, String value, String message) {
        assertThatThrownBy(() -> AbuseGuardSettings.bind(Map.of(key, value)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("unknown property " + message)
                .hasMessageContaining("known here: [");
    }

    @Test
    void aNameNearNoKnownOneIsAnsweredWithTheKnownNamesAlone() {
        assertThatThrownBy(() -> AbuseGuardSettings.bind(Map.of("abuse-guard.rate-limit.rules.api.quux", "1")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("unknown property 'quux'; known here: [")
                .hasMessageNotContaining("did you mean");
    }

    /**
     * {@code AbuseGuardSettings.bind(Map)} (the public plain binder) given a rule's paths whole and by index under one
     * spelling: {@code Binding.index} notes the list under its spelling, which is the very key that set it whole, so
     * nothing clashes, and the later key silently wins: bound as paths [/elsewhere], the rule no longer watching
     * /api/login (in the other order [/api/login]). The same pair under two spellings is refused (review119 F2), and
     * SettingsFile refuses this one before binding, but a map handed to bind() directly (system properties, a
     * container's parameters) is not read by SettingsFile.
     */
    @Test
    void pathsSetWholeAndByIndexUnderOneSpellingFail() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("abuse-guard.rate-limit.rules.login.paths", "/api/login");
        properties.put("abuse-guard.rate-limit.rules.login.limits[0].capacity", "5");
        properties.put("abuse-guard.rate-limit.rules.login.limits[0].period", "1m");
        properties.put("abuse-guard.rate-limit.rules.login.paths[0]", "/elsewhere");

        assertThatThrownBy(() -> AbuseGuardSettings.bind(properties))
                .as("one list given whole and by index")
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("twice");
    }
}
