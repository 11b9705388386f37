package io.github.abuseguard.benchmarks;

import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DomainList;
import io.github.abuseguard.email.DomainSource;
import java.util.ArrayList;
import java.util.List;
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

/** A disposable-address look-up against a list of 100,000 domains plus the bundled list and allowlist. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class EmailBenchmark {
    private DisposableDomains domains;

    @Setup
    public void setUp() {
        List<String> many = new ArrayList<>(100_000);
        for (int i = 0; i < 100_000; i++) {
            many.add("throwaway" + i + ".example");
        }
        domains = new DisposableDomains(
                List.of(DomainSource.bundled(), DomainSource.of("big", DomainList.of(many))),
                List.of(DomainSource.majorProviders()),
                null,
                null);
    }

    @Benchmark
    public DisposableDomains.Match listedSubdomain() {
        return domains.match("bot+42@mx.sub.throwaway77777.example");
    }

    @Benchmark
    public DisposableDomains.Match realProvider() {
        return domains.match("ann.smith@gmail.com");
    }

    @Benchmark
    public DisposableDomains.Match unknownDomain() {
        return domains.match("ann@some-company.co.uk");
    }
}
