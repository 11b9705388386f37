package io.github.abuseguard.benchmarks;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.RouteTable;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.servlet.AbuseGuardFilter;
import io.github.abuseguard.store.StateStore;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole filter with every guard the defaults switch on, configured the way the Spring Boot demo
 * is (a rate-limit and a volume rule on {@code /api/scores/{game}}, actuator routes exempt), allowing
 * a browser's {@code GET /api/scores/chess}; next to a route no guard names and to no filter at all.
 * Run with {@code -prof gc} to see the bytes allocated per request ({@code gc.alloc.rate.norm}).
 *
 * <p>The request and response are {@link ContainerExchange}'s, which look headers up and set them the
 * way a container does, without the allocation of Spring's mocks, so the figures are the library's own.
 * {@code /api/news} is a route of the application that no rule names; {@code /assets/app.js} is a path
 * of no known route, which every guard is asked about.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class DefaultChainBenchmark {
    private static final FilterChain APPLICATION = (request, response) -> {};

    private AbuseGuardFilter filter;
    private ContainerExchange.Request scores;
    private ContainerExchange.Request unguarded;
    private ContainerExchange.Request unrouted;
    private ContainerExchange.Response response;

    @Setup
    public void setUp() {
        filter = demoChain(null);
        scores = ContainerExchange.browserGet("/api/scores/chess");
        unguarded = ContainerExchange.browserGet("/api/news");
        unrouted = ContainerExchange.browserGet("/assets/app.js");
        response = new ContainerExchange.Response();
    }

    /**
     * The filter the benchmark measures, the demo's configuration; {@code observer} (if any) hears every
     * evaluation, so a test can tell that the browser's request is allowed unflagged.
     */
    static AbuseGuardFilter demoChain(@Nullable GuardListener observer) {
        AbuseGuardSettings settings = SettingsBinder.bind(Map.of(
                "abuse-guard.routes.exempt[0]", "/actuator/**",
                "abuse-guard.rate-limit.rules.scores.paths[0]", "/api/scores/{game}",
                "abuse-guard.rate-limit.rules.scores.methods[0]", "GET",
                "abuse-guard.rate-limit.rules.scores.limits[0].capacity", "1000000000000",
                "abuse-guard.rate-limit.rules.scores.limits[0].period", "365d",
                "abuse-guard.volume.rules.scores.paths[0]", "/api/scores/{game}",
                "abuse-guard.volume.rules.scores.methods[0]", "GET",
                "abuse-guard.volume.rules.scores.max-distinct", "30",
                "abuse-guard.volume.rules.scores.window", "10m"));
        TimeSource time = TimeSource.system();
        StateStore store = SettingsAssembler.stateStore(settings, time);
        RouteTable routes =
                RouteTable.of(List.of("/api/scores/{game}", "/api/giftcards/{code}", "/api/login", "/api/news"));
        AbuseGuard.Builder engine = SettingsAssembler.assemble(
                settings,
                GuardContext.builder()
                        .store(store)
                        .timeSource(time)
                        .routes(routes)
                        .build());
        engine.listener(SettingsAssembler.decisionLog(settings, time));
        if (observer != null) {
            engine.listener(observer);
        }
        return AbuseGuardFilter.builder()
                .engine(engine.build())
                .settings(settings)
                .routes(routes)
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        filter.engine().close();
    }

    @Benchmark
    public Object defaultChainAllowsARateLimitedRoute() throws IOException, ServletException {
        response.reset();
        filter.doFilter(scores, response, APPLICATION);
        return response;
    }

    @Benchmark
    public Object defaultChainAllowsARouteNoRuleNames() throws IOException, ServletException {
        response.reset();
        filter.doFilter(unguarded, response, APPLICATION);
        return response;
    }

    @Benchmark
    public Object defaultChainAllowsAPathOfNoKnownRoute() throws IOException, ServletException {
        response.reset();
        filter.doFilter(unrouted, response, APPLICATION);
        return response;
    }

    @Benchmark
    public Object noFilter() throws IOException, ServletException {
        response.reset();
        APPLICATION.doFilter(scores, response);
        return response;
    }
}
