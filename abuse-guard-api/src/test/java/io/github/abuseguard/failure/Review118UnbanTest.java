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
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * review118 F3: 8565cb08's clamp of an unban's negative add (RouteSurge.trust) adds back all that its add left below
 * zero, which includes what another racing unban took and adds back itself. Three unbans at once (each reads N, each
 * adds -N, then two of them add back 1x and 2x N) leave the site's count at +N: the failures the unban was to forget
 * are all there again (probe69b F1's state).
 */
class Review118UnbanTest {
    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    private static final String ADDRESS = "198.51.100.61";
    private static final int RACERS = 3;

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();
    /** Every racer reads before any adds; every racer's negative add is done before any adds back. */
    private final CyclicBarrier read = new CyclicBarrier(RACERS);

    private final CyclicBarrier forgot = new CyclicBarrier(RACERS);
    private volatile boolean racing;

    private final StateStore racingStore = (StateStore) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                Object result = call(method, store, args);
                if (method.getName().equals("counters")
                        && String.valueOf(args[0]).startsWith("failure:surge-sites:")) {
                    Counters counters = (Counters) result;
                    return Proxy.newProxyInstance(
                            getClass().getClassLoader(), new Class<?>[] {Counters.class}, (p, m, a) -> {
                                Object value = call(m, counters, a);
                                if (racing && m.getName().equals("get")) {
                                    read.await(30, TimeUnit.SECONDS);
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

    private static GuardRequest login(String address, String username) {
        return GuardRequest.builder("POST", "/api/login")
                .client(address)
                .header("User-Agent", BROWSER)
                .header("Accept-Language", "en")
                .header("Origin", "https://shop.example")
                .body("application/json", "{\"username\":\"" + username + "\",\"password\":\"x\"}")
                .build();
    }

    @Test
    void threeUnbansAtOnceForgetTheSiteFailures() throws Exception {
        FailureRule rule = FailureRule.builder("login")
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
        List<FailureGuard> instances = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            instances.add(FailureGuard.builder()
                    .store(racingStore)
                    .timeSource(clock)
                    .rule(rule)
                    .build());
        }
        AbuseGuard one =
                AbuseGuard.builder().guard(instances.get(0)).timeSource(clock).build();
        for (int i = 0; i < 30; i++) {
            GuardRequest request = login(ADDRESS, "victim" + i);
            Evaluation evaluation = one.evaluate(request);
            if (!evaluation.decision().isDeny()
                    || evaluation.decision().action().passesRequestOn()) {
                one.complete(request, 401);
            }
        }
        Counters sites = store.counters("failure:surge-sites:login", Duration.ofSeconds(10));
        String window = ADDRESS + '@' + Math.floorDiv(clock.epochMillis(), 10_000L);
        long before = sites.get(window);
        assertThat(before).as("the site's failures of the window").isPositive();

        racing = true;
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
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
        assertThat(sites.get(window))
                .as("forgotten by three unbans at once (was %s)", before)
                .isEqualTo(0);
    }
}
