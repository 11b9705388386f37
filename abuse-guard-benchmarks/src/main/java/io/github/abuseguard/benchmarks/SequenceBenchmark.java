package io.github.abuseguard.benchmarks;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.sequence.MarkovModel;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.sequence.SequenceGuard;
import io.github.abuseguard.store.LocalStateStore;
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

/**
 * Recording and scoring one request with the sequence guard: check (a precedence rule and the model's
 * score of the session's recent path) plus observe (trail append, model learning), over 1,024
 * sessions.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SequenceBenchmark {
    private SequenceGuard guard;
    private GuardRequest[] requests;
    private int next;

    @Setup
    public void setUp() {
        LocalStateStore store = LocalStateStore.builder().build();
        guard = SequenceGuard.builder()
                .trails(store.trails("sequence", 20, Duration.ofMinutes(30)))
                .modelTrails(store.trails("sequence-model", 20, Duration.ofMinutes(30)))
                .inventory(EndpointInventory.withDefaults(TimeSource.system()))
                .rule(new PrecedenceRule(
                        "verified",
                        PrecedenceRule.Kind.REQUIRES,
                        "POST /api/accounts/{id}/payment-methods",
                        "POST /api/accounts/{id}/verify",
                        2,
                        Duration.ofMinutes(30),
                        Duration.ZERO,
                        "bench"))
                .model(new MarkovModel(1000), SequenceGuard.ModelUse.LEARN_AND_SCORE, 0.99)
                .build();
        String[] routes = {"/api/scores/{game}", "/api/accounts/{id}/verify", "/api/transform"};
        requests = new GuardRequest[1024];
        for (int i = 0; i < requests.length; i++) {
            String route = routes[i % routes.length];
            requests[i] = GuardRequest.builder(
                            i % 3 == 0 ? "GET" : "POST",
                            route.replace("{game}", "chess").replace("{id}", "7"))
                    .route(route)
                    .client("10.0.0." + (i % 256)) // many sites: one teaches the model a bounded share
                    .header("Authorization", "Bearer session-" + (i % 256))
                    .build();
        }
    }

    @Benchmark
    public Decision checkAndRecord() {
        GuardRequest request = requests[next++ & 1023];
        Decision decision = guard.check(request);
        guard.observe(request, 200);
        return decision;
    }
}
