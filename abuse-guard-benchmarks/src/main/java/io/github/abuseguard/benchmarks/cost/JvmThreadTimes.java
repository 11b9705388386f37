package io.github.abuseguard.benchmarks.cost;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU time of a JVM's own threads (JIT compilers, garbage collector), which the management API does
 * not list, read per native thread from Linux's {@code /proc/PID/task/TID/schedstat} in nanoseconds;
 * and the time every thread of the process spent runnable but waiting for a core, which tells how much
 * other tenants of the machine crowded the server during a run.
 *
 * <p>Threads are told apart by their native name ({@code comm}, cut by Linux at 15 characters):
 * {@code C1 CompilerThre}, {@code C2 CompilerThre} are the JIT; {@code GC Thread#N}, {@code G1 ...} and
 * the {@code VM Thread} (which runs the safepoint operations, collections among them) are the collector.
 * A thread that ends between two readings takes its time with it, as with {@link ServerProcess}'s other
 * per-thread figures.
 */
final class JvmThreadTimes {
    /** At most this many threads are read; a server with more is not one this harness measures. */
    static final int MAX_THREADS = 4_096;

    private JvmThreadTimes() {}

    /** What a native thread is, as far as the harness tells them apart. */
    enum Kind {
        JIT,
        GC,
        OTHER
    }

    /** Per native thread id: CPU nanoseconds of JIT and GC threads, and run-queue wait of every thread. */
    record Reading(Map<Long, Long> jitNanos, Map<Long, Long> gcNanos, Map<Long, Long> waitNanos) {}

    /** The kind of a thread from its native name. */
    static Kind kind(String comm) {
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            return Kind.JIT;
        }
        if (comm.startsWith("GC Thread#") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
            return Kind.GC;
        }
        return Kind.OTHER;
    }

    /**
     * The two first fields of a {@code schedstat} line: time on a CPU and time waiting on a run queue, in
     * nanoseconds.
     *
     * @throws IllegalArgumentException when the line does not hold two whole numbers
     */
    static long[] parseSchedstat(String line) {
        String[] fields = line.trim().split(" ");
        if (fields.length < 2) {
            throw new IllegalArgumentException("not a schedstat line: '" + line + "'");
        }
        try {
            return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a schedstat line: '" + line + "'", e);
        }
    }

    /**
     * Reads every thread of process {@code pid} now.
     *
     * @throws IllegalStateException when the kernel keeps no scheduler statistics or the process has more
     *     than {@link #MAX_THREADS} threads
     */
    static Reading read(long pid) throws IOException {
        Map<Long, Long> jit = new HashMap<>();
        Map<Long, Long> gc = new HashMap<>();
        Map<Long, Long> wait = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            threads.limit(MAX_THREADS + 1L).forEach(task -> {
                if (wait.size() == MAX_THREADS) {
                    throw new IllegalStateException("process " + pid + " has more than " + MAX_THREADS + " threads");
                }
                long tid = Long.parseLong(task.getFileName().toString());
                String comm;
                long[] times;
                try {
                    comm = Files.readString(task.resolve("comm")).strip();
                    times = parseSchedstat(Files.readString(task.resolve("schedstat")));
                } catch (NoSuchFileException ended) {
                    if (!Files.exists(task.getParent().getParent().resolve("schedstat"))) {
                        throw new IllegalStateException("this kernel keeps no /proc/PID/schedstat", ended);
                    }
                    return; // the thread ended while being read
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                wait.put(tid, times[1]);
                switch (kind(comm)) {
                    case JIT -> jit.put(tid, times[0]);
                    case GC -> gc.put(tid, times[0]);
                    case OTHER -> {
                        // counted in the process's CPU time only
                    }
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Reading(jit, gc, wait);
    }
}
