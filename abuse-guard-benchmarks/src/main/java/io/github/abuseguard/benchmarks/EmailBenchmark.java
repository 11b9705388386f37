package io.github.abuseguard.benchmarks;

import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.EmailBenchmarkAccess;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A disposable-address look-up, normalisation included, with the default configuration (the bundled
 * CC0 list and the major-provider allowlist) or with the opt-in mailchecker list (56,000 domains) added.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class EmailBenchmark {
    @Param({"default", "with-mailchecker"})
    public String lists;

    private DisposableDomains domains;

    @Setup
    public void setUp() {
        domains = EmailBenchmarkAccess.disposableDomains(lists.equals("with-mailchecker"));
        if (domains.match("bot@a.b.c.yopmail.com") == null || domains.match("ann@some-company.co.uk") != null) {
            throw new IllegalStateException("the lists do not say what the benchmark assumes");
        }
    }

    /** Five labels under a listed domain, in upper case with a plus tag and a trailing dot. */
    @Benchmark
    public DisposableDomains.Match listedFiveLabelSubdomain() {
        return domains.match("Bot+42@MX.A.B.C.YOPMAIL.COM.");
    }

    @Benchmark
    public DisposableDomains.Match realProvider() {
        return domains.match("ann.smith@gmail.com");
    }

    @Benchmark
    public DisposableDomains.Match unknownDomain() {
        return domains.match("ann@some-company.co.uk");
    }

    /** An unknown domain with a trailing no-break space, as a copy-and-paste leaves it. */
    @Benchmark
    public DisposableDomains.Match unknownDomainPadded() {
        return domains.match("ann@some-company.co.uk\u00A0");
    }
}
