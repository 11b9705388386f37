package io.github.abuseguard.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.BannedKey;
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
import org.junit.jupiter.api.Test;

/**
 * review152: a821a835's lift gives a ban's claim back by a read and a negative add ({@code banClaims.get}, then {@code
 * add(key, -claimed)}), as the site failures' unban did before review117 F3. Two lifts of one key at once (two
 * operators, a retried request, the control endpoint on two instances: ConcurrentUnbanTest's own cases) each read the
 * claim 1 and each add -1: the claim count is -1, so the key's next ban is claimed by nobody (the next claim counts 0,
 * not 1). Under fail2ban the failure that reaches max-retry then bans nothing; the key is refused only by its count
 * (too-many-in-flight, a short Retry-After, no escalation) until that count slides below max-retry, and each failure
 * after that slide bans nothing until the claim's window ends.
 */
class Review152BanClaimLiftTest {
    private static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    private static final String ADDRESS = "198.51.100.61";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();
    /** The counters whose reads {@link #duringRead} interleaves: a ban's claims, or its history (review155 F4). */
    private String intercepted = ":ban-claims";

    /** Run once inside the next read of a ban's claim that finds one: another lift between the read and the add. */
    private final AtomicReference<Runnable> duringRead = new AtomicReference<>();

    private final StateStore interleaving = (StateStore) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                Object result = call(method, store, args);
                if (method.getName().equals("counters")
                        && String.valueOf(args[0]).endsWith(intercepted)) {
                    Counters counters = (Counters) result;
                    return Proxy.newProxyInstance(
                            getClass().getClassLoader(), new Class<?>[] {Counters.class}, (p, m, a) -> {
                                if (m.getName().equals("reset")) {
                                    // Counters' own read and add, through this proxy, so that a lift's read is seen
                                    return InvocationHandler.invokeDefault(p, m, a);
                                }
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

    private static List<BannedKey> bans(FailureGuard guard) {
        return guard.bans(10).get("login");
    }

    /** Three failed guesses: banned for 15 minutes; the fourth is refused by the ban. */
    private void banned(FailureGuard guard, AbuseGuard engine, String when) {
        for (int i = 0; i < 3; i++) {
            assertThat(guess(engine).isDenied()).as(when + ": guess " + (i + 1)).isFalse();
        }
        assertThat(bans(guard))
                .as(when + ": the key is banned after max-retry failures")
                .hasSize(1);
        Evaluation fourth = guess(engine);
        assertThat(fourth.isDenied()).isTrue();
        assertThat(fourth.decision().retryAfter()).as(when).isGreaterThanOrEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void twoLiftsOfOneKeyAtOnceLeaveItsNextBanClaimable() {
        FailureGuard guard = instance();
        FailureGuard other = instance(); // a second instance, or a second operator's call
        AbuseGuard engine = AbuseGuard.builder().guard(guard).timeSource(clock).build();
        banned(guard, engine, "first");
        clock.advance(Duration.ofSeconds(2)); // the operator lifts it within the claim's 10 s
        duringRead.set(() -> other.lift(ADDRESS, ADDRESS));
        assertThat(guard.lift(ADDRESS, ADDRESS)).isNotEmpty();
        assertThat(duringRead.get())
                .as("the other lift ran between this one's read and add")
                .isNull();
        assertThat(bans(guard)).isEmpty();
        banned(guard, engine, "after two lifts at once");
    }

    /** Control: one lift within the claim's window: the key's next max-retry failures ban it again. */
    @Test
    void controlOneLiftLeavesItsNextBanClaimable() {
        FailureGuard guard = instance();
        AbuseGuard engine = AbuseGuard.builder().guard(guard).timeSource(clock).build();
        banned(guard, engine, "first");
        clock.advance(Duration.ofSeconds(2));
        assertThat(guard.lift(ADDRESS, ADDRESS)).isNotEmpty();
        banned(guard, engine, "after one lift");
    }

    /** Three failed guesses, then a fourth: the Retry-After of the ban they earned. */
    private Duration banTime(AbuseGuard engine, String when) {
        for (int i = 0; i < 3; i++) {
            assertThat(guess(engine).isDenied()).as(when + ": guess " + (i + 1)).isFalse();
        }
        Evaluation fourth = guess(engine);
        assertThat(fourth.isDenied()).as(when + ": banned").isTrue();
        return fourth.decision().retryAfter();
    }

    private Duration secondBanAfterLifts(boolean twoAtOnce) {
        intercepted = ":bans"; // the history's counters, whose reads the lifts interleave
        FailureGuard guard = instance();
        FailureGuard other = instance(); // a second instance, or a second operator's call
        AbuseGuard engine = AbuseGuard.builder().guard(guard).timeSource(clock).build();
        assertThat(banTime(engine, "before the lift")).isEqualTo(Duration.ofMinutes(15));
        clock.advance(Duration.ofMinutes(1)); // the claim's 10 s are over
        if (twoAtOnce) {
            duringRead.set(() -> other.lift(ADDRESS, ADDRESS));
        }
        assertThat(guard.lift(ADDRESS, ADDRESS)).isNotEmpty();
        assertThat(duringRead.get())
                .as("the other lift, where asked, ran between this one's read and add")
                .isNull();
        assertThat(banTime(engine, "first ban after the lift"))
                .as("the first ban after a lift is ban-time")
                .isEqualTo(Duration.ofMinutes(15));
        clock.advance(Duration.ofMinutes(16)); // that ban is over, within max-ban-time
        return banTime(engine, "second ban after the lift");
    }

    /**
     * review155 F4: a lift gives a ban's escalation back by a read and a negative add, as it gives its claim back. Two
     * lifts at once, later than the claim's 10 s, each read the history 1 and each added -1: the key's next two bans
     * were both ban-time, where the second is due twice as long (ban-factor 2).
     */
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
