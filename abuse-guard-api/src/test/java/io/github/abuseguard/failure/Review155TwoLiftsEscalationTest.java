package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * review155: a lift gives a ban's escalation back as it gives its claim back, by a read and a negative add ({@code
 * banHistory.get}, then {@code add(key, -escalated)}). Two lifts of one key at once, later than the claim's 10 s (two
 * operators, the control endpoint on two instances), each read the history 1 and each add -1: the history is -1 for
 * max-ban-time, so the key's next two bans are both ban-time, where the second is due twice as long (ban-factor 2).
 * review152 F2 kept the claim's own below-zero case claimable; the history has the same race and no such guard.
 */
class Review155TwoLiftsEscalationTest {
    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    private static final String ADDRESS = "198.51.100.62";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();
    /** Run once inside the next read of a ban's history that finds one: another lift between the read and the add. */
    private final AtomicReference<Runnable> duringRead = new AtomicReference<>();

    private final StateStore interleaving = (StateStore) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                Object result = call(method, store, args);
                if (method.getName().equals("counters")
                        && String.valueOf(args[0]).endsWith(":bans")) {
                    Counters counters = (Counters) result;
                    return Proxy.newProxyInstance(
                            getClass().getClassLoader(), new Class<?>[] {Counters.class}, (p, m, a) -> {
                                Object value = call(m, counters, a);
                                if (m.getName().equals("get") && value instanceof Long read && read > 0) {
                                    Runnable other = duringRead.getAndSet(null);
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

    private static final FailureRule RULE = FailureRule.builder("login")
            .path("/api/login")
            .methods("POST")
            .maxRetry(3)
            .findTime(Duration.ofMinutes(10))
            .banTime(Duration.ofMinutes(15))
            .build();

    private FailureGuard instance() {
        return FailureGuard.builder()
                .store(interleaving)
                .timeSource(clock)
                .rule(RULE)
                .build();
    }

    private Evaluation guess(AbuseGuard engine) {
        GuardRequest request = GuardRequest.builder("POST", "/api/login")
                .client(ADDRESS)
                .header("User-Agent", BROWSER)
                .header("Accept-Language", "en")
                .header("Origin", "https://shop.example")
                .body("application/json", "{\"username\":\"victim\",\"password\":\"x\"}")
                .build();
        Evaluation evaluation = engine.evaluate(request);
        if (!evaluation.decision().isDeny() || evaluation.decision().action().passesRequestOn()) {
            engine.complete(request, 401);
        }
        return evaluation;
    }

    /** Three failed guesses, then a fourth: the Retry-After of the ban they earned. */
    private Duration banned(AbuseGuard engine, String when) {
        for (int i = 0; i < 3; i++) {
            assertThat(guess(engine).isDenied()).as(when + ": guess " + (i + 1)).isFalse();
        }
        Evaluation fourth = guess(engine);
        assertThat(fourth.isDenied()).as(when + ": banned").isTrue();
        return fourth.decision().retryAfter();
    }

    private Duration secondBanAfterLifts(boolean twoAtOnce) {
        FailureGuard guard = instance();
        FailureGuard other = instance(); // a second instance, or a second operator's call
        AbuseGuard engine = AbuseGuard.builder().guard(guard).timeSource(clock).build();
        assertThat(banned(engine, "before the lift")).isEqualTo(Duration.ofMinutes(15));
        clock.advance(Duration.ofMinutes(1)); // the claim's 10 s are over
        if (twoAtOnce) {
            duringRead.set(() -> other.lift(ADDRESS, ADDRESS));
        }
        assertThat(guard.lift(ADDRESS, ADDRESS)).isNotEmpty();
        assertThat(banned(engine, "first ban after the lift"))
                .as("the first ban after a lift is ban-time")
                .isEqualTo(Duration.ofMinutes(15));
        clock.advance(Duration.ofMinutes(16)); // that ban is over, within max-ban-time
        return banned(engine, "second ban after the lift");
    }

    /** F4: after two lifts at once, the second ban is 15 minutes, not 30. */
    @Test
    void twoLiftsOfOneKeyAtOnceLeaveItsBansEscalating() {
        assertThat(secondBanAfterLifts(true))
                .as("the second ban after a lift escalates (ban-factor 2)")
                .isEqualTo(Duration.ofMinutes(30));
    }

    /** Control: one lift: the second ban after it is 30 minutes. */
    @Test
    void controlOneLiftLeavesItsBansEscalating() {
        assertThat(secondBanAfterLifts(false)).isEqualTo(Duration.ofMinutes(30));
    }
}
