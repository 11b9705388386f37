package io.github.abuseguard.benchmarks.cost;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Attributes the CPU samples of a JFR recording ({@code jdk.ExecutionSample}) of the request threads to
 * abuse-guard's code, by the rule {@link AllocationProfile} uses for bytes: a sample is ours when, walking
 * its stack from the running frame down, a frame of {@code io.github.abuseguard} (not of the example
 * applications) comes before the servlet filter chain, so the application's work inside the guard's
 * filter is not ours, while the work after the exchange and in listeners is. It reports the share of the
 * request threads' samples that is ours, the sites (that first abuse-guard frame) and, within our samples,
 * each of our methods with everything it called (a method's share includes its callees').
 *
 * <p>Samples show where the request threads were, not what a request costs against the unguarded
 * server: a share of 8% means the guarded server spends about that part of its request threads' CPU in
 * our code, which {@code --mode=ab} prices. A method C2 had not compiled yet is over-represented, so read
 * a recording taken after the warm-up.
 *
 * <p>Usage on an existing recording: {@code java -cp abuse-guard-benchmarks/target/benchmarks.jar
 * io.github.abuseguard.benchmarks.cost.CpuProfile RECORDING.jfr [TOP]}.
 */
public final class CpuProfile {
    private static final String OURS = "io.github.abuseguard.";
    private static final String EXAMPLES = "io.github.abuseguard.examples.";
    private static final String FILTER_CHAIN = "org.apache.catalina.core.ApplicationFilterChain";
    /** The starter's wrapper of Spring MVC's return value handlers: it calls the handler it wraps. */
    private static final String REPORTING = "io.github.abuseguard.spring.HandlerStatusReporting$Reporting.";

    private CpuProfile() {}

    /** The request threads' samples, ours among them by site, and ours by method with its callees. */
    record Summary(long samples, Map<String, Long> oursBySite, Map<String, Long> oursInclusive) {
        long ours() {
            return oursBySite.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: CpuProfile RECORDING.jfr [TOP]");
            System.exit(2);
            return;
        }
        int top = args.length == 2 ? Integer.parseInt(args[1]) : 25;
        System.out.print(report(read(Path.of(args[0]), "http-nio-.*-exec-\\d+"), top));
    }

    /** Reads {@code recording}, counting only the samples of threads whose name matches {@code requestThreads}. */
    static Summary read(Path recording, String requestThreads) throws IOException {
        long samples = 0;
        Map<String, Long> bySite = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedThread thread = event.getThread("sampledThread");
                RecordedStackTrace stack = event.getStackTrace();
                if (thread == null
                        || thread.getJavaName() == null
                        || !thread.getJavaName().matches(requestThreads)
                        || stack == null) {
                    continue;
                }
                samples++;
                List<RecordedFrame> frames = stack.getFrames();
                int site = ourFrame(frames);
                if (site < 0) {
                    continue;
                }
                bySite.merge(name(frames.get(site)), 1L, Long::sum);
                Set<String> counted = new HashSet<>();
                for (int i = site; i < frames.size(); i++) {
                    String method = name(frames.get(i));
                    if (isOurs(method) && counted.add(method)) {
                        inclusive.merge(method, 1L, Long::sum);
                    }
                }
            }
        }
        return new Summary(samples, bySite, inclusive);
    }

    /** The index of the first abuse-guard frame before the filter chain, from the running frame; -1 if none. */
    static int ourFrame(List<RecordedFrame> frames) {
        return ourMethod(frames.stream().map(CpuProfile::name).toList());
    }

    /**
     * The index of the first abuse-guard method of {@code methods} ({@code Type.method}, the running frame
     * first) before the filter chain; -1 if none, or when that frame only handed the work on to the code
     * it wraps: the starter's {@code HandlerStatusReporting} wraps Spring MVC's return value handlers, so
     * the application's answer (Jackson writing the body) and Spring's choice of a handler ({@code
     * supportsReturnType}) run inside a frame of ours, and are the application's as the work inside the
     * filter's {@code chain.doFilter} is.
     */
    static int ourMethod(List<String> methods) {
        for (int i = 0; i < methods.size(); i++) {
            String method = methods.get(i);
            if (method.startsWith(FILTER_CHAIN)) {
                return -1;
            }
            if (isOurs(method)) {
                return i > 0 && handsOn(method, methods.get(i - 1)) ? -1 : i;
            }
        }
        return -1;
    }

    /**
     * Whether {@code method}, a method of the starter's return value wrapper, was calling the same method
     * of the handler it wraps ({@code caller}'s next frame {@code callee}): its {@code supportsReturnType}
     * and {@code handleReturnValue} hand the question and the writing on.
     */
    private static boolean handsOn(String method, String callee) {
        return method.startsWith(REPORTING)
                && !isOurs(callee)
                && callee.endsWith(method.substring(method.lastIndexOf('.')));
    }

    /** Whether {@code method} ({@code Type.method}) is abuse-guard's, not an example application's. */
    static boolean isOurs(String method) {
        return method.startsWith(OURS) && !method.startsWith(EXAMPLES);
    }

    static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    static String report(Summary summary, int top) {
        StringBuilder out = new StringBuilder();
        double samples = Math.max(1, summary.samples());
        out.append(String.format(
                Locale.ROOT,
                "request-thread CPU samples: %,d; abuse-guard's: %,d (%.1f%%)%n",
                summary.samples(),
                summary.ours(),
                100 * summary.ours() / samples));
        out.append("| abuse-guard site (running there or in what it called outside us) | share of samples |\n");
        out.append("|---|---|\n");
        rows(out, summary.oursBySite(), samples, top);
        out.append("| abuse-guard method, with its callees | share of samples |\n");
        out.append("|---|---|\n");
        rows(out, summary.oursInclusive(), samples, top);
        return out.toString();
    }

    private static void rows(StringBuilder out, Map<String, Long> counts, double samples, int top) {
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(top)
                .forEach(row -> out.append(String.format(
                        Locale.ROOT, "| `%s` | %.2f%% |%n", row.getKey(), 100 * row.getValue() / samples)));
    }
}
