package io.github.abuseguard.benchmarks;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.discovery.EndpointInventory;
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
 * What API discovery adds to an answered request: the endpoint inventory observing it, once with the
 * route the framework named (Spring MVC) and once with a path it must fold (a plain servlet app with no
 * route table), over 1,024 requests of a few routes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class DiscoveryBenchmark {
    private EndpointInventory inventory;
    private GuardRequest[] routed;
    private GuardRequest[] unrouted;
    private int next;

    @Setup
    public void setUp() {
        inventory = EndpointInventory.withDefaults(TimeSource.system());
        String[] routes = {"/api/scores/{game}", "/api/accounts/{id}/verify", "/api/transform"};
        routed = new GuardRequest[1024];
        unrouted = new GuardRequest[1024];
        for (int i = 0; i < routed.length; i++) {
            String route = routes[i % routes.length];
            String path = route.replace("{game}", "chess" + (i % 7)).replace("{id}", Integer.toString(i));
            routed[i] = GuardRequest.builder("GET", path).route(route).build();
            unrouted[i] = GuardRequest.builder("GET", path).build();
        }
    }

    @Benchmark
    public int observeARoutedRequest() {
        int i = next++ & 1023;
        inventory.observe(routed[i], 200);
        return i;
    }

    @Benchmark
    public int observeAPathToFold() {
        int i = next++ & 1023;
        inventory.observe(unrouted[i], 200);
        return i;
    }
}
