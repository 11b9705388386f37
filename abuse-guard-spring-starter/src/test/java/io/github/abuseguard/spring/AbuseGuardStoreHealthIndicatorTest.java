package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.OutagePolicy;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.StoreUnavailableException;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** What the store's health says while the shared store is down: the application is not. */
class AbuseGuardStoreHealthIndicatorTest {

    private static ResilientStateStore brokenStore(OutagePolicy policy) {
        StateStore remote = mock(StateStore.class);
        Counters counters = mock(Counters.class);
        when(remote.counters(anyString(), any())).thenReturn(counters);
        when(counters.add(anyString(), anyLong())).thenThrow(new IllegalStateException("connection refused"));
        ResilientStateStore store = ResilientStateStore.builder(
                        remote, LocalStateStore.builder().build())
                .policy(policy)
                .timeSource(new FakeTimeSource())
                .build();
        Counters through = store.counters("c", Duration.ofMinutes(1));
        for (int i = 0; i < 100 && store.isAvailable(); i++) {
            try {
                through.add("k", 1);
            } catch (StoreUnavailableException refusedUnderFailClosed) {
                // the fail-closed policy answers each failed call so; the circuit opens all the same
            }
        }
        assertThat(store.isAvailable()).as("the circuit opened").isFalse();
        return store;
    }

    @Test
    void aStoreThatFellBackLocallyKeepsTheApplicationUpAndTellsOperatorsInTheDetails() {
        Health health = new AbuseGuardStoreHealthIndicator(brokenStore(OutagePolicy.LOCAL_FALLBACK)).health(true);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("shared", false).containsEntry("outagePolicy", "local-fallback");
    }

    @Test
    void aFailOpenStoreIsUpAndAFailClosedOneIsDown() {
        assertThat(new AbuseGuardStoreHealthIndicator(brokenStore(OutagePolicy.FAIL_OPEN))
                        .health(true)
                        .getStatus())
                .isEqualTo(Status.UP);
        assertThat(new AbuseGuardStoreHealthIndicator(brokenStore(OutagePolicy.FAIL_CLOSED))
                        .health(true)
                        .getStatus())
                .as("guarded requests are refused: the instance is not serving")
                .isEqualTo(Status.DOWN);
    }

    /**
     * probe57b F2: the circuit opens only on guarded calls' failures, so on an instance without traffic a store that
     * went down read as shared, and a fail-closed one stayed UP. The check reads the store once itself.
     */
    @Test
    void aStoreThatWentDownWithoutTrafficIsFoundByTheCheckItself() {
        StateStore remote = mock(StateStore.class);
        Counters counters = mock(Counters.class);
        when(remote.counters(anyString(), any())).thenReturn(counters);
        when(counters.get(anyString())).thenThrow(new IllegalStateException("connection refused"));
        for (OutagePolicy policy : OutagePolicy.values()) {
            ResilientStateStore store = ResilientStateStore.builder(
                            remote, LocalStateStore.builder().build())
                    .policy(policy)
                    .timeSource(new FakeTimeSource())
                    .build();
            assertThat(store.isAvailable()).as("no call failed yet").isTrue();
            Health health = new AbuseGuardStoreHealthIndicator(store).health(true);
            assertThat(health.getDetails()).as(policy.name()).containsEntry("shared", false);
            assertThat(health.getStatus())
                    .as(policy.name())
                    .isEqualTo(policy == OutagePolicy.FAIL_CLOSED ? Status.DOWN : Status.UP);
        }
    }

    @Test
    void aSharedStoreIsUp() {
        ResilientStateStore store = ResilientStateStore.builder(
                        LocalStateStore.builder().build(),
                        LocalStateStore.builder().build())
                .build();
        Health health = new AbuseGuardStoreHealthIndicator(store).health(true);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("shared", true);
    }

    /**
     * review59 F6: the check compared the count of every failed call before and after its read, so a guarded call's
     * timeout at the same moment read as the store down, and a fail-closed instance was reported DOWN while its own
     * read was answered.
     */
    @Test
    void anotherCallFailingWhileTheCheckReadsIsNotTakenForTheReadsAnswer() {
        StateStore remote = mock(StateStore.class);
        Counters guarded = mock(Counters.class);
        Counters probe = mock(Counters.class);
        when(remote.counters(anyString(), any())).thenReturn(guarded);
        when(remote.counters(org.mockito.ArgumentMatchers.eq(AbuseGuardStoreHealthIndicator.PROBE_NAMESPACE), any()))
                .thenReturn(probe);
        when(guarded.add(anyString(), anyLong())).thenThrow(new IllegalStateException("command timed out"));
        ResilientStateStore store = ResilientStateStore.builder(
                        remote, LocalStateStore.builder().build())
                .policy(OutagePolicy.FAIL_CLOSED)
                .timeSource(new FakeTimeSource())
                .build();
        Counters through = store.counters("c", Duration.ofMinutes(1));
        when(probe.get(anyString())).thenAnswer(read -> {
            try {
                through.add("k", 1); // a guarded request's call times out while the check's read is on its way
            } catch (StoreUnavailableException refused) {
                // fail-closed answers it so
            }
            return 0L;
        });
        long failedBefore = store.failedCalls();
        Health health = new AbuseGuardStoreHealthIndicator(store).health(true);
        assertThat(store.failedCalls()).as("the other call did fail meanwhile").isEqualTo(failedBefore + 1);
        assertThat(health.getDetails()).containsEntry("shared", true);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
    }

    /** review59 F6: each hit of the health endpoint, anonymous callers' too, was a read of the shared store. */
    @Test
    void checksWithinASecondShareOneReadAndALaterCheckReadsAgain() {
        StateStore remote = mock(StateStore.class);
        Counters probe = mock(Counters.class);
        when(remote.counters(anyString(), any())).thenReturn(probe);
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        when(probe.get(anyString())).thenAnswer(read -> {
            reads.incrementAndGet();
            if (down.get()) {
                throw new IllegalStateException("connection refused");
            }
            return 0L;
        });
        ResilientStateStore store = ResilientStateStore.builder(
                        remote, LocalStateStore.builder().build())
                .policy(OutagePolicy.FAIL_CLOSED)
                .timeSource(new FakeTimeSource())
                .build();
        long[] now = {0};
        AbuseGuardStoreHealthIndicator indicator = new AbuseGuardStoreHealthIndicator(store, () -> now[0]);
        for (int i = 0; i < 50; i++) {
            assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
        }
        assertThat(reads).as("fifty checks in the same second").hasValue(1);
        down.set(true);
        now[0] += AbuseGuardStoreHealthIndicator.ANSWER_REUSE.toNanos() - 1;
        assertThat(indicator.health(true).getStatus())
                .as("the last answer still serves")
                .isEqualTo(Status.UP);
        now[0] += 1;
        assertThat(indicator.health(true).getStatus())
                .as("a second later the store is read again")
                .isEqualTo(Status.DOWN);
        assertThat(reads).hasValue(2);
    }
}
