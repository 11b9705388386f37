package io.github.abuseguard.benchmarks;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.servlet.AbuseGuardFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.time.Duration;
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
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The whole filter over an in-memory request: adapting the servlet request, resolving the client,
 * the engine's decision and writing the {@code RateLimit} fields; next to the same request passed
 * through a filter that does nothing, so the difference is what the guard costs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class FilterBenchmark {
    private static final FilterChain APPLICATION = (request, response) -> {};

    private AbuseGuardFilter filter;
    private MockHttpServletRequest request;
    private MockHttpServletResponse response;

    @Setup
    public void setUp() {
        RateLimitGuard limits = RateLimitGuard.builder()
                .rule(RateLimitRule.builder("per-ip")
                        .path("/api/**")
                        .limit(Limit.of(1_000_000_000_000L, Duration.ofDays(365)))
                        .build())
                .build();
        filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(limits).build())
                .build();
        request = new MockHttpServletRequest("GET", "/api/scores/chess");
        request.setServletPath("/api/scores/chess");
        request.setRemoteAddr("203.0.113.7");
        request.addHeader("User-Agent", "Mozilla/5.0");
        response = new MockHttpServletResponse();
    }

    @Benchmark
    public Object filterAllowsARateLimitedRequest() throws IOException, ServletException {
        filter.doFilter(request, response, APPLICATION);
        return response;
    }

    @Benchmark
    public Object noFilter() throws IOException, ServletException {
        passThrough(request, response);
        return response;
    }

    private static void passThrough(ServletRequest request, ServletResponse response)
            throws IOException, ServletException {
        APPLICATION.doFilter(request, response);
    }
}
