package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionTest {

    private static final RateLimitStatus PER_IP = new RateLimitStatus("per-ip", 100, 60, 99, 1);
    private static final RateLimitStatus PER_USER = new RateLimitStatus("per-user", 10, 3600, 9, 360);

    private static Guard answering(String name, Decision decision) {
        return new FixedAnswer(name, decision);
    }

    @Test
    void thePlainAllowIsOneSharedValue() {
        assertThat(Decision.allow()).isSameAs(Decision.allow());
        assertThat(Decision.allow(List.of())).isSameAs(Decision.allow());
        assertThat(Decision.allow(ResponseHints.none())).isSameAs(Decision.allow());
        assertThat(Decision.allow()).isInstanceOf(Decision.Allow.class);
    }

    @Test
    void eachKindIsItsOwnRecord() {
        assertThat(Decision.exempt()).isInstanceOf(Decision.Exempt.class);
        assertThat(Decision.exempt().isAllow()).isTrue();
        assertThat(Decision.exempt().isExempt()).isTrue();
        assertThat(Decision.flag("g", "odd", 5)).isEqualTo(new Decision.Flag("g", "odd", 5));
        Decision deny = Decision.deny(Action.THROTTLE)
                .guard("rate-limit")
                .reason("rate-limited")
                .retryAfter(Duration.ofSeconds(3))
                .build();
        assertThat(deny).isInstanceOfSatisfying(Decision.Deny.class, denial -> {
            assertThat(denial.action()).isEqualTo(Action.THROTTLE);
            assertThat(denial.retryAfter()).hasSeconds(3);
        });
    }

    @Test
    void aFlagNeedsAPositiveScore() {
        assertThatIllegalArgumentException().isThrownBy(() -> Decision.flag("g", "odd", 0));
    }

    @Test
    void onlyADenialChangesItsActionAndKeepsItsHints() {
        Decision deny = Decision.deny(Action.THROTTLE)
                .guard("rate-limit")
                .reason("rate-limited")
                .rateLimits(List.of(PER_IP))
                .build();

        Decision tagged = deny.withAction(Action.TAG);

        assertThat(tagged.action()).isEqualTo(Action.TAG);
        assertThat(tagged.rateLimits()).containsExactly(PER_IP);
        assertThatIllegalStateException().isThrownBy(() -> Decision.allow().withAction(Action.TAG));
    }

    @Test
    void hintsOfSeveralGuardsAreMergedNotOverwritten() {
        AbuseGuard engine = AbuseGuard.builder()
                .guard(answering("vary-origin", Decision.allowWithHeaders(Map.of("Vary", "Origin"))))
                .guard(answering("ip-limit", Decision.allow(List.of(PER_IP))))
                .guard(answering(
                        "user-limit",
                        Decision.allow(ResponseHints.of(List.of(PER_USER))
                                .merge(ResponseHints.headers(Map.of("Vary", "Authorization"))))))
                .build();

        Evaluation evaluation =
                engine.evaluate(GuardRequest.builder("GET", "/x").build());

        assertThat(evaluation.rateLimits()).containsExactly(PER_IP, PER_USER);
        assertThat(evaluation.responseHeaders()).containsEntry("Vary", "Origin, Authorization");
        assertThat(evaluation.hints().rateLimitPolicyField())
                .isEqualTo("\"per-ip\";q=100;w=60, \"per-user\";q=10;w=3600");
        assertThat(evaluation.hints().rateLimitField()).isEqualTo("\"per-ip\";r=99;t=1, \"per-user\";r=9;t=360");
    }

    @Test
    void aPolicyFieldRenderedAheadIsReportedAsGivenAndJoinedOnMerge() {
        ResponseHints first = ResponseHints.of(List.of(PER_IP), ResponseHints.policyField(List.of(PER_IP)));
        ResponseHints second = ResponseHints.of(List.of(PER_USER), ResponseHints.policyField(List.of(PER_USER)));

        assertThat(first.merge(second).rateLimitPolicyField())
                .isEqualTo(ResponseHints.policyField(List.of(PER_IP, PER_USER)));
    }

    @Test
    void aRulesStateReportsEachLimitWithTheRequestsFiguresAndItsResetCappedAtItsWindow() {
        List<RateLimitStatus> policies = List.of(
                new RateLimitStatus("burst-10s", 3, 10, 3, 10),
                new RateLimitStatus("burst-3600s", 100, 3600, 100, 3600));
        ResponseHints state = ResponseHints.of(policies, ResponseHints.policyField(policies), 2, 36);
        List<RateLimitStatus> expected = List.of(
                new RateLimitStatus("burst-10s", 3, 10, 2, 10), new RateLimitStatus("burst-3600s", 100, 3600, 2, 36));

        assertThat(state.hasRateLimits()).isTrue();
        assertThat(state.rateLimitPolicyField()).isEqualTo("\"burst-10s\";q=3;w=10, \"burst-3600s\";q=100;w=3600");
        assertThat(state.rateLimitField()).isEqualTo("\"burst-10s\";r=2;t=10, \"burst-3600s\";r=2;t=36");
        byte[] field = new byte[state.rateLimitFieldLength()];
        state.rateLimitField(field);
        assertThat(new String(field, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo(state.rateLimitField());
        assertThat(state.rateLimits()).isEqualTo(expected);
        // built when asked for, not kept: a rule's state stays one object of 24 bytes
        assertThat(state.rateLimits()).isEqualTo(state.rateLimits()).isNotSameAs(state.rateLimits());
        ResponseHints merged = state.merge(ResponseHints.headers(Map.of("Vary", "Origin")));
        assertThat(merged.rateLimits()).isEqualTo(expected);
        assertThat(merged.headers()).containsEntry("Vary", "Origin");
        assertThat(ResponseHints.of(List.of(PER_IP)).merge(state).rateLimits())
                .containsExactly(PER_IP, expected.get(0), expected.get(1));
        assertThat(ResponseHints.of(List.of(), null, 1, 1)).isSameAs(ResponseHints.none());
        assertThat(ResponseHints.none().hasRateLimits()).isFalse();
    }

    @Test
    void aRulesStateFromItsLimitsBuiltOnceIsTheStateOfThoseLimitsWithTheirHeadersAndPolicyField() {
        List<RateLimitStatus> policies = List.of(
                new RateLimitStatus("burst-10s", 3, 10, 3, 10),
                new RateLimitStatus("burst-3600s", 100, 3600, 100, 3600));
        ResponseHints limits =
                ResponseHints.of(policies, "pre-rendered").merge(ResponseHints.headers(Map.of("Vary", "Origin")));

        ResponseHints state = ResponseHints.of(limits, 2, 36);
        ResponseHints again = ResponseHints.of(state, 1, 5);

        assertThat(state.rateLimits())
                .isEqualTo(ResponseHints.of(policies, null, 2, 36).rateLimits());
        assertThat(state.rateLimitPolicyField()).isEqualTo("pre-rendered");
        assertThat(state.headers()).containsExactly(Map.entry("Vary", "Origin"));
        assertThat(again.rateLimitField()).isEqualTo("\"burst-10s\";r=1;t=5, \"burst-3600s\";r=1;t=5");
        assertThat(again.headers()).isEqualTo(state.headers());
        assertThat(ResponseHints.of(ResponseHints.none(), 1, 1)).isSameAs(ResponseHints.none());
    }

    /**
     * A rule's state keeps both figures in one {@code long} when they fit: each figure at, and just
     * beyond, the largest it packs (remaining 2^39 - 1, a reset of 2^24 - 1 seconds), and far beyond,
     * is reported exactly as it was given.
     */
    @Test
    void aRulesStateReportsItsFiguresExactlyAtAndBeyondTheLargestThatShareOneLong() {
        long window = Long.MAX_VALUE / 2;
        List<RateLimitStatus> policy = List.of(new RateLimitStatus("wide", Long.MAX_VALUE, window, 0, 0));
        ResponseHints limits = ResponseHints.of(policy, null);
        long[] remainings = {0, 1, (1L << 39) - 1, 1L << 39, (1L << 40) + 7, Long.MAX_VALUE};
        long[] resets = {0, 1, (1L << 24) - 1, 1L << 24, (1L << 33) + 3, window};
        for (long remaining : remainings) {
            for (long reset : resets) {
                ResponseHints state = ResponseHints.of(limits, remaining, reset);

                assertThat(state.rateLimits())
                        .as("remaining %d, reset %d", remaining, reset)
                        .containsExactly(new RateLimitStatus("wide", Long.MAX_VALUE, window, remaining, reset));
                assertThat(state.rateLimitField()).isEqualTo("\"wide\";r=" + remaining + ";t=" + reset);
                byte[] field = new byte[state.rateLimitFieldLength()];
                state.rateLimitField(field);
                assertThat(new String(field, java.nio.charset.StandardCharsets.US_ASCII))
                        .isEqualTo(state.rateLimitField());
                assertThat(state.merge(ResponseHints.headers(Map.of("Vary", "Origin")))
                                .rateLimits())
                        .isEqualTo(state.rateLimits());
            }
        }
    }
}
