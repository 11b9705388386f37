package io.github.abuseguard.benchmarks;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.RouteTable;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.SettingsAssembler;
import io.github.abuseguard.config.SettingsBinder;
import io.github.abuseguard.servlet.AbuseGuardFilter;
import io.github.abuseguard.store.StateStore;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import java.io.IOException;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The whole filter with every guard the defaults switch on, configured the way the Spring Boot demo
 * is (a rate-limit and a volume rule on {@code /api/scores/{game}}, actuator routes exempt), allowing
 * a browser's {@code GET /api/scores/chess}; next to a route no guard names and to no filter at all.
 * Run with {@code -prof gc} to see the bytes allocated per request ({@code gc.alloc.rate.norm}).
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
    private MockHttpServletRequest scores;
    private MockHttpServletRequest unguarded;
    private MockHttpServletResponse response;

    @Setup
    public void setUp() {
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
        RouteTable routes = RouteTable.of(List.of("/api/scores/{game}", "/api/giftcards/{code}", "/api/login"));
        AbuseGuard.Builder engine = SettingsAssembler.assemble(
                settings,
                GuardContext.builder()
                        .store(store)
                        .timeSource(time)
                        .routes(routes)
                        .build());
        engine.listener(SettingsAssembler.decisionLog(settings, time));
        filter = AbuseGuardFilter.builder()
                .engine(engine.build())
                .settings(settings)
                .routes(routes)
                .build();
        scores = browserGet("/api/scores/chess");
        unguarded = browserGet("/api/news");
        response = new MockHttpServletResponse();
    }

    private static MockHttpServletRequest browserGet(String path) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setServletPath(path);
        request.setRemoteAddr("203.0.113.7");
        request.addHeader("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
        request.addHeader("Accept", "application/json");
        request.addHeader("Accept-Language", "en-GB,en;q=0.8");
        request.addHeader("Sec-Fetch-Site", "same-origin");
        return request;
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
    public Object noFilter() throws IOException, ServletException {
        response.reset();
        APPLICATION.doFilter(scores, response);
        return response;
    }
}
