package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.config.InvalidSettingException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * What Spring's binder would let through on its own and the starter refuses at start-up, naming the
 * property as the plain-servlet binder does: a secret whose placeholder was not resolved, a list given
 * for a single-valued property, and a number that is not finite.
 */
class StrictBindingTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(OneSchemaTwoBindersTest.BindOnly.class);

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "abuse-guard.bounce-notifications.secret, ${BOUNCE_SECRET}",
        "abuse-guard.proof.secret, ${ABUSE_GUARD_PROOF_SECRET}",
        "abuse-guard.store.redis.key-secret, ${REDIS_KEY_SECRET}",
        "abuse-guard.logging.pseudonym-secret, ${PSEUDONYM_SECRET}",
        "abuse-guard.proof.secret, pepper-${UNSET_PART}-pepper",
    })
    void aSecretWhosePlaceholderIsNotResolvedFailsStartUpNamingIt(String property, String value) {
        runner.withPropertyValues(property + "=" + value)
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .isInstanceOf(InvalidSettingException.class)
                        .hasMessageStartingWith(property + ": holds the unresolved placeholder ${")
                        .hasMessageNotContaining("pepper"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "abuse-guard.proof.secret, ${resolved.secret}",
        "abuse-guard.store.redis.key-secret, ${UNSET_SECRET:a-default-of-sixteen-chars}",
    })
    void aSecretWhosePlaceholderIsResolvedBinds(String property, String value) {
        runner.withPropertyValues(property + "=" + value, "resolved.secret=from-the-environment-16")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "abuse-guard.failure.rules.l.statuses[0], abuse-guard.failure.rules.l.statuses",
        "abuse-guard.failure.rules.l.statuses[2], abuse-guard.failure.rules.l.statuses",
        "abuse-guard.rate-limit.rules.a.key[0], abuse-guard.rate-limit.rules.a.key",
        "abuse-guard.mode[0], abuse-guard.mode",
        "abuse-guard.failure.rules.l.find-time[0], abuse-guard.failure.rules.l.find-time",
        "abuse-guard.failure.rules.l.distinct[0], abuse-guard.failure.rules.l.distinct",
        "abuse-guard.decoys.f.body[0], abuse-guard.decoys.f.body",
        "abuse-guard.store.redis.key-prefix[0], abuse-guard.store.redis.key-prefix",
    })
    void aListGivenForASingleValuedPropertyFailsStartUpNamingTheProperty(String key, String property) {
        runner.withPropertyValues("abuse-guard.failure.rules.l.paths=/l", key + "=monitor")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .isInstanceOf(InvalidSettingException.class)
                        .hasMessageStartingWith(property + ": takes one value, but a list was given"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "abuse-guard.sequence.model-quantile, NaN",
        "abuse-guard.sequence.model-quantile, Infinity",
        "abuse-guard.failure.rules.l.under-attack.min-ratio, -Infinity",
        "abuse-guard.failure.rules.l.under-attack.multiplier, NaN",
        "abuse-guard.failure.rules.l.ban-factor, 1e999",
        "abuse-guard.volume.rules.v.under-scrape.min-ratio, NaN",
    })
    void aNumberThatIsNotFiniteFailsStartUpNamingTheProperty(String property, String value) {
        runner.withPropertyValues("abuse-guard.failure.rules.l.paths=/l", property + "=" + value)
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .isInstanceOf(InvalidSettingException.class)
                        .hasMessageStartingWith(property + ": '")
                        .hasMessageEndingWith("' is not a finite number"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "abuse-guard.rate-limit.rules.r.action | blockk | 'blockk' is not one of [reject, throttle, tarpit, decoy,"
                        + " tag, log]",
                "abuse-guard.mode | enforcing | 'enforcing' is not one of [enforce, monitor]",
                "abuse-guard.failure-policy | open | 'open' is not one of [fail-open, fail-closed]",
                "abuse-guard.failure.history-ttl | 200000d | '200000d' is longer than 292 years",
                "abuse-guard.failure.history-ttl | 9223372036854775807m | '9223372036854775807m' is longer than 292 years",
            })
    void anUnknownChoiceOrAnOverlongDurationFailsStartUpNamingThePropertyAsThePlainBinderDoes(
            String property, String value, String message) {
        // cfg24 F9 and F17: Spring's own words were "No enum constant io.github..." and a "long overflow" trace
        runner.withPropertyValues("abuse-guard.rate-limit.rules.r.limits[0].capacity=1", property + "=" + value)
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .isInstanceOf(InvalidSettingException.class)
                        .hasMessage(property + ": " + message));
    }
}
