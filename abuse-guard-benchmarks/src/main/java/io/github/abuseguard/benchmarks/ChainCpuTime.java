package io.github.abuseguard.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The default chain's cost per request from the calling thread's own CPU clock ({@link
 * ThreadMXBean#getCurrentThreadCpuTime}), for machines too busy for JMH: a wall-clock score counts the
 * time other tenants hold the core (JMH's errors reached ±100% at load average 15–20 on two cores),
 * where the thread's CPU time does not (repeat runs within ±2% at the same load). Runs {@link
 * DefaultChainBenchmark}'s exchanges in one thread, {@code rounds} rounds of {@code calls} calls after
 * {@code warmup} rounds, and prints the median, least and most CPU nanoseconds per call of each.
 *
 * <p>With {@code --sweep-kb=N} every call is followed by a walk over N KiB of memory, one write per
 * cache line, as the framework around a real request evicts the chain's data between two requests; the
 * walk's own cost, measured alone in the same round, is subtracted. A microbenchmark keeps everything
 * hot; this shows what the same code costs when it is not.
 *
 * <pre>java -cp abuse-guard-benchmarks/target/benchmarks.jar io.github.abuseguard.benchmarks.ChainCpuTime [--calls=200000] [--rounds=15] [--warmup=30] [--sweep-kb=0]</pre>
 */
public final class ChainCpuTime {
    private static final String USAGE =
            "usage: ChainCpuTime [--calls=200000] [--rounds=15] [--warmup=30] [--sweep-kb=0]";

    private interface Call {
        Object run() throws Exception;
    }

    private final long[] memory;
    private long sink;

    private ChainCpuTime(int sweepKb) {
        this.memory = new long[sweepKb * 128];
    }

    public static void main(String[] args) throws Exception {
        int calls = 200_000;
        int rounds = 15;
        int warmup = 30;
        int sweepKb = 0;
        try {
            for (String arg : args) {
                int equals = arg.indexOf('=');
                String name = equals < 0 ? arg : arg.substring(0, equals);
                String value = equals < 0 ? "" : arg.substring(equals + 1);
                switch (name) {
                    case "--calls" -> calls = bounded(name, value, 1_000, 100_000_000);
                    case "--rounds" -> rounds = bounded(name, value, 3, 1_000);
                    case "--warmup" -> warmup = bounded(name, value, 0, 1_000);
                    case "--sweep-kb" -> sweepKb = bounded(name, value, 0, 1 << 20);
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        DefaultChainBenchmark chain = new DefaultChainBenchmark();
        chain.setUp();
        try {
            ChainCpuTime timer = new ChainCpuTime(sweepKb);
            timer.report(
                    "every default guard, a rate-limited route",
                    chain::defaultChainAllowsARateLimitedRoute,
                    calls,
                    rounds,
                    warmup);
            timer.report(
                    "every default guard, a route no rule names",
                    chain::defaultChainAllowsARouteNoRuleNames,
                    calls,
                    rounds,
                    warmup);
            timer.report(
                    "every default guard, a path of no known route",
                    chain::defaultChainAllowsAPathOfNoKnownRoute,
                    calls,
                    rounds,
                    warmup);
            timer.report("no filter", chain::noFilter, calls, rounds, warmup);
            System.out.printf(
                    Locale.ROOT, "(%d rounds of %,d calls, %d KiB swept between calls)%n", rounds, calls, sweepKb);
            if (timer.sink == 42) {
                System.out.println();
            }
        } finally {
            chain.tearDown();
        }
    }

    private void report(String name, Call call, int calls, int rounds, int warmup) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < warmup; round++) {
            for (int i = 0; i < calls; i++) {
                consume(call.run());
                sweep();
            }
        }
        double[] perCall = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < calls; i++) {
                consume(call.run());
                sweep();
            }
            long both = threads.getCurrentThreadCpuTime();
            if (memory.length > 0) {
                for (int i = 0; i < calls; i++) {
                    sweep();
                }
            }
            long sweepOnly = threads.getCurrentThreadCpuTime() - both;
            perCall[round] = ((both - start) - sweepOnly) / (double) calls;
        }
        Arrays.sort(perCall);
        System.out.printf(
                Locale.ROOT,
                "%-48s %,8.0f ns CPU/call (least %,.0f, most %,.0f)%n",
                name,
                perCall[perCall.length / 2],
                perCall[0],
                perCall[perCall.length - 1]);
    }

    /** One read and one write per 64-byte line of the swept memory. */
    private void sweep() {
        long[] lines = memory;
        long sum = sink;
        for (int i = 0; i < lines.length; i += 8) {
            sum += lines[i];
            lines[i] = sum;
        }
        sink = sum;
    }

    private void consume(Object result) {
        sink += result == null ? 1 : 2;
    }

    private static int bounded(String name, String value, int min, int max) {
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(name + " must be " + min + " to " + max + ", was " + parsed);
        }
        return parsed;
    }
}
