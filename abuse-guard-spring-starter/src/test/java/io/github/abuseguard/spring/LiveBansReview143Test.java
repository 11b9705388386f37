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
import org.junit.jupiter.api.Test;

/**
 * review143: {@link LiveBans} keeping bans and unbans through a store outage (probe80a F1, F2), adversarially.
 */
class LiveBansReview143Test {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore local =
            LocalStateStore.builder().timeSource(clock).build();
    private final AtomicBoolean down = new AtomicBoolean();

    /** Invoked inside each Bans.ban call, before it is written (null: nothing). */
    private volatile Runnable onBan;

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
            if (method.getName().equals("ban") && onBan != null) {
                onBan.run();
            }
            if (down.get() && !method.getDeclaringClass().equals(Object.class)) {
                throw StoreUnavailableException.failingOpen("review143: the store is down", null);
            }
            return invoke(real, method, args);
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
     * F1: during an outage an operator bans a client through instance A (the load balancer's pick), sees it was a
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
     * F1 (the other way round): a client banned before the outage is unbanned through A during it; after the store
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
     * F2: the pending changes were written under one lock, with the store call inside it, by the requests after an
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
     * F3: an instance that has seen 10,000 live bans (an operator's script banning a scraper's
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
