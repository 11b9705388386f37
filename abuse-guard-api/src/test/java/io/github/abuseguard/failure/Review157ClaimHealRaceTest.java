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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * review157 F3: FailureGuard.counted heals a claim count below 1 by a second, separate add ({@code add(key, 1 -
 * count)}). Lifts at once take the claim back once each (Counters.reset: a read and a negative add): three lifts of a
 * key whose claim is 1 (or two of a claim of 2: a ban and one racer) leave it at -2. The key's next burst then has two
 * requests past the limit at once (allow2ban: every request over max-retry asks banOnce), each adding 1 (-1, then 0)
 * before either heals: the first heals by 2 (to 2), the second by 1 (to 3), and both answer "claimed by another".
 * Nobody bans: the key is refused only as a racer (ban-time Retry-After, no ban written, no escalation, nothing listed
 * to the operator), and every request of the claim's 10 s finds the claim taken.
 */
class Review157ClaimHealRaceTest {
    private static final String ADDRESS = "198.51.100.157";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final LocalStateStore store =
            LocalStateStore.builder().timeSource(clock).maximumKeys(100_000).build();

    /** Run inside the next read of a claim that finds one: another lift between this one's read and add. */
    private final AtomicReference<Runnable> duringRead = new AtomicReference<>();

    /** While set, the claims' adds of two threads are interleaved: both first adds before either heal. */
    private volatile boolean racing;

    private final AtomicInteger firstAdds = new AtomicInteger();
    private final CountDownLatch secondAdded = new CountDownLatch(1);
    private final CountDownLatch firstHealed = new CountDownLatch(1);
    private final ThreadLocal<int[]> addsOfThisThread = ThreadLocal.withInitial(() -> new int[2]); // {adds, order}

    private final StateStore interleaving = (StateStore) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                Object result = call(method, store, args);
                if (method.getName().equals("counters")
                        && String.valueOf(args[0]).endsWith(":ban-claims")) {
                    Counters counters = (Counters) result;
                    return Proxy.newProxyInstance(
                            getClass().getClassLoader(), new Class<?>[] {Counters.class}, (p, m, a) -> {
                                if (m.getName().equals("reset")) {
                                    return InvocationHandler.invokeDefault(p, m, a);
                                }
                                if (racing
                                        && (m.getName().equals("add")
                                                || m.getName().equals("addAllFromZero"))) {
                                    return racedAdd(m, counters, a);
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

    /**
     * The first thread's first add waits for the second's; the second's heal waits for the first's (a store whose
     * {@code addAllFromZero} is atomic adds once, and heals nothing).
     */
    private Object racedAdd(Method m, Counters counters, Object[] a) throws Throwable {
        int[] mine = addsOfThisThread.get();
        mine[0]++;
        if (mine[0] == 1) {
            mine[1] = firstAdds.incrementAndGet();
            Object value = call(m, counters, a);
            if (mine[1] == 1) {
                assertThat(secondAdded.await(20, TimeUnit.SECONDS))
                        .as("the second request's add")
                        .isTrue();
            } else {
                secondAdded.countDown();
            }
            return value;
        }
        if (mine[1] == 2) {
            assertThat(firstHealed.await(20, TimeUnit.SECONDS))
                    .as("the first request's heal")
                    .isTrue();
            return call(m, counters, a);
        }
        Object value = call(m, counters, a);
        firstHealed.countDown();
        return value;
    }

    private static Object call(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static final FailureRule RULE = FailureRule.builder("search")
            .path("/api/search")
            .counting(FailureRule.Counting.REQUESTS)
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

    private static Evaluation search(AbuseGuard engine) {
        GuardRequest request = GuardRequest.builder("GET", "/api/search")
                .client(ADDRESS)
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36")
                .header("Accept-Language", "en")
                .build();
        Evaluation evaluation = engine.evaluate(request);
        engine.complete(request, evaluation.isDenied() ? 429 : 200);
        return evaluation;
    }

    private static List<BannedKey> bans(FailureGuard guard) {
        return guard.bans(10).get("search");
    }

    /**
     * {@code lifts} lifts of the banned key at once (each inside the previous one's read), then three requests and a
     * burst of two past max-retry at once: the burst bans the key.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void aBurstPastTheLimitAfterLiftsAtOnceBansTheKey(int lifts) throws Exception {
        FailureGuard guard = instance();
        AbuseGuard engine = AbuseGuard.builder().guard(guard).timeSource(clock).build();
        for (int i = 0; i < 3; i++) {
            assertThat(search(engine).isDenied()).as("request " + (i + 1)).isFalse();
        }
        assertThat(search(engine).isDenied()).as("the fourth: banned").isTrue();
        assertThat(bans(guard)).hasSize(1);

        clock.advance(Duration.ofSeconds(2)); // the operator lifts it within the claim's 10 s
        List<FailureGuard> others = new ArrayList<>();
        for (int i = 1; i < lifts; i++) {
            others.add(instance()); // another instance's control endpoint, or a retried call
        }
        nest(others, 0);
        assertThat(guard.lift(ADDRESS, ADDRESS)).isNotEmpty();
        assertThat(duringRead.get())
                .as("every other lift ran inside the first's read")
                .isNull();
        assertThat(bans(guard)).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 3; i++) {
            assertThat(search(engine).isDenied())
                    .as("after the lifts: request " + (i + 1))
                    .isFalse();
        }
        racing = true;
        List<Thread> burst = new ArrayList<>();
        List<Evaluation> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failed = new AtomicReference<>();
        for (int i = 0; i < 2; i++) {
            Thread thread = new Thread(() -> {
                try {
                    answers.add(search(engine));
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            burst.add(thread);
            thread.start();
        }
        for (Thread thread : burst) {
            thread.join();
        }
        racing = false;
        assertThat(failed.get()).isNull();
        assertThat(answers).allMatch(Evaluation::isDenied);
        assertThat(bans(guard))
                .as("after " + lifts + " lift(s) at once, the burst of two past max-retry bans the key")
                .hasSize(1);
    }

    private void nest(List<FailureGuard> others, int i) {
        if (i == others.size()) {
            return;
        }
        duringRead.set(() -> {
            nest(others, i + 1);
            others.get(i).lift(ADDRESS, ADDRESS);
        });
    }
}
