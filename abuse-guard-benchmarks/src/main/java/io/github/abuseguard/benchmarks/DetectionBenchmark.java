package io.github.abuseguard.benchmarks;

import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.OnlyReads;
import io.github.abuseguard.volume.RateBaseline;
import io.github.abuseguard.volume.UnderScrape;
import io.github.abuseguard.volume.VolumeGuard;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The allow path of the failure and volume guards, single-threaded, over 1,024 clients on the in-process
 * store: a login that is not banned and whose route is not under attack (check, and check plus the
 * successful outcome heard afterwards), and a score look-up of a client within its distinct-resource
 * bound: with the distinct-resource bound only, with the rate baseline only (learned, the client under
 * its bound: the learned p99 is set high, so that a benchmark of millions of requests stays under it), and with the demo's rule (bound, rate baseline, only-reads and under-scrape).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class DetectionBenchmark {
    private FailureGuard failure;
    private VolumeGuard volume;
    private VolumeGuard rates;
    private VolumeGuard demoRule;
    private GuardRequest[] logins;
    private GuardRequest[] scores;
    private int next;

    @Setup
    public void setUp() {
        LocalStateStore store = LocalStateStore.builder().build();
        failure = FailureGuard.builder()
                .store(store)
                .rule(FailureRule.builder("login")
                        .path("/api/login")
                        .methods("POST")
                        .statuses("401")
                        .underAttack(UnderAttack.defaults())
                        .build())
                .build();
        volume = VolumeGuard.builder()
                .store(store)
                .rule(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(30)
                        .build())
                .build();
        rates = VolumeGuard.builder()
                .store(store)
                .rule(DistinctRule.builder("polls")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(1024)
                        .rateBaseline(RateBaseline.defaults())
                        .build())
                .build();
        rates.importBaselines("{\"polls\":{\"rates\":{\"/api/scores/{game}\":"
                + "{\"p50\":1e5,\"p90\":5e5,\"p99\":1e6,\"clients\":5000,\"windows\":100}}}}");
        demoRule = VolumeGuard.builder()
                .store(store)
                .rule(DistinctRule.builder("demo")
                        .path("/api/scores/{game}")
                        .methods("GET")
                        .maxDistinct(30)
                        .underScrape(UnderScrape.defaults())
                        .rateBaseline(RateBaseline.defaults())
                        .onlyReads(OnlyReads.defaults())
                        .build())
                .build();
        demoRule.importBaselines("{\"demo\":{\"rates\":{\"/api/scores/{game}\":"
                + "{\"p50\":1e5,\"p90\":5e5,\"p99\":1e6,\"clients\":5000,\"windows\":100}}}}");
        if (Action.LOG != RateBaseline.defaults().action()) {
            throw new IllegalStateException("the benchmark assumes the monitor-first default");
        }
        logins = new GuardRequest[1024];
        scores = new GuardRequest[1024];
        for (int i = 0; i < logins.length; i++) {
            String address = "10.0." + (i >> 8) + "." + (i & 0xff);
            logins[i] = GuardRequest.builder("POST", "/api/login")
                    .client(address)
                    .header("User-Agent", "Mozilla/5.0")
                    .build();
            scores[i] = GuardRequest.builder("GET", "/api/scores/game-" + (i % 7))
                    .client(address)
                    .build();
        }
    }

    /**
     * The check of a login, its in-flight slot given back at once (as when a later guard refuses it): a
     * check alone would hold slots until the key is refused.
     */
    @Benchmark
    public Decision failureCheck() {
        GuardRequest request = logins[next++ & 1023];
        Decision decision = failure.check(request);
        failure.cancel(request);
        return decision;
    }

    @Benchmark
    public Decision failureCheckAndObserveSuccess() {
        GuardRequest request = logins[next++ & 1023];
        Decision decision = failure.check(request);
        failure.observe(request, 200);
        return decision;
    }

    /**
     * As {@link #failureCheckAndObserveSuccess}, on a route the engine calls watched (a rule names it), as
     * it is in an application: the success also looks up the client's history.
     */
    @Benchmark
    public Decision failureCheckAndObserveWatched() {
        GuardRequest request = logins[next++ & 1023];
        Decision decision = failure.check(request);
        failure.observe(request, 200, true);
        return decision;
    }

    @Benchmark
    public Decision volumeCheck() {
        return volume.check(scores[next++ & 1023]);
    }

    @Benchmark
    public Decision volumeRateBaselineCheck() {
        return rates.check(scores[next++ & 1023]);
    }

    @Benchmark
    public Decision volumeDemoRuleCheck() {
        return demoRule.check(scores[next++ & 1023]);
    }
}
