package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * review157 F5: ModeStarterSites takes a claim of at most 1 as the first ({@code claimed[i] <= 1}, "below 1 after two
 * operators' ends at once took it back twice") without bringing the count back to 1, as FailureGuard.counted now
 * does. Two ends at once (Counters.reset twice: a read and a negative add each) leave the site's claim at -1; the
 * mode then starts again with the site among its starters, heard on two instances at once: the first claim counts 0,
 * the second 1, both are "first", the site's times remembered is counted twice, and its memory is twice as long as
 * the one after a single end (probe83a F2's escalation: a customer who mistyped once held out for longer than due).
 */
class Review157ModeClaimRaceTest {
    private static final String SITE = "203.0.113.157";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).build();

    /** Run inside the next read of the site's claim that finds one. */
    private final AtomicReference<Runnable> duringRead = new AtomicReference<>();

    /** Run once right after the next claim (addAll, addAllFromZero) of the sites: another instance's remembering of them. */
    private final AtomicReference<Runnable> afterClaim = new AtomicReference<>();

    private final StateStore interleaving = (StateStore) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                Object result = call(method, store, args);
                if (method.getName().equals("counters")
                        && String.valueOf(args[0]).contains("-claims:")) {
                    Counters counters = (Counters) result;
                    return Proxy.newProxyInstance(
                            getClass().getClassLoader(), new Class<?>[] {Counters.class}, (p, m, a) -> {
                                if (m.getName().equals("reset")) {
                                    return InvocationHandler.invokeDefault(p, m, a);
                                }
                                Object value = call(m, counters, a);
                                if (m.getName().equals("get") && value instanceof Long read && read > 0) {
                                    Runnable other = duringRead.getAndSet(null);
                                    if (other != null) {
                                        other.run();
                                    }
                                }
                                if (m.getName().startsWith("addAll")) {
                                    Runnable other = afterClaim.getAndSet(null);
                                    if (other != null) {
                                        other.run();
                                    }
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

    private ModeStarterSites instance() {
        return new ModeStarterSites(
                interleaving, "review157", "r", store.bans("review157-modes"), Duration.ofMinutes(5), 1);
    }

    /** {@code ends} ends of the mode at once, then the site remembered by two instances at once. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aSiteRememberedAgainByTwoInstancesAtOnceIsRememberedAsAfterOneEnd(int ends) {
        ModeStarterSites one = instance();
        ModeStarterSites other = instance();
        one.remember(List.of(SITE), clock.epochMillis());
        Duration first = one.remaining(SITE, clock.epochMillis());
        assertThat(first).isPositive();

        clock.advance(Duration.ofSeconds(2)); // the operator ends the mode after a false alarm, within the claim
        if (ends == 2) {
            duringRead.set(other::forget); // a second end at once: another instance's control endpoint, a retry
        }
        one.forget();
        assertThat(duringRead.get()).isNull();
        assertThat(one.contains(SITE, clock.epochMillis())).isFalse();

        clock.advance(Duration.ofSeconds(1)); // a real mode starts, the site among its starters, on two instances
        afterClaim.set(() -> other.remember(List.of(SITE), clock.epochMillis()));
        one.remember(List.of(SITE), clock.epochMillis());
        assertThat(afterClaim.get())
                .as("the other instance remembered it between this one's claim and memory")
                .isNull();
        assertThat(one.remaining(SITE, clock.epochMillis()))
                .as("after " + ends + " end(s) at once: the site's second memory is twice its first, at most")
                .isLessThanOrEqualTo(first.multipliedBy(2));
    }
}
