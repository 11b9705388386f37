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
 * Tomcat's poller); the CPU time of the request threads (names matching Tomcat's {@code
 * http-nio-PORT-exec-N}) and of Tomcat's poller and acceptor, each thread's own clock in nanoseconds
 * ({@code ThreadMXBean.getThreadCpuTime}), so JIT compilation, collections and the harness's own JMX
 * reading are left out; the CPU time of the JIT and GC threads and every thread's run-queue wait
 * ({@link JvmThreadTimes}); and the bytes allocated by the request threads and by all live threads. A
 * thread that ends between two snapshots takes its figures with it; a thread that starts counts from
 * zero.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern REQUEST_THREADS = Pattern.compile("http-nio-.*-exec-\\d+");
    private static final Pattern CONNECTOR_THREADS = Pattern.compile("http-nio-.*-(Poller|Acceptor)");
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
    private static final String TASKSET = "/usr/bin/taskset";

    final String name;
    final int port;
    private final Process process;
    private final long startedNanos;
    private JMXConnector connector;
    private ThreadMXBean threads;
    private OperatingSystemMXBean os;
    private MBeanServerConnection connection;

    ServerProcess(String name, int port, Process process, long startedNanos) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.startedNanos = startedNanos;
    }

    /**
     * Process CPU time; per Java thread id the CPU time of the request and connector threads and the
     * bytes allocated by the request threads and by every thread; the JVM's own threads' times.
     */
    record Snapshot(
            long cpuNanos,
            Map<Long, Long> requestThreadCpu,
            Map<Long, Long> connectorThreadCpu,
            Map<Long, Long> requestThreadBytes,
            Map<Long, Long> allThreadBytes,
            JvmThreadTimes.Reading jvm) {
        /** The growth of a per-thread counter since {@code before}, over the threads of {@code after}; new threads count from zero. */
        static long since(Map<Long, Long> before, Map<Long, Long> after) {
            long total = 0;
            for (Map.Entry<Long, Long> thread : after.entrySet()) {
                total += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
            }
            return total;
        }
    }

    /**
     * Starts {@code java [jvmOptions] -jar jar --server.port=PORT --server.address=127.0.0.1 [appArgs]},
     * its output appended to {@code log}; bound with {@code taskset -c cpus} to those CPUs unless {@code
     * cpus} is empty; PORT is the first free port from {@code ports[0]} to {@code ports[1]}, any free
     * port if both are 0.
     */
    static ServerProcess start(
            String name, Path jar, List<String> jvmOptions, List<String> appArgs, Path log, String cpus, int[] ports)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw -B -ntp -DskipTests package");
        }
        int port = freePort(ports[0], ports[1]);
        List<String> command = new ArrayList<>();
        if (!cpus.isEmpty()) {
            if (!Files.isExecutable(Path.of(TASKSET))) {
                throw new IllegalStateException("--server-cpus needs " + TASKSET + " (Debian package util-linux)");
            }
            command.addAll(List.of(TASKSET, "-c", cpus));
        }
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

    /** Ports of a range given to servers, which may not listen on them yet: not given again. */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port free on loopback now and not given before: the first of {@code first} to {@code last}, or
     * any if both are 0.
     */
    static int freePort(int first, int last) throws IOException {
        for (int port = first; port <= last; port++) {
            if (first > 0 && GIVEN.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                if (first > 0) {
                    GIVEN.add(port);
                }
                return socket.getLocalPort();
            } catch (java.net.BindException taken) {
                // in use: try the next
            }
        }
        throw new IllegalStateException("no free port from " + first + " to " + last);
    }

    /**
     * Waits until {@code path} answers 200 and returns the time from the process's start, polling every
     * 5 ms. A first 403 is taken for a route that requires the browser proof: the harness gives it for its
     * loopback address ({@link BrowserProofClient}) and asks again.
     *
     * @throws IllegalStateException when the process exits or {@code timeout} passes first, or the path
     *     answers anything but 200 once proved
     */
    Duration awaitReady(String path, String userAgent, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean proved = false;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it was ready");
            }
            int status = KeepAliveLoad.probe(port, path, userAgent);
            if (status == 200) {
                return Duration.ofNanos(System.nanoTime() - startedNanos);
            }
            if (status == 403 && !proved) {
                BrowserProofClient.prove(port, userAgent);
                proved = true;
                System.out.println(name + ": " + path + " requires the browser proof; the harness gave it");
                continue;
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
        if (!threads.isThreadCpuTimeSupported()) {
            throw new IllegalStateException(name + " cannot count CPU time per thread");
        }
        threads.setThreadCpuTimeEnabled(true);
    }

    /** Reads CPU time and allocated bytes; the reading itself runs on the JMX threads, not on request threads. */
    Snapshot snapshot() throws IOException {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        long[] cpuTimes = threads.getThreadCpuTime(ids);
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        long cpu = os.getProcessCpuTime();
        JvmThreadTimes.Reading jvm = JvmThreadTimes.read(process.pid());
        Map<Long, Long> requestCpu = new HashMap<>();
        Map<Long, Long> connectorCpu = new HashMap<>();
        Map<Long, Long> request = new HashMap<>();
        Map<Long, Long> all = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] < 0 || cpuTimes[i] < 0 || infos[i] == null) {
                continue; // ended while being read
            }
            all.put(ids[i], bytes[i]);
            String threadName = infos[i].getThreadName();
            if (REQUEST_THREADS.matcher(threadName).matches()) {
                request.put(ids[i], bytes[i]);
                requestCpu.put(ids[i], cpuTimes[i]);
            } else if (CONNECTOR_THREADS.matcher(threadName).matches()) {
                connectorCpu.put(ids[i], cpuTimes[i]);
            }
        }
        if (request.isEmpty()) {
            throw new IllegalStateException(name + " has no thread named like " + REQUEST_THREADS);
        }
        return new Snapshot(cpu, requestCpu, connectorCpu, request, all, jvm);
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
