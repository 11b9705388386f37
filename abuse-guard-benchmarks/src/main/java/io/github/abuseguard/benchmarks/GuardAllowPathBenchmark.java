package io.github.abuseguard.benchmarks;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.RouteTable;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.StateStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One guard's allow path, alone in an engine: a browser's {@code GET /api/scores/chess} checked, then
 * its outcome (200) observed, as the filter does for every request it lets through. Each guard is
 * configured the way the demo configures it, or with one rule on another route where the demo uses
 * annotations, so the figure is what the guard costs a request it has nothing against. {@code none} is
 * the engine with no guard. Run with {@code -prof gc} for the bytes each guard allocates per request.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class GuardAllowPathBenchmark {

    @Param({"none", "client-signals", "rate-limit", "volume", "origin", "ip-lists", "sequence", "failure"})
    public String guard;

    private AbuseGuard engine;
    private GuardRequest request;

    @Setup
    public void setUp() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("abuse-guard.rate-limit.rules.scores.paths[0]", "/api/scores/{game}");
        properties.put("abuse-guard.rate-limit.rules.scores.methods[0]", "GET");
        properties.put("abuse-guard.rate-limit.rules.scores.limits[0].capacity", "1000000000000");
        properties.put("abuse-guard.rate-limit.rules.scores.limits[0].period", "365d");
        properties.put("abuse-guard.volume.rules.scores.paths[0]", "/api/scores/{game}");
        properties.put("abuse-guard.volume.rules.scores.methods[0]", "GET");
        properties.put("abuse-guard.volume.rules.scores.max-distinct", "30");
        properties.put("abuse-guard.volume.rules.scores.window", "10m");
        properties.put("abuse-guard.origin.rules.reads.paths[0]", "/api/**");
        properties.put("abuse-guard.origin.rules.reads.methods[0]", "GET");
        properties.put("abuse-guard.ip-lists.deny[0]", "198.51.100.0/24");
        properties.put("abuse-guard.sequence.rules.redeem.operation", "POST /api/giftcards/{code}");
        properties.put("abuse-guard.sequence.rules.redeem.requires", "GET /api/giftcards/{code}");
        properties.put("abuse-guard.failure.rules.logins.paths[0]", "/api/login");
        AbuseGuardSettings settings = SettingsBinder.bind(properties);
        TimeSource time = TimeSource.system();
        StateStore store = SettingsAssembler.stateStore(settings, time);
        RouteTable routes = RouteTable.of(List.of("/api/scores/{game}", "/api/giftcards/{code}", "/api/login"));
        AbuseGuard.Builder builder = SettingsAssembler.engine(settings, time);
        if (!guard.equals("none")) {
            Guard only = SettingsAssembler.guard(
                    settings,
                    guard,
                    GuardContext.builder()
                            .store(store)
                            .timeSource(time)
                            .routes(routes)
                            .build());
            if (only == null) {
                throw new IllegalStateException("the settings build no " + guard + " guard");
            }
            builder.guard(only);
        }
        builder.listener(SettingsAssembler.decisionLog(settings, time));
        builder.closing(() -> {
            if (store instanceof AutoCloseable closeable) {
                closeable.close();
            }
        });
        engine = builder.build();
        request = GuardRequest.builder("GET", "/api/scores/chess")
                .route("/api/scores/{game}")
                .client("203.0.113.7")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
                .header("Accept", "application/json")
                .header("Accept-Language", "en-GB,en;q=0.8")
                .header("Sec-Fetch-Site", "same-origin")
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    public Evaluation checkThenObserve() {
        Evaluation evaluation = engine.evaluate(request);
        if (evaluation.isDenied()) {
            throw new IllegalStateException(guard + " denied a request it should allow: " + evaluation);
        }
        engine.complete(request, 200);
        return evaluation;
    }
}
