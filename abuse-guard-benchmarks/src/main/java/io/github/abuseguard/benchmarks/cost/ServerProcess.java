package io.github.abuseguard.benchmarks.cost;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * One server JVM under measurement, started from an executable jar on a free loopback port. Its
 * counters are read over JMX through the JDK's local management agent, which the harness starts in the
 * server with the Attach API: only a process of the same user on this machine can reach it, and no
 * port is opened with authentication switched off.
 *
 * <p>What a {@link Snapshot} counts: the process's CPU time (every thread: request threads, JIT, GC,
 * Tomcat's poller), and the bytes allocated by the request threads (names matching the request-thread
 * pattern, Tomcat's {@code http-nio-PORT-exec-N}) and by all live threads. A thread that ends between
 * two snapshots takes its allocation with it, so thread counts are checked to be steady.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern REQUEST_THREADS = Pattern.compile("http-nio-.*-exec-\\d+");
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

    final String name;
    final int port;
    private final Process process;
    private final long startedNanos;
    private JMXConnector connector;
    private ThreadMXBean threads;
    private OperatingSystemMXBean os;
    private MBeanServerConnection connection;

    private ServerProcess(String name, int port, Process process, long startedNanos) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.startedNanos = startedNanos;
    }

    /** CPU time, and bytes allocated by the request threads and by every thread, each by thread id. */
    record Snapshot(long cpuNanos, Map<Long, Long> requestThreadBytes, Map<Long, Long> allThreadBytes) {
        /** Bytes allocated since {@code before} by the threads of {@code after}; new threads count from zero. */
        static long allocatedSince(Map<Long, Long> before, Map<Long, Long> after) {
            long total = 0;
            for (Map.Entry<Long, Long> thread : after.entrySet()) {
                total += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
            }
            return total;
        }
    }

    /**
     * Starts {@code java [jvmOptions] -jar jar --server.port=PORT --server.address=127.0.0.1 [appArgs]},
     * its output appended to {@code log}.
     */
    static ServerProcess start(String name, Path jar, List<String> jvmOptions, List<String> appArgs, Path log)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw -B -ntp -DskipTests package");
        }
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.add("--server.port=" + port);
        command.add("--server.address=127.0.0.1");
        command.addAll(appArgs);
        Files.createDirectories(log.getParent());
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new ServerProcess(name, port, process, started);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Waits until {@code path} answers 200 and returns the time from the process's start, polling every
     * 5 ms.
     *
     * @throws IllegalStateException when the process exits or {@code timeout} passes first
     */
    Duration awaitReady(String path, String userAgent, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it was ready");
            }
            int status = KeepAliveLoad.probe(port, path, userAgent);
            if (status == 200) {
                return Duration.ofNanos(System.nanoTime() - startedNanos);
            }
            if (status > 0) {
                throw new IllegalStateException(name + " answered " + status + " to " + path + ", not 200");
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout);
    }

    /** The process's CPU time (user + system) from {@code /proc/PID/stat}, at 10 ms resolution. */
    long procCpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of stat
        return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    }

    /** Starts the server's local management agent and connects to it. */
    void attach() throws IOException {
        String address;
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(process.pid()));
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
        } catch (AttachNotSupportedException e) {
            throw new IOException("cannot attach to " + name + " (pid " + process.pid() + ")", e);
        }
        connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
        connection = connector.getMBeanServerConnection();
        threads = ManagementFactory.newPlatformMXBeanProxy(
                connection, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        os = ManagementFactory.newPlatformMXBeanProxy(
                connection, ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME, OperatingSystemMXBean.class);
        if (!threads.isThreadAllocatedMemorySupported()) {
            throw new IllegalStateException(name + " cannot count allocated bytes per thread");
        }
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    /** Reads CPU time and allocated bytes; the reading itself runs on the JMX threads, not on request threads. */
    Snapshot snapshot() throws IOException {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        long cpu = os.getProcessCpuTime();
        Map<Long, Long> request = new HashMap<>();
        Map<Long, Long> all = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] < 0 || infos[i] == null) {
                continue; // ended while being read
            }
            all.put(ids[i], bytes[i]);
            if (REQUEST_THREADS.matcher(infos[i].getThreadName()).matches()) {
                request.put(ids[i], bytes[i]);
            }
        }
        if (request.isEmpty()) {
            throw new IllegalStateException(name + " has no thread named like " + REQUEST_THREADS);
        }
        return new Snapshot(cpu, request, all);
    }

    /** Runs a diagnostic command ({@code jfrStart}, {@code jfrStop}, ...) in the server. */
    String diagnosticCommand(String command, String... arguments) throws Exception {
        Object result = connection.invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                command,
                new Object[] {arguments},
                new String[] {String[].class.getName()});
        return String.valueOf(result);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (connector != null) {
            connector.close();
        }
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(15, TimeUnit.SECONDS);
        }
    }
}
