package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.StoreUnavailableException;
import io.github.abuseguard.testing.FakeTimeSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link LiveBans} through store outages, two instances on one shared store (review143, review144): a ban or unban made
 * during an outage holds on its instance until the store answers, is never written later, and is forgotten then.
 */
class LiveBansOutageTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore local =
            LocalStateStore.builder().timeSource(clock).build();
    private final AtomicBoolean down = new AtomicBoolean();
    /** Lifts by hand every instance hears of, as a shared store's lift listener counts them (Bans#liftsSeen). */
    private final AtomicLong lifts = new AtomicLong();

    /** Invoked inside each Bans.ban call, before it is written (null: nothing). */
    private volatile Runnable onBan;

    /** Invoked once inside a Bans.remaining call, after the store answered and before it returns (null: nothing). */
    private volatile Runnable onRemaining;

    /** The shared store as every instance sees it: failing (fail-open) while {@link #down}. */
    private final StateStore shared = (StateStore) Proxy.newProxyInstance(
            StateStore.class.getClassLoader(), new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                Object result = invoke(local, method, args);
                if (method.getName().equals("bans")) {
                    Bans real = (Bans) result;
                    return Proxy.newProxyInstance(
                            Bans.class.getClassLoader(), new Class<?>[] {Bans.class}, bansHandler(real));
                }
                return result;
            });

    private InvocationHandler bansHandler(Bans real) {
        return (proxy, method, args) -> {
            if (method.getDeclaringClass().equals(Object.class)) {
                return invoke(real, method, args);
            }
            if (method.getName().equals("liftsSeen")) {
                return lifts.get();
            }
            if (method.getName().equals("ban") && onBan != null) {
                onBan.run();
            }
            if (down.get()) {
                throw StoreUnavailableException.failingOpen("the store is down", null);
            }
            Object answer = invoke(real, method, args);
            if (method.getName().equals("remaining") && onRemaining != null) {
                Runnable hook = onRemaining;
                onRemaining = null;
                hook.run(); // after the store answered, before the caller uses the answer
            }
            if (method.getName().equals("liftEverywhere")) {
                lifts.incrementAndGet();
            }
            return answer;
        };
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static boolean refused(LiveBans bans, String client) {
        return bans.check(GuardRequest.builder("GET", "/api/x").client(client).build())
                .isDeny();
    }

    /**
     * review144 F1: instance A set (or saw) a ban while the store answered, so it keeps the ban's end for an outage. The operator
     * unbans the client through instance B while the store answers: the endpoint says it is lifted everywhere (written),
     * and every instance hears of the lift. The client does not happen to reach A before Redis goes down again (a
     * minute later, a day later): A answers from its stale copy and refuses the client the operator unbanned, for the
     * rest of the old ban.
     */
    @Test
    void anUnbanWrittenToTheStoreIsNotUndoneOnAnotherInstanceByTheNextOutage() {
        LiveBans a = new LiveBans(shared, clock);
        LiveBans b = new LiveBans(shared, clock);
        assertThat(a.ban("203.0.113.7", Duration.ofHours(6))).isTrue();
        assertThat(b.lift("203.0.113.7"))
                .as("written to the shared store: lifted everywhere")
                .isTrue();
        assertThat(refused(b, "203.0.113.7")).isFalse();
        refused(a, "198.51.100.1"); // A keeps serving other clients while the store answers

        clock.advance(Duration.ofMinutes(10));
        down.set(true);

        assertThat(refused(a, "203.0.113.7"))
                .as("A refuses, during a later outage, the client whose ban was lifted everywhere")
                .isFalse();
    }

    /**
     * review144 F1 (the outage's own ban): a ban made during an outage "holds on this instance only, until the store answers
     * again" (the endpoint's answer and the javadoc). The store answers again, the operator sees the ban gone from the
     * list and, the incident over, does not repeat it. The next outage, hours later, refuses the client again on A.
     */
    @Test
    void aBanMadeDuringAnOutageDoesNotComeBackWithTheNextOutage() {
        LiveBans a = new LiveBans(shared, clock);
        down.set(true);
        assertThat(a.ban("203.0.113.7", Duration.ofDays(1)))
                .as("held here only")
                .isFalse();
        down.set(false);
        assertThat(a.active())
                .as("the store answers: the outage's ban is listed nowhere")
                .isEmpty();
        refused(a, "198.51.100.1");

        clock.advance(Duration.ofHours(3));
        down.set(true);

        assertThat(refused(a, "203.0.113.7"))
                .as("the outage's ban, gone once the store answered, holds again in the next outage")
                .isFalse();
    }

    /**
     * review144 F2: a banned client's request on A reads isBanned (true) and remaining (an hour), then the operator's unban (on
     * A, written to the store) runs, then the request puts the ban back into A's copy ({@code keep}). The unban answered "lifted"; A's
     * copy now holds the lifted ban, and an outage before the client's next request refuses it on A for the rest of it
     * (its next request while the store answers would drop the copy).
     */
    @Test
    void anUnbanRacingABannedClientsRequestIsNotPutBackIntoTheCopy() {
        LiveBans a = new LiveBans(shared, clock);
        assertThat(a.ban("203.0.113.7", Duration.ofHours(6))).isTrue();
        onRemaining = () -> assertThat(a.lift("203.0.113.7")).isTrue();
        refused(a, "203.0.113.7"); // the request that raced the unban

        assertThat(shared.bans(LiveBans.NAMESPACE).isBanned("203.0.113.7"))
                .as("lifted on the store")
                .isFalse();
        refused(a, "198.51.100.1"); // A serves others; the unbanned client comes back only after Redis went down
        down.set(true);
        assertThat(refused(a, "203.0.113.7"))
                .as("the copy the racing request put back refuses the unbanned client in an outage")
                .isFalse();
    }

    /**
     * review143 F1: during an outage an operator bans a client through instance A (the load balancer's pick), sees it was a
     * mistake and unbans it through instance B (the next pick). Both are kept and answered 200 "pending". Once the
     * store answers, each instance writes its change with its next request: B's request comes first, then A's, and
     * A's older ban overwrites the newer unban on every instance for the ban's full hour. The last change the operator
     * made should be the one that stands; at the least an older change must not undo a newer one.
     */
    @Test
    void anUnbanMadeAfterABanDuringAnOutageIsNotUndoneWhenTheInstancesWriteTheirChanges() {
        LiveBans a = new LiveBans(shared, clock);
        LiveBans b = new LiveBans(shared, clock);
        down.set(true);
        assertThat(a.ban("203.0.113.7", Duration.ofHours(1))).as("kept on A").isFalse();
        clock.advance(Duration.ofSeconds(30));
        assertThat(b.lift("203.0.113.7")).as("kept on B").isFalse();
        down.set(false);

        refused(b, "198.51.100.1"); // B's next request writes the unban
        refused(a, "198.51.100.2"); // A's next request writes the older ban

        assertThat(refused(b, "203.0.113.7"))
                .as("the client the operator unbanned last is refused again, on every instance, for an hour")
                .isFalse();
    }

    /**
     * review143 F1 (the other way round): a client banned before the outage is unbanned through A during it; after the store
     * is back, an operator bans it again through B (it came back). A's next request replays its old unban and lifts
     * the new ban everywhere.
     */
    @Test
    void aBanSetAfterTheStoreCameBackIsNotLiftedByAnUnbanMadeDuringTheOutage() {
        LiveBans a = new LiveBans(shared, clock);
        LiveBans b = new LiveBans(shared, clock);
        b.ban("203.0.113.7", Duration.ofHours(1));
        down.set(true);
        assertThat(a.lift("203.0.113.7")).isFalse();
        down.set(false);
        clock.advance(Duration.ofMinutes(5));
        b.ban("203.0.113.7", Duration.ofHours(1)); // the operator's newer ban, on a store that answers

        refused(a, "198.51.100.2"); // A's next request writes its old unban

        assertThat(refused(b, "203.0.113.7"))
                .as("the ban set after the store came back is lifted by an unban made before it")
                .isTrue();
    }

    /**
     * review143 F2: the pending changes were written under one lock, with the store call inside it, by the requests after an
     * outage: one slow write held every request of the instance. A change made during an outage now holds on its
     * instance only, and no request writes to the store.
     */
    @Test
    void noRequestWritesToTheStoreAfterAnOutage() {
        LiveBans a = new LiveBans(shared, clock);
        down.set(true);
        a.ban("203.0.113.7", Duration.ofHours(1));
        assertThat(refused(a, "203.0.113.7"))
                .as("the ban holds here during the outage")
                .isTrue();
        down.set(false);
        java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
        onBan = writes::incrementAndGet;
        refused(a, "198.51.100.1");
        refused(a, "198.51.100.2");

        assertThat(writes).as("store writes by the requests after the outage").hasValue(0);
    }

    /**
     * review143 F3: an instance that has seen 10,000 live bans (an operator's script banning a scraper's
     * addresses, say) keeps no ban set on it during an outage: {@code ban} answers "the ban holds on this instance",
     * yet the client is served until the store is back. A ban this instance sets should make room (drop a seen one
     * soonest to end) rather than be dropped.
     */
    @Test
    void aBanSetDuringAnOutageHoldsHereWhenManyBansWereSeen() {
        LiveBans a = new LiveBans(shared, clock);
        for (int i = 0; i < 10_000; i++) {
            a.ban("10.0." + (i / 256) + "." + (i % 256), Duration.ofHours(2));
        }
        down.set(true);
        assertThat(a.ban("203.0.113.7", Duration.ofHours(1)))
                .as("kept here, the answer says")
                .isFalse();

        assertThat(refused(a, "203.0.113.7"))
                .as("the client banned on this instance during the outage is served here")
                .isTrue();
    }
}
