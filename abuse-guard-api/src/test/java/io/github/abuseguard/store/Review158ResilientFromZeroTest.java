package io.github.abuseguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * review158 F3: ResilientStateStore.addAllFromZero takes the FALLBACK's own count below 0 as 0, while the count its
 * callers see is the fallback's plus the last one the remote store answered ({@code fromLocal}). A reset during an
 * outage (an operator's lift: FailureGuard resets banHistory and banClaims) writes minus the known count into the
 * fallback, so the fallback is below 0 by design there, and addAllFromZero throws that lift away: the lifted key's next
 * ban counts the history from before the lift (3 where 1 was due: a ban four times ban-time for a client the operator
 * just forgave) and its next claim is found already taken (2: no ban written). Before this session, counted() added
 * through the store's own view (add: -2 + 1 + known 2 = 1) and got it right.
 */
class Review158ResilientFromZeroTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore shared =
            LocalStateStore.builder().timeSource(clock).build();
    private final LocalStateStore local =
            LocalStateStore.builder().timeSource(clock).build();
    private final AtomicBoolean failing = new AtomicBoolean();

    /** The remote store: the shared state, unreachable while {@link #failing}. */
    private final StateStore remote = new DelegatingStateStore(shared) {
        @Override
        public Counters counters(String namespace, Duration window) {
            Counters counters = store.counters(namespace, window);
            return new Counters() {
                @Override
                public long add(String key, long delta) {
                    enter();
                    return counters.add(key, delta);
                }

                @Override
                public long get(String key) {
                    enter();
                    return counters.get(key);
                }

                @Override
                public long[] addAll(List<String> keys, long delta) {
                    enter();
                    return counters.addAll(keys, delta);
                }

                @Override
                public long[] addAllFromZero(List<String> keys, long delta) {
                    enter();
                    return counters.addAllFromZero(keys, delta);
                }
            };
        }
    };

    private void enter() {
        if (failing.get()) {
            throw new IllegalStateException("connection refused");
        }
    }

    private ResilientStateStore store() {
        return ResilientStateStore.builder(remote, local)
                .policy(OutagePolicy.LOCAL_FALLBACK)
                .failureRateThreshold(50)
                .minimumCalls(10)
                .windowSize(20)
                .halfOpenCalls(2)
                .retryInterval(Duration.ofSeconds(5))
                .timeSource(clock)
                .recoveryExecutor(round -> {})
                .build();
    }

    @Test
    void aCountResetDuringAnOutageCountsFromZeroAgain() {
        ResilientStateStore store = store();
        Counters history = store.counters("review158-history", Duration.ofHours(1));
        assertThat(history.addAllFromZero(List.of("k"), 1)[0]).isEqualTo(1);
        assertThat(history.addAllFromZero(List.of("k"), 1)[0])
                .as("two bans before the outage")
                .isEqualTo(2);

        failing.set(true); // the remote store goes away; its answers fall back to this instance's state
        history.reset("k"); // an operator lifts the key during the outage
        assertThat(history.get("k")).as("the count after the lift").isEqualTo(0);
        assertThat(history.add("k", 0))
                .as("the count after the lift, through add")
                .isEqualTo(0);

        assertThat(history.addAllFromZero(List.of("k"), 1)[0])
                .as("the key's first ban after its lift (add would answer 1 here)")
                .isEqualTo(1);
    }

    @Test
    void aClaimResetDuringAnOutageIsClaimedAgain() {
        ResilientStateStore store = store();
        Counters claims = store.counters("review158-claims", Duration.ofSeconds(10));
        assertThat(claims.addAllFromZero(List.of("k"), 1)[0])
                .as("the ban's claim")
                .isEqualTo(1);

        failing.set(true);
        claims.reset("k"); // lifted: its next ban is claimed afresh
        assertThat(claims.addAllFromZero(List.of("k"), 1)[0])
                .as("the claim of the key's next ban, after its lift during the outage")
                .isEqualTo(1);
    }

    /**
     * The lift's minus, left in the fallback when the remote store is back (share() moves only counts above 0), is
     * added to the remote store's answer after the remote step took ITS count from zero: once the remote claim's
     * window ended before the fallback's, the first claim answers 0, which ModeStarterSites (claimed == 1) takes for
     * nobody's. The add-based count healed it (0 -> add 1 -> 1).
     */
    @Test
    void aClaimAfterTheOutageThatLiftedItIsClaimedOnceTheStoreIsBack() {
        ResilientStateStore store = store();
        Counters claims = store.counters("review158-claims-back", Duration.ofSeconds(10));
        assertThat(claims.addAllFromZero(List.of("k"), 1)[0])
                .as("the ban's claim")
                .isEqualTo(1);

        clock.advance(Duration.ofSeconds(9));
        failing.set(true);
        claims.reset("k"); // lifted during the outage
        failing.set(false);
        clock.advance(Duration.ofSeconds(2)); // the remote claim's window has ended, the fallback's has not

        assertThat(claims.addAllFromZero(List.of("k"), 1)[0])
                .as("the first claim once the remote store is back")
                .isEqualTo(1);
    }
}
