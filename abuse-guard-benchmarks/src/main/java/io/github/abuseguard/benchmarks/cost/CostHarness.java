package io.github.abuseguard.benchmarks.cost;

import io.github.abuseguard.benchmarks.cost.RoundStatistics.Interval;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What abuse-guard costs a server, measured so that it can be trusted on shared, noisy cores. Each
 * variant runs in {@code --forks} server JVMs (default 2), all started side by side and warmed by a
 * count of requests. Then, in each round and in a new random order, every variant's JVM is loaded in
 * one window <em>together</em> with the reference JVM of its fork ({@code --schedule=paired}, the
 * default; {@code sequential} runs them one after the other): both see the same moment of the machine,
 * whatever other tenants do in it. Per run the harness reads over JMX and {@code /proc} (see {@link
 * ServerProcess}) the CPU time of the request threads from each thread's own clock, which leaves out
 * the JIT, the collector and the harness's own reading, the process's CPU time, the JIT's, the
 * collector's, the time the server's threads waited for a core, and the request threads' allocated
 * bytes; and the client's requests per second and latency.
 *
 * <p>It reports per-variant medians and, against the first variant, the median of the per-window
 * ratios (CPU, requests per second) and differences (bytes) with a 95% bootstrap interval that
 * resamples forks and then windows: two JVMs of the same jar differ by what C2 chose to inline, a
 * difference more rounds cannot average away but more forks can. Allocation figures that do not depend
 * on the JIT come from {@code --compiler=c1} (see {@link #C1_ONLY}).
 *
 * <p>Modes ({@code --mode=}): {@code ab} the demo guard on against guard off; {@code aa} the guard-off
 * demo against itself, the harness's own noise; {@code ablation} each guard alone and each removed;
 * {@code minimal} a minimal Boot app with one per-IP rule against the same app without the starter;
 * {@code minimal-ablation} the same next to the bare app again (A/A), the bare app with one more Spring
 * filter (what any filter costs), the starter switched off, its filter with no guard, and the rule's pieces
 * removed one at a time;
 * {@code versions} the guarded demo of the jar {@code --before} names against that of {@code --demo}, and
 * {@code minimal-versions} the minimal app's of {@code --before} against {@code --minimal}: a change's
 * effect measured in the same windows, instead of as the difference of two guard-on/off ratios taken at
 * different moments of a shared machine;
 * {@code startup} the starter's start-up cost; {@code profile} a JFR allocation profile of the guarded
 * demo, attributed to abuse-guard's code (sampled under C2, with the request threads' CPU samples every
 * millisecond attributed the same way, {@link CpuProfile}; every allocation, exactly, with {@code
 * --compiler=c1}). Build first with {@code ./mvnw -B -ntp -DskipTests package},
 * then run from the repository root: {@code java -cp abuse-guard-benchmarks/target/benchmarks.jar
 * io.github.abuseguard.benchmarks.cost.CostHarness --mode=ab}. Every run is bounded in time and every
 * server listens on loopback only and is stopped at the end.
 */
public final class CostHarness {
    private static final Logger LOG = LoggerFactory.getLogger(CostHarness.class);

    static final String BROWSER =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final String ROUTE = "/api/scores/game";
    private static final List<String> DEMO_GUARDS =
            List.of("client-signals", "origin", "email", "sequence", "failure", "volume", "rate-limit");
    /**
     * Tomcat closes a keep-alive connection after 100 requests by default, so every hundredth request
     * would also pay for a new connection (accept, poller registration, buffers); with the connections
     * kept open a run measures what a request costs, the same for every variant.
     */
    static final String KEEP_ALIVE_UNLIMITED = "--server.tomcat.max-keep-alive-requests=-1";

    /**
     * C2 decides what to inline from the order in which methods got hot, which differs from one JVM to
     * another of the same jar; inlining decides where escape analysis and the string-concatenation
     * optimisation remove allocations. Two JVMs of the same demo jar allocate 0.2 to 5 KB per request apart
     * under C2 (Micrometer's meter names built per observation event, Spring MVC's iterators), steady
     * within each. C1 inlines by bytecode size alone and removes no allocation, so under C1 the bytes a
     * request allocates are those its code asks for, the same in every JVM.
     */
    static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    /** JFR settings that record every allocation made outside a TLAB, with its stack. */
    private static final String EXACT_ALLOCATION_SETTINGS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <configuration version="2.0" label="exact allocation" provider="abuse-guard">
              <event name="jdk.ObjectAllocationOutsideTLAB">
                <setting name="enabled">true</setting>
                <setting name="stackTrace">true</setting>
              </event>
            </configuration>
            """;

    private static final String METRICS = "io.github.abuseguard.spring.AbuseGuardMetricsAutoConfiguration";

    private final Options options;
    private final Random order;

    private CostHarness(Options options) {
        this.options = options;
        this.order = new Random(options.seed);
    }

    /** One configuration of a server: the jar and the arguments that make it this variant. */
    record Variant(String name, Path jar, List<String> args) {}

    /**
     * One run of one variant, per request: CPU microseconds of the request threads, of the whole process,
     * of Tomcat's poller and acceptor, of the JIT and of the collector; microseconds the server's threads
     * waited for a core; bytes allocated; the client's view; the load average when the run began.
     */
    record Run(
            double requestCpuMicros,
            double cpuMicros,
            double connectorCpuMicros,
            double jitMicros,
            double gcMicros,
            double waitMicros,
            double requestThreadBytes,
            double allThreadBytes,
            double rps,
            long p50,
            long p99,
            long errors,
            double loadAverage,
            long requests) {}

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        try {
            new CostHarness(options).run();
        } catch (Exception failure) {
            // every server started has been stopped by now (startAll, or the finally of the mode); the exit
            // ends the client threads that would keep the JVM up after main
            LOG.error("CostHarness failed", failure);
            System.exit(1);
        }
    }

    private void run() throws Exception {
        System.out.printf(
                Locale.ROOT,
                "mode %s, %d rounds of %,d requests over %d keep-alive connections, %d warm-up passes, seed %d,"
                        + " %d cores, load average %.1f%n",
                options.mode,
                options.rounds,
                options.requests,
                options.connections,
                options.warmup,
                options.seed,
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        switch (options.mode) {
            case "ab" -> compare(List.of(off(), on()));
            case "versions" ->
                compare(List.of(
                        new Variant("before", options.before, on().args()),
                        new Variant("after", options.demo, on().args())));
            case "minimal-versions" ->
                compare(List.of(
                        new Variant("before", options.before, List.of()),
                        new Variant("after", options.minimal, List.of())));
            case "aa" -> compare(List.of(off(), new Variant("off-again", options.demo, off().args)));
            case "ablation" -> compare(ablations());
            case "minimal" ->
                compare(List.of(
                        new Variant("bare app", options.minimalBare, List.of()),
                        new Variant("one per-ip rule", options.minimal, List.of())));
            case "minimal-ablation" -> compare(minimalAblations());
            case "startup" -> startup();
            case "profile" -> profile();
            default -> throw new IllegalStateException(options.mode);
        }
    }

    private Variant off() {
        return new Variant("guard off", options.demo, List.of("--abuse-guard.enabled=false"));
    }

    private Variant on(String... more) {
        List<String> args = new ArrayList<>(List.of(
                // Spring Boot replaces a list element whole, so the override names every field of the limit.
                "--abuse-guard.rate-limit.rules.scores.limits[0].capacity=1000000000",
                "--abuse-guard.rate-limit.rules.scores.limits[0].period=1m"));
        args.addAll(List.of(more));
        return new Variant("guard on", options.demo, args);
    }

    /** The guarded demo, or the ablation's variant {@code --profile-variant} names. */
    private Variant profiled() {
        if (options.profiled.isEmpty()) {
            return on();
        }
        for (Variant variant : ablations()) {
            if (slug(variant.name()).equals(options.profiled)) {
                return variant;
            }
        }
        throw new IllegalArgumentException(
                "--profile-variant names no variant of --mode=ablation: " + options.profiled);
    }

    private List<Variant> ablations() {
        List<Variant> variants = new ArrayList<>(List.of(off(), on()));
        List<String> allOff = new ArrayList<>();
        for (String guard : DEMO_GUARDS) {
            allOff.add("--abuse-guard." + guard + ".enabled=false");
        }
        variants.add(new Variant("no guard", options.demo, on(allOff.toArray(String[]::new)).args));
        // what the filter costs with no guard to ask, one piece of it taken away at a time
        for (String[] piece : new String[][] {
            {"no guard, no proof", "--abuse-guard.proof.enabled=false"},
            {"no guard, proof required nowhere", "--abuse-guard.proof.required-paths="},
            {"no guard, no inventory", "--abuse-guard.sequence.inventory=false"},
            {"no guard, no metrics listener", "--spring.autoconfigure.exclude=" + METRICS},
            {"no guard, no abuseguard endpoint", "--management.endpoints.web.exposure.exclude=abuseguard"}
        }) {
            List<String> args = new ArrayList<>(allOff);
            args.add(piece[1]);
            variants.add(new Variant(piece[0], options.demo, on(args.toArray(String[]::new)).args));
        }
        variants.add(new Variant(
                "without metrics listener", options.demo, on("--spring.autoconfigure.exclude=" + METRICS).args));
        // Spring MVC tests every Actuator mapping against each request the Actuator does not answer (the
        // produces condition, then the path, then again for its no-match diagnostics), so the endpoint the
        // demo exposes costs every application request, though no code of ours runs for it.
        variants.add(new Variant(
                "without abuseguard endpoint",
                options.demo,
                on("--management.endpoints.web.exposure.exclude=abuseguard").args));
        for (String guard : DEMO_GUARDS) {
            List<String> others = new ArrayList<>(allOff);
            others.remove("--abuse-guard." + guard + ".enabled=false");
            variants.add(new Variant("only " + guard, options.demo, on(others.toArray(String[]::new)).args));
            variants.add(new Variant(
                    "without " + guard, options.demo, on("--abuse-guard." + guard + ".enabled=false").args));
        }
        return variants;
    }

    /**
     * The minimal app's one rule against the bare app, next to: the bare app again (A/A); the bare app with one more servlet filter
     * that does nothing on a GET (Spring's own {@code HiddenHttpMethodFilter}, a {@code
     * OncePerRequestFilter} like most filters: what Tomcat and Spring charge for any filter at all); the
     * same jar with the starter present but switched off ({@code abuse-guard.enabled=false}: what the
     * starter's presence costs, its filter not registered); the filter registered with no guard at all;
     * the filter without the rule (client signals only) and without client signals (the rule only);
     * without the {@code RateLimit} fields on allowed answers, and without the filter that bounds PUT,
     * PATCH and DELETE forms: what of the rule's cost is the filter's own work.
     */
    private List<Variant> minimalAblations() {
        List<String> noGuard = new ArrayList<>();
        for (String guard : DEMO_GUARDS) {
            noGuard.add("--abuse-guard." + guard + ".enabled=false");
        }
        return List.of(
                new Variant("bare app", options.minimalBare, List.of()),
                new Variant("one per-ip rule", options.minimal, List.of()),
                // the same jar again: the interval the harness gives two identical servers, at that moment
                new Variant("bare again", options.minimalBare, List.of()),
                new Variant(
                        "bare with a spring filter",
                        options.minimalBare,
                        List.of("--spring.mvc.hiddenmethod.filter.enabled=true")),
                new Variant("starter off", options.minimal, List.of("--abuse-guard.enabled=false")),
                new Variant("no guard", options.minimal, noGuard),
                new Variant("no rule", options.minimal, List.of("--abuse-guard.rate-limit.enabled=false")),
                new Variant(
                        "no client signals", options.minimal, List.of("--abuse-guard.client-signals.enabled=false")),
                new Variant(
                        "no ratelimit fields",
                        options.minimal,
                        List.of("--abuse-guard.responses.rate-limit-headers=false")),
                new Variant(
                        "no form filter",
                        options.minimal,
                        List.of("--abuse-guard.filter.malformed-form-problem=false")));
    }

    private List<String> jvmOptions(String... more) {
        List<String> jvm = new ArrayList<>(List.of("-Xms" + options.heap, "-Xmx" + options.heap));
        if (options.compiler.equals("c1")) {
            jvm.add(C1_ONLY);
        }
        jvm.addAll(options.jvmOptions);
        jvm.addAll(List.of(more));
        return jvm;
    }

    static List<String> appArgs(Variant variant) {
        List<String> args = new ArrayList<>(List.of("--logging.level.root=warn", KEEP_ALIVE_UNLIMITED));
        args.addAll(variant.args());
        return args;
    }

    private List<ServerProcess> startAll(List<Variant> variants, String... jvmMore) throws Exception {
        return startAll(
                variants,
                variant -> ServerProcess.start(
                        variant.name(),
                        variant.jar(),
                        jvmOptions(jvmMore),
                        appArgs(variant),
                        options.output.resolve(slug(variant.name()) + ".log"),
                        options.serverCpus,
                        options.ports),
                (server, count) -> {
                    // Many JVMs starting at once on two shared cores take long; a minute each is generous.
                    server.awaitReady(ROUTE + "0", BROWSER, Duration.ofMinutes(2 + count));
                    server.attach();
                });
    }

    /** How a variant's server is started. */
    interface Start {
        ServerProcess start(Variant variant) throws Exception;
    }

    /** How a started server is waited for, knowing how many start together. */
    interface Ready {
        void await(ServerProcess server, int count) throws Exception;
    }

    /**
     * Starts every variant's server, then waits for each to be ready. When one fails to start or to get
     * ready, the servers already started are stopped before the failure is thrown: nothing else would
     * stop them, and they would go on loading the machine after the harness has exited.
     */
    static List<ServerProcess> startAll(List<Variant> variants, Start start, Ready ready) throws Exception {
        List<ServerProcess> servers = new ArrayList<>();
        try {
            for (Variant variant : variants) {
                servers.add(start.start(variant));
            }
            for (ServerProcess server : servers) {
                ready.await(server, servers.size());
            }
            return servers;
        } catch (Exception | Error failure) {
            for (ServerProcess server : servers) {
                try {
                    server.close();
                } catch (Exception stopping) {
                    failure.addSuppressed(stopping);
                }
            }
            throw failure;
        }
    }

    private void compare(List<Variant> all) throws Exception {
        List<Variant> variants = new ArrayList<>();
        for (Variant variant : all) {
            // the first variant is the reference every other is compared with, so it always runs
            if (variants.isEmpty() || options.variants.isEmpty() || options.variants.contains(slug(variant.name()))) {
                variants.add(variant);
            }
        }
        if (variants.size() < 2) {
            throw new IllegalArgumentException("--variants names none of "
                    + all.stream().skip(1).map(variant -> slug(variant.name())).toList());
        }
        List<Variant> forked = new ArrayList<>();
        for (int fork = 1; fork <= options.forks; fork++) {
            for (Variant variant : variants) {
                forked.add(new Variant(forkName(variant.name(), fork), variant.jar(), variant.args()));
            }
        }
        List<ServerProcess> servers = startAll(forked);
        try {
            // servers.get(fork * variants + v): variant v in its fork; the reference is v = 0
            int count = variants.size();
            Map<ServerProcess, List<Run>> runs = new LinkedHashMap<>();
            Map<ServerProcess, List<Run>> referenceBeside = new LinkedHashMap<>();
            servers.forEach(server -> runs.put(server, new ArrayList<>()));
            for (int i = 0; i < servers.size(); i++) {
                if (i % count != 0) {
                    referenceBeside.put(servers.get(i), new ArrayList<>());
                }
            }
            // Warm-up counts requests, not time: on a crowded machine a timed window may serve too few to
            // let the JIT finish. A server still compiling after --warmup passes gets up to as many more.
            Map<ServerProcess, Run> lastWarmup = new LinkedHashMap<>();
            for (int pass = 1; pass <= options.warmup; pass++) {
                for (ServerProcess server : shuffled(servers)) {
                    lastWarmup.put(server, measure(server));
                }
            }
            for (int extra = 1; extra <= options.warmup; extra++) {
                List<ServerProcess> compiling = new ArrayList<>();
                lastWarmup.forEach((server, run) -> {
                    if (!settled(run)) {
                        compiling.add(server);
                    }
                });
                if (compiling.isEmpty()) {
                    break;
                }
                for (ServerProcess server : shuffled(compiling)) {
                    lastWarmup.put(server, measure(server));
                }
            }
            List<String> unsettled = new ArrayList<>();
            lastWarmup.forEach((server, run) -> {
                if (!settled(run)) {
                    unsettled.add(server.name);
                }
            });
            System.out.printf(
                    "%d servers ready and warmed%s%n",
                    servers.size(),
                    unsettled.isEmpty() ? "" : "; still compiling (JIT over 5% of request CPU): " + unsettled);
            for (int round = 1; round <= options.rounds; round++) {
                StringBuilder line = new StringBuilder("round " + round + ":");
                if (options.paired) {
                    for (ServerProcess server : shuffled(new ArrayList<>(referenceBeside.keySet()))) {
                        ServerProcess reference = servers.get(servers.indexOf(server) / count * count);
                        List<Run> window = measureTogether(List.of(reference, server));
                        Run referenceRun = window.get(0);
                        Run run = window.get(1);
                        runs.get(reference).add(referenceRun);
                        runs.get(server).add(run);
                        referenceBeside.get(server).add(referenceRun);
                        line.append(describe(reference, referenceRun))
                                .append(" +")
                                .append(describe(server, run));
                    }
                } else {
                    Map<ServerProcess, Run> thisRound = new LinkedHashMap<>();
                    for (ServerProcess server : shuffled(servers)) {
                        Run run = measure(server);
                        thisRound.put(server, run);
                        runs.get(server).add(run);
                        line.append(describe(server, run));
                    }
                    referenceBeside.forEach((server, list) ->
                            list.add(thisRound.get(servers.get(servers.indexOf(server) / count * count))));
                }
                System.out.println(line);
            }
            report(variants, servers, runs, referenceBeside);
        } finally {
            for (ServerProcess server : servers) {
                server.close();
            }
        }
    }

    /**
     * Whether a run's JIT compilation took at most 5% of its request threads' CPU time: a server still
     * compiling more than that is not measured in its steady state.
     */
    static boolean settled(Run run) {
        return run.jitMicros() <= 0.05 * run.requestCpuMicros();
    }

    /** A server's name: the variant's, with {@code #N} when each variant runs in more than one JVM. */
    private String forkName(String variant, int fork) {
        return options.forks == 1 ? variant : variant + " #" + fork;
    }

    private static String describe(ServerProcess server, Run run) {
        return String.format(
                Locale.ROOT,
                " [%s %.2f us (process %.1f), %.0f B, %,.0f req/s]",
                server.name,
                run.requestCpuMicros(),
                run.cpuMicros(),
                run.requestThreadBytes(),
                run.rps());
    }

    /** A variant's name as {@code --variants} and the log file name it: {@code without volume} is {@code without-volume}. */
    static String slug(String name) {
        return name.replaceAll("[^A-Za-z0-9-]+", "-");
    }

    private List<ServerProcess> shuffled(List<ServerProcess> servers) {
        List<ServerProcess> copy = new ArrayList<>(servers);
        Collections.shuffle(copy, order);
        return copy;
    }

    /** One run of one server alone: {@code --requests} requests, or fewer if {@code --run-limit-seconds} passes. */
    private Run measure(ServerProcess server) throws Exception {
        KeepAliveLoad load = new KeepAliveLoad(server.port, ROUTE, BROWSER, options.connections);
        double loadAverage = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        ServerProcess.Snapshot before = server.snapshot();
        KeepAliveLoad.Outcome outcome = load.run(options.requests, options.runLimit);
        ServerProcess.Snapshot after = server.snapshot();
        if (outcome.requests() < options.requests) {
            System.out.printf(
                    "warning: %s answered %d of %d requests within %s%n",
                    server.name, outcome.requests(), options.requests, options.runLimit);
        }
        return run(server, before, after, outcome, loadAverage);
    }

    /**
     * One window in which every server of {@code servers} is loaded at once, each by its own connections,
     * for {@code --window-millis} (or until it has answered {@code --requests}): whatever else the machine
     * does in that window, every server gets its share of it, so their ratio is steadier than that of
     * runs taken one after the other. Returns the runs in the order of {@code servers}.
     */
    private List<Run> measureTogether(List<ServerProcess> servers) throws Exception {
        double loadAverage = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        List<ServerProcess.Snapshot> before = new ArrayList<>();
        for (ServerProcess server : servers) {
            before.add(server.snapshot());
        }
        KeepAliveLoad.Outcome[] outcomes = new KeepAliveLoad.Outcome[servers.size()];
        Exception[] failures = new Exception[servers.size()];
        List<Thread> loads = new ArrayList<>();
        List<Integer> startOrder = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            startOrder.add(i);
        }
        // which server's connections open first changes from window to window
        Collections.shuffle(startOrder, order);
        for (int i : startOrder) {
            int index = i;
            KeepAliveLoad load = new KeepAliveLoad(servers.get(i).port, ROUTE, BROWSER, options.connections);
            Thread thread = new Thread(
                    () -> {
                        try {
                            outcomes[index] = load.run(options.requests, options.window);
                        } catch (InterruptedException e) {
                            failures[index] = e;
                            Thread.currentThread().interrupt();
                        }
                    },
                    "window-" + i);
            loads.add(thread);
        }
        loads.forEach(Thread::start);
        for (Thread thread : loads) {
            thread.join();
        }
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            if (failures[i] != null) {
                throw failures[i];
            }
            runs.add(run(servers.get(i), before.get(i), servers.get(i).snapshot(), outcomes[i], loadAverage));
        }
        return runs;
    }

    private static Run run(
            ServerProcess server,
            ServerProcess.Snapshot before,
            ServerProcess.Snapshot after,
            KeepAliveLoad.Outcome outcome,
            double loadAverage) {
        double requests = Math.max(1, outcome.requests());
        if (outcome.errors() > 0) {
            System.out.printf("warning: %s: %d responses were not 200%n", server.name, outcome.errors());
        }
        return new Run(
                ServerProcess.Snapshot.since(before.requestThreadCpu(), after.requestThreadCpu()) / 1e3 / requests,
                (after.cpuNanos() - before.cpuNanos()) / 1e3 / requests,
                ServerProcess.Snapshot.since(before.connectorThreadCpu(), after.connectorThreadCpu()) / 1e3 / requests,
                ServerProcess.Snapshot.since(
                                before.jvm().jitNanos(), after.jvm().jitNanos())
                        / 1e3
                        / requests,
                ServerProcess.Snapshot.since(before.jvm().gcNanos(), after.jvm().gcNanos()) / 1e3 / requests,
                ServerProcess.Snapshot.since(
                                before.jvm().waitNanos(), after.jvm().waitNanos())
                        / 1e3
                        / requests,
                ServerProcess.Snapshot.since(before.requestThreadBytes(), after.requestThreadBytes()) / requests,
                ServerProcess.Snapshot.since(before.allThreadBytes(), after.allThreadBytes()) / requests,
                outcome.requestsPerSecond(),
                outcome.latencyNanos(0.50),
                outcome.latencyNanos(0.99),
                outcome.errors(),
                loadAverage,
                outcome.requests());
    }

    /**
     * Prints each variant's medians over its runs in every fork and, for each variant but the reference,
     * the median of its per-window (or per-round) figures against the reference's in the same window and
     * fork, with a bootstrap interval that resamples forks and then windows, so that what differs from one
     * JVM to another of the same jar (the JIT's decisions) widens the interval instead of hiding in it.
     */
    private void report(
            List<Variant> variants,
            List<ServerProcess> servers,
            Map<ServerProcess, List<Run>> runs,
            Map<ServerProcess, List<Run>> referenceBeside) {
        System.out.println();
        double[] loads = runs.values().stream()
                .flatMap(List::stream)
                .mapToDouble(Run::loadAverage)
                .sorted()
                .toArray();
        System.out.printf(
                Locale.ROOT,
                "load average over the runs: median %.1f, min %.1f, max %.1f%n%n",
                RoundStatistics.median(loads),
                loads[0],
                loads[loads.length - 1]);
        int count = variants.size();
        System.out.println("| variant | request-thread CPU µs/request | process CPU µs/request | poller µs | JIT µs"
                + " | GC µs | run-queue wait µs | request-thread B/request | all-thread B/request | req/s | p50 µs"
                + " | p99 µs | non-200 |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int v = 0; v < count; v++) {
            List<Run> list = new ArrayList<>();
            for (int i = v; i < servers.size(); i += count) {
                list.addAll(runs.get(servers.get(i)));
            }
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.2f | %.1f | %.2f | %.2f | %.2f | %.1f | %,.0f | %,.0f | %,.0f | %.0f | %.0f | %d |%n",
                    variants.get(v).name(),
                    median(list, Run::requestCpuMicros),
                    median(list, Run::cpuMicros),
                    median(list, Run::connectorCpuMicros),
                    median(list, Run::jitMicros),
                    median(list, Run::gcMicros),
                    median(list, Run::waitMicros),
                    median(list, Run::requestThreadBytes),
                    median(list, Run::allThreadBytes),
                    median(list, Run::rps),
                    median(list, run -> run.p50() / 1e3),
                    median(list, run -> run.p99() / 1e3),
                    list.stream().mapToLong(Run::errors).sum());
        }
        String referenceName = variants.get(0).name();
        System.out.println();
        System.out.println("| variant vs " + referenceName + " | request-thread CPU ratio [95% CI]"
                + " | process CPU ratio [95% CI] | req/s ratio [95% CI] | added request-thread B/request [95% CI]"
                + " | added all-thread B/request [95% CI] |");
        System.out.println("|---|---|---|---|---|---|");
        for (int v = 1; v < count; v++) {
            List<List<Run>> forks = new ArrayList<>();
            List<List<Run>> references = new ArrayList<>();
            for (int i = v; i < servers.size(); i += count) {
                forks.add(runs.get(servers.get(i)));
                references.add(referenceBeside.get(servers.get(i)));
            }
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s |%n",
                    variants.get(v).name(),
                    ratio(forks, references, Run::requestCpuMicros),
                    ratio(forks, references, Run::cpuMicros),
                    ratio(forks, references, Run::rps),
                    difference(forks, references, Run::requestThreadBytes),
                    difference(forks, references, Run::allThreadBytes));
        }
        if (options.forks > 1) {
            System.out.println();
            System.out.println("| server vs its fork's " + referenceName
                    + " | request-thread CPU ratio (median) | added request-thread B/request (median) |");
            System.out.println("|---|---|---|");
            referenceBeside.forEach((server, reference) -> System.out.printf(
                    Locale.ROOT,
                    "| %s | %.3f | %+,.0f |%n",
                    server.name,
                    RoundStatistics.median(RoundStatistics.ratios(
                            values(runs.get(server), Run::requestCpuMicros), values(reference, Run::requestCpuMicros))),
                    RoundStatistics.median(RoundStatistics.differences(
                            values(runs.get(server), Run::requestThreadBytes),
                            values(reference, Run::requestThreadBytes)))));
        }
    }

    private String ratio(
            List<List<Run>> forks, List<List<Run>> references, java.util.function.ToDoubleFunction<Run> figure) {
        double[][] groups = new double[forks.size()][];
        for (int f = 0; f < forks.size(); f++) {
            groups[f] = RoundStatistics.ratios(values(forks.get(f), figure), values(references.get(f), figure));
        }
        Interval interval = RoundStatistics.bootstrapGroupedMedian(groups, options.seed);
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", interval.estimate(), interval.low(), interval.high());
    }

    private String difference(
            List<List<Run>> forks, List<List<Run>> references, java.util.function.ToDoubleFunction<Run> figure) {
        double[][] groups = new double[forks.size()][];
        for (int f = 0; f < forks.size(); f++) {
            groups[f] = RoundStatistics.differences(values(forks.get(f), figure), values(references.get(f), figure));
        }
        Interval interval = RoundStatistics.bootstrapGroupedMedian(groups, options.seed);
        return String.format(
                Locale.ROOT, "%+,.0f [%+,.0f, %+,.0f]", interval.estimate(), interval.low(), interval.high());
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> figure) {
        return RoundStatistics.median(values(runs, figure));
    }

    private static double[] values(List<Run> runs, java.util.function.ToDoubleFunction<Run> figure) {
        return runs.stream().mapToDouble(figure).toArray();
    }

    /** Starts each minimal jar {@code starts} times in a random order, one at a time, to its first 200. */
    private void startup() throws Exception {
        List<Variant> kinds = List.of(
                new Variant("bare app", options.minimalBare, List.of()),
                new Variant("one per-ip rule", options.minimal, List.of()));
        List<Variant> sequence = new ArrayList<>();
        for (int i = 0; i < options.starts; i++) {
            sequence.addAll(kinds);
        }
        Collections.shuffle(sequence, order);
        Map<Variant, List<double[]>> results = new LinkedHashMap<>();
        kinds.forEach(kind -> results.put(kind, new ArrayList<>()));
        for (Variant variant : sequence) {
            try (ServerProcess server = ServerProcess.start(
                    variant.name(),
                    variant.jar(),
                    jvmOptions(),
                    appArgs(variant),
                    options.output.resolve("startup.log"),
                    options.serverCpus,
                    options.ports)) {
                Duration ready = server.awaitReady(ROUTE + "0", BROWSER, Duration.ofMinutes(3));
                double cpu = server.procCpuNanos() / 1e6;
                results.get(variant).add(new double[] {ready.toNanos() / 1e6, cpu});
                System.out.printf(
                        Locale.ROOT, "%s: ready in %.0f ms, %.0f ms CPU%n", variant.name(), ready.toNanos() / 1e6, cpu);
            }
        }
        System.out.println();
        System.out.println("| variant | time to first 200, ms (median) | process CPU to first 200, ms (median) |");
        System.out.println("|---|---|---|");
        results.forEach((variant, list) -> System.out.printf(
                Locale.ROOT,
                "| %s | %.0f | %.0f |%n",
                variant.name(),
                RoundStatistics.median(list.stream().mapToDouble(r -> r[0]).toArray()),
                RoundStatistics.median(list.stream().mapToDouble(r -> r[1]).toArray())));
        List<double[]> bare = results.get(kinds.get(0));
        List<double[]> starter = results.get(kinds.get(1));
        for (int figure = 0; figure < 2; figure++) {
            int f = figure;
            Interval added = RoundStatistics.bootstrapMedianDifference(
                    starter.stream().mapToDouble(r -> r[f]).toArray(),
                    bare.stream().mapToDouble(r -> r[f]).toArray(),
                    options.seed);
            System.out.printf(
                    Locale.ROOT,
                    "added by the starter, %s: %+.0f ms [95%% CI %+.0f, %+.0f]%n",
                    f == 0 ? "time to first 200" : "CPU to first 200",
                    added.estimate(),
                    added.low(),
                    added.high());
        }
    }

    /**
     * Records the guarded demo's allocations with JFR while it serves the rounds, and attributes them
     * ({@code --app=minimal}: the minimal app with its one rule, and the bare app as the unguarded one).
     * With {@code --compiler=c1} the recording is exact, and the unguarded demo is recorded the same way
     * after it: {@link AllocationDiff} then lists every site whose bytes per request differ, the
     * container's and the framework's included.
     */
    private void profile() throws Exception {
        Path jfc = options.output.resolve("allocation.jfc");
        Files.createDirectories(options.output);
        String[] jvmMore;
        boolean exact = options.compiler.equals("c1");
        if (exact) {
            // Exact: without thread-local allocation buffers every allocation takes the slow path, where
            // JFR records it with its size and stack; slow, so keep --rounds and --requests small.
            Files.writeString(jfc, EXACT_ALLOCATION_SETTINGS);
            jvmMore = new String[] {"-XX:FlightRecorderOptions:stackdepth=512", "-XX:-UseTLAB"};
        } else {
            Path profile = Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc");
            String settings = Files.readString(profile);
            String sample = "<setting name=\"throttle\" control=\"allocation-profiling\">300/s</setting>";
            if (!settings.contains(sample)) {
                throw new IllegalStateException(profile + " has no allocation throttle to raise: " + sample);
            }
            String cpu = "<setting name=\"period\" control=\"method-sampling-java-interval\">10 ms</setting>";
            if (!settings.contains(cpu)) {
                throw new IllegalStateException(profile + " has no execution-sample period to shorten: " + cpu);
            }
            Files.writeString(
                    jfc,
                    settings.replace(sample, sample.replace("300/s", "10000/s"))
                            .replace(cpu, cpu.replace("10 ms", "1 ms")));
            jvmMore = new String[] {"-XX:FlightRecorderOptions:stackdepth=512"};
        }
        Path recording = options.output.resolve("guard-on.jfr").toAbsolutePath();
        boolean minimal = options.app.equals("minimal");
        Variant guarded = minimal ? new Variant("one per-ip rule", options.minimal, List.of()) : profiled();
        Variant unguarded = minimal ? new Variant("bare app", options.minimalBare, List.of()) : off();
        List<Run> runs = record(guarded, jfc, recording, jvmMore);
        System.out.printf(
                Locale.ROOT,
                "while recording: %.2f µs request-thread CPU/request (process %.1f), %,.0f request-thread"
                        + " B/request (ThreadMXBean)%n",
                median(runs, Run::requestCpuMicros),
                median(runs, Run::cpuMicros),
                median(runs, Run::requestThreadBytes));
        System.out.print(AllocationProfile.report(
                AllocationProfile.read(recording, "http-nio-.*-exec-\\d+"),
                median(runs, Run::requestThreadBytes),
                options.top));
        if (!exact) {
            // without thread-local allocation buffers every allocation is slow: CPU samples of an exact
            // recording would show that, not the request path
            System.out.print(CpuProfile.report(CpuProfile.read(recording, "http-nio-.*-exec-\\d+"), options.top));
        }
        System.out.println("recording: " + recording);
        if (exact) {
            Path offRecording = options.output.resolve("guard-off.jfr").toAbsolutePath();
            List<Run> offRuns = record(unguarded, jfc, offRecording, jvmMore);
            // A slow exact recording may answer fewer than --requests per run (the run limit): each side is
            // divided by the requests it answered, or the two would be scaled differently.
            System.out.println("guard on against guard off, every allocation site (exact):");
            System.out.print(AllocationDiff.report(
                    AllocationDiff.sites(recording, "http-nio-.*-exec-\\d+", 4),
                    answered(runs),
                    AllocationDiff.sites(offRecording, "http-nio-.*-exec-\\d+", 4),
                    answered(offRuns),
                    options.top));
            System.out.printf(
                    Locale.ROOT,
                    "ThreadMXBean while recording: %,.0f against %,.0f B/request%nrecording: %s%n",
                    median(runs, Run::requestThreadBytes),
                    median(offRuns, Run::requestThreadBytes),
                    offRecording);
        }
    }

    /** The requests answered over {@code runs}, at least 1. */
    static long answered(List<Run> runs) {
        return Math.max(1, runs.stream().mapToLong(Run::requests).sum());
    }

    /** Starts {@code variant}, warms it, and records it with JFR over {@code --rounds} runs. */
    private List<Run> record(Variant variant, Path jfc, Path recording, String... jvmMore) throws Exception {
        ServerProcess server = startAll(List.of(variant), jvmMore).get(0);
        try {
            for (int pass = 1; pass <= options.warmup; pass++) {
                measure(server);
            }
            server.diagnosticCommand(
                    "jfrStart", "name=harness", "settings=" + jfc.toAbsolutePath(), "filename=" + recording);
            List<Run> runs = new ArrayList<>();
            for (int round = 1; round <= options.rounds; round++) {
                runs.add(measure(server));
            }
            server.diagnosticCommand("jfrStop", "name=harness");
            return runs;
        } finally {
            server.close();
        }
    }

    /** The command line, each value checked as it is read. */
    static final class Options {
        static final String USAGE =
                "usage: CostHarness [--mode=ab|aa|ablation|minimal|minimal-ablation|versions|minimal-versions|startup"
                        + "|profile]"
                        + " [--rounds=30]"
                        + " [--forks=2] [--compiler=c2|c1] [--schedule=paired|sequential] [--window-millis=2000] [--requests=20000] [--connections=4]"
                        + " [--warmup=4] [--starts=8] [--seed=N] [--heap=512m] [--jvm-option=-XX:...] [--server-cpus=1]"
                        + " [--ports=FROM-TO (servers listen on the first free port of the range; default: any free port)]"
                        + " [--run-limit-seconds=120] [--top=15] [--app=demo|minimal (profile)] [--profile-variant=no-guard (profile: an ablation's variant)] [--demo=examples/spring-boot-demo/target/abuse-guard-demo.jar]"
                        + " [--minimal=examples/minimal-boot-app/target/abuse-guard-minimal.jar]"
                        + " [--minimal-bare=examples/minimal-boot-app/target/abuse-guard-minimal-bare.jar]"
                        + " [--output=target/cost-harness] [--variants=guard-on,no-guard,without-volume,...]"
                        + " [--before=JAR (versions: a demo jar; minimal-versions: a minimal app jar with the starter)]";

        String mode = "ab";
        String app = "demo";
        /** The ablation variant {@code profile} records instead of the guarded demo; empty: guard on. */
        String profiled = "";

        int rounds = 30;
        int forks = 2;
        String compiler = "c2";
        boolean paired = true;
        Duration window = Duration.ofMillis(2_000);
        List<String> jvmOptions = new ArrayList<>();
        String serverCpus = "";
        /** The ports servers may listen on, first and last; {@code {0, 0}}: any free port. */
        int[] ports = {0, 0};

        int requests = 20_000;
        int connections = 4;
        int warmup = 4;
        int starts = 8;
        int top = 15;
        long seed = System.nanoTime();
        String heap = "512m";
        Duration runLimit = Duration.ofSeconds(120);
        Path demo = Path.of("examples/spring-boot-demo/target/abuse-guard-demo.jar");
        Path minimal = Path.of("examples/minimal-boot-app/target/abuse-guard-minimal.jar");
        Path minimalBare = Path.of("examples/minimal-boot-app/target/abuse-guard-minimal-bare.jar");
        Path before;
        Path output = Path.of("target/cost-harness");
        List<String> variants = List.of();

        /** @throws IllegalArgumentException naming the option that is unknown or out of its bounds */
        static Options parse(String... args) {
            Options options = new Options();
            for (String arg : args) {
                int equals = arg.indexOf('=');
                if (!arg.startsWith("--") || equals < 0) {
                    throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
                }
                String name = arg.substring(2, equals);
                String value = arg.substring(equals + 1);
                switch (name) {
                    case "mode" -> {
                        if (!List.of(
                                        "ab",
                                        "aa",
                                        "ablation",
                                        "minimal",
                                        "versions",
                                        "minimal-versions",
                                        "minimal-ablation",
                                        "startup",
                                        "profile")
                                .contains(value)) {
                            throw new IllegalArgumentException("--mode must be ab, aa, ablation, minimal, versions,"
                                    + " minimal-versions, minimal-ablation, startup or profile, was '" + value + "'");
                        }
                        options.mode = value;
                    }
                    case "app" -> {
                        if (!value.equals("demo") && !value.equals("minimal")) {
                            throw new IllegalArgumentException("--app must be demo or minimal, was '" + value + "'");
                        }
                        options.app = value;
                    }
                    case "profile-variant" -> options.profiled = value;
                    case "rounds" -> options.rounds = bounded(name, value, 1, 1_000);
                    case "forks" -> options.forks = bounded(name, value, 1, 8);
                    case "compiler" -> {
                        if (!value.equals("c1") && !value.equals("c2")) {
                            throw new IllegalArgumentException("--compiler must be c1 or c2, was '" + value + "'");
                        }
                        options.compiler = value;
                    }
                    case "schedule" -> {
                        if (!value.equals("paired") && !value.equals("sequential")) {
                            throw new IllegalArgumentException(
                                    "--schedule must be paired or sequential, was '" + value + "'");
                        }
                        options.paired = value.equals("paired");
                    }
                    case "window-millis" -> options.window = Duration.ofMillis(bounded(name, value, 100, 600_000));
                    case "jvm-option" -> {
                        if (!value.matches("-(XX:|D)[A-Za-z0-9:+=._/-]{1,200}")) {
                            throw new IllegalArgumentException(
                                    "--jvm-option must be one -XX: or -D option, was '" + value + "'");
                        }
                        if (options.jvmOptions.size() == 16) {
                            throw new IllegalArgumentException("--jvm-option may be given at most 16 times");
                        }
                        options.jvmOptions.add(value);
                    }
                    case "server-cpus" -> {
                        if (!value.matches("\\d{1,4}([-,]\\d{1,4}){0,31}")) {
                            throw new IllegalArgumentException(
                                    "--server-cpus must be a CPU list like 1 or 0-1 or 1,3, was '" + value + "'");
                        }
                        options.serverCpus = value;
                    }
                    case "ports" -> {
                        String[] range = value.split("-", -1);
                        if (range.length != 2) {
                            throw new IllegalArgumentException(
                                    "--ports must be FROM-TO like 18200-18299, was '" + value + "'");
                        }
                        int first = bounded(name, range[0], 1024, 65_535);
                        int last = bounded(name, range[1], first, 65_535);
                        options.ports = new int[] {first, last};
                    }
                    case "requests" -> options.requests = bounded(name, value, 100, 10_000_000);
                    case "connections" -> options.connections = bounded(name, value, 1, 256);
                    case "warmup" -> options.warmup = bounded(name, value, 0, 100);
                    case "starts" -> options.starts = bounded(name, value, 1, 100);
                    case "top" -> options.top = bounded(name, value, 1, 1_000);
                    case "run-limit-seconds" -> options.runLimit = Duration.ofSeconds(bounded(name, value, 1, 3_600));
                    case "seed" -> {
                        try {
                            options.seed = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--seed must be a whole number, was '" + value + "'");
                        }
                    }
                    case "heap" -> {
                        if (!value.matches("\\d{1,6}[mg]")) {
                            throw new IllegalArgumentException("--heap must look like 512m or 2g, was '" + value + "'");
                        }
                        options.heap = value;
                    }
                    case "demo" -> options.demo = Path.of(value);
                    case "minimal" -> options.minimal = Path.of(value);
                    case "minimal-bare" -> options.minimalBare = Path.of(value);
                    case "before" -> options.before = Path.of(value);
                    case "output" -> options.output = Path.of(value);
                    case "variants" -> {
                        if (!value.matches("[A-Za-z0-9-]{1,64}(,[A-Za-z0-9-]{1,64}){0,63}")) {
                            throw new IllegalArgumentException(
                                    "--variants must be comma-separated names like without-volume, was '" + value
                                            + "'");
                        }
                        options.variants = List.of(value.split(","));
                    }
                    default -> throw new IllegalArgumentException("unknown option --" + name);
                }
            }
            if (options.rounds < 2 && !options.mode.equals("startup") && !options.mode.equals("profile")) {
                throw new IllegalArgumentException("--rounds must be at least 2 to compare variants");
            }
            if (options.mode.endsWith("versions") && options.before == null) {
                throw new IllegalArgumentException(
                        "--mode=" + options.mode + " needs --before=JAR, the jar to compare with");
            }
            return options;
        }

        private static int bounded(String name, String value, int min, int max) {
            int parsed;
            try {
                parsed = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a whole number, was '" + value + "'");
            }
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException("--" + name + " must be " + min + " to " + max + ", was " + parsed);
            }
            return parsed;
        }
    }
}
