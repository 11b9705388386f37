package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * An unban forgets the address's site failures of the window by a read and a negative add (probe69b F1); unbans of one
 * address at the same moment (two operators, a retried request, several instances) forget them once, leaving neither
 * a count below zero nor the failures given back.
 */
class ConcurrentUnbanTest {
    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    private static final String ADDRESS = "198.51.100.60";
    private static final int RACERS = 3;

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();
    /** Run once inside the next read of a site's failures: another unban interleaved between read and add. */
    private final AtomicReference<Runnable> duringRead = new AtomicReference<>();
    /** While set, every racer reads before any adds, and every racer's negative add is done before any adds back. */
    private volatile boolean racing;

    private final CyclicBarrier read = new CyclicBarrier(RACERS);
    private final CyclicBarrier forgot = new CyclicBarrier(RACERS);

    private final StateStore interleaving = (StateStore) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                Object result = call(method, store, args);
                if (method.getName().equals("counters")
                        && String.valueOf(args[0]).startsWith("failure:surge-sites:")) {
                    Counters counters = (Counters) result;
                    return Proxy.newProxyInstance(
                            getClass().getClassLoader(), new Class<?>[] {Counters.class}, (p, m, a) -> {
                                Object value = call(m, counters, a);
                                if (m.getName().equals("get")) {
                                    Runnable other = duringRead.getAndSet(null);
                                    if (other != null) {
                                        other.run();
                                    }
                                    if (racing) {
                                        read.await(30, TimeUnit.SECONDS);
                                    }
                                } else if (racing && m.getName().equals("add") && ((Long) a[1]) < 0) {
                                    forgot.await(30, TimeUnit.SECONDS);
                                }
                                return value;
                            });
                }
                return result;
            });

    private static Object call(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static final FailureRule RULE = FailureRule.builder("login")
            .path("/api/login")
            .methods("POST")
            .maxRetry(100)
            .underAttack(new UnderAttack(
                    Duration.ofSeconds(10),
                    5.0,
                    20,
                    0.2,
                    Duration.ofMinutes(2),
                    Action.REJECT,
                    EnumSet.allOf(UnderAttack.Signal.class),
                    null))
            .build();

    private FailureGuard instance() {
        return FailureGuard.builder()
                .store(interleaving)
                .timeSource(clock)
                .rule(RULE)
                .build();
    }

    /** The site's failures of the window after 30 failed logins through {@code guard}: 20, its share. */
    private long failed(FailureGuard guard) {
        AbuseGuard engine = AbuseGuard.builder().guard(guard).timeSource(clock).build();
        for (int i = 0; i < 30; i++) {
            GuardRequest request = GuardRequest.builder("POST", "/api/login")
                    .client(ADDRESS)
                    .header("User-Agent", BROWSER)
                    .header("Accept-Language", "en")
                    .header("Origin", "https://shop.example")
                    .body("application/json", "{\"username\":\"victim" + i + "\",\"password\":\"x\"}")
                    .build();
            Evaluation evaluation = engine.evaluate(request);
            if (!evaluation.decision().isDeny()
                    || evaluation.decision().action().passesRequestOn()) {
                engine.complete(request, 401);
            }
        }
        return sites().get(window());
    }

    private Counters sites() {
        return store.counters("failure:surge-sites:login", Duration.ofSeconds(10));
    }

    private String window() {
        return ADDRESS + '@' + Math.floorDiv(clock.epochMillis(), 10_000L);
    }

    /**
     * review117 F3: two unbans each read the site's N failures and each added -N: the count was -N, so the address
     * then failed N more times than {@code min-failures} before its site was under attack on its own, and all of them
     * counted toward the route's mode, past the site's share.
     */
    @Test
    void twoUnbansAtOnceLeaveNoNegativeSiteCount() {
        FailureGuard first = instance();
        FailureGuard second = instance();
        assertThat(failed(first)).as("the site's failures of the window").isEqualTo(20);

        duringRead.set(() -> second.lift(ADDRESS, ADDRESS));
        first.lift(ADDRESS, ADDRESS);

        assertThat(sites().get(window())).as("forgotten, not owed").isEqualTo(0);
    }

    /**
     * review118 F3: three unbans that all read before any subtracted each gave back their whole overshoot (0, -20,
     * -40 given back +20 and +40): the failures were counted again, and the next put the site back in its mode.
     */
    @Test
    void threeUnbansAtOnceForgetTheSiteFailures() throws Exception {
        List<FailureGuard> instances = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            instances.add(instance());
        }
        long before = failed(instances.get(0));
        assertThat(before).as("the site's failures of the window").isPositive();

        racing = true;
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (FailureGuard instance : instances) {
            Thread thread = new Thread(() -> {
                try {
                    instance.lift(ADDRESS, ADDRESS);
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        racing = false;

        assertThat(failures).isEmpty();
        assertThat(sites().get(window()))
                .as("forgotten by three unbans at once (was %s)", before)
                .isEqualTo(0);
    }
}
