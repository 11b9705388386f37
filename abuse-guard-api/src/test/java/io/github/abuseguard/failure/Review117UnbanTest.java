package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
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
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** review117: a9931d5b, an unban forgets the site's failures of the window by a read and a negative add. */
class Review117UnbanTest {
    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    private static final String ADDRESS = "198.51.100.60";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();
    /** Run once inside the next read of a site's failures: another unban interleaved between read and add. */
    private final AtomicReference<Runnable> duringRead = new AtomicReference<>();

    private final StateStore racing = (StateStore) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                Object result = call(method, store, args);
                if (method.getName().equals("counters")
                        && String.valueOf(args[0]).startsWith("failure:surge-sites:")) {
                    Counters counters = (Counters) result;
                    return Proxy.newProxyInstance(
                            getClass().getClassLoader(), new Class<?>[] {Counters.class}, (p, m, a) -> {
                                Object read = call(m, counters, a);
                                if (m.getName().equals("get")) {
                                    Runnable other = duringRead.getAndSet(null);
                                    if (other != null) {
                                        other.run();
                                    }
                                }
                                return read;
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

    private FailureGuard guard(FailureRule rule) {
        return FailureGuard.builder().store(racing).timeSource(clock).rule(rule).build();
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

    private static Decision exchange(AbuseGuard engine, GuardRequest request, int status) {
        Evaluation evaluation = engine.evaluate(request);
        if (!evaluation.decision().isDeny() || evaluation.decision().action().passesRequestOn()) {
            engine.complete(request, status);
        }
        return evaluation.decision();
    }

    /**
     * F3: two unbans of one address at the same moment (two operators, a retried request, through two instances)
     * each read the site's N failures and each add -N: the site's count of the window is -N, so the address then
     * fails N more times than {@code min-failures} before its site is under attack on its own, and all of them
     * count toward the route's mode, past the site's share (one site cannot start the route's mode, otherwise).
     */
    @Test
    void twoUnbansAtOnceLeaveNoNegativeSiteCount() {
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
        FailureGuard first = guard(rule);
        FailureGuard second = guard(rule);
        AbuseGuard one = AbuseGuard.builder().guard(first).timeSource(clock).build();
        for (int i = 0; i < 30; i++) {
            exchange(one, login(ADDRESS, "victim" + i), 401);
        }
        Counters sites = store.counters("failure:surge-sites:login", Duration.ofSeconds(10));
        String window = ADDRESS + '@' + Math.floorDiv(clock.epochMillis(), 10_000L);
        assertThat(sites.get(window)).as("the site's failures of the window").isEqualTo(20);

        duringRead.set(() -> second.lift(ADDRESS, ADDRESS));
        first.lift(ADDRESS, ADDRESS);

        assertThat(sites.get(window)).as("forgotten, not owed").isEqualTo(0);
    }
}
