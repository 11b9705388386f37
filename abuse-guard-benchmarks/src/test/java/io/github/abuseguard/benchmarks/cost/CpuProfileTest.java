package io.github.abuseguard.benchmarks.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuProfileTest {

    /** Spins until the calling thread has used {@code cpuMillis} of CPU, in a frame of this (abuse-guard) package. */
    static double spin(long cpuMillis) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long until = threads.getCurrentThreadCpuTime() + cpuMillis * 1_000_000;
        double sink = 0;
        while (threads.getCurrentThreadCpuTime() < until) {
            for (int i = 1; i < 10_000; i++) {
                sink += Math.sqrt(i);
            }
        }
        return sink;
    }

    @Test
    void samplesOfRequestThreadsRunningOurCodeAreOursAndOtherThreadsAreLeftOut(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cpu.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
            recording.start();
            Thread request = new Thread(() -> spin(300), "http-nio-8080-exec-1");
            Thread other = new Thread(() -> spin(300), "background-1");
            request.start();
            other.start();
            request.join();
            other.join();
            recording.stop();
            recording.dump(file);
        }

        CpuProfile.Summary summary = CpuProfile.read(file, "http-nio-.*-exec-\\d+");

        // the thread's first and last moments (starting, ending) run no frame of ours
        String spin = CpuProfileTest.class.getName() + ".spin";
        assertThat(summary.samples()).isPositive();
        assertThat(summary.oursBySite().getOrDefault(spin, 0L)).isGreaterThanOrEqualTo(summary.samples() * 95 / 100);
        assertThat(CpuProfile.report(summary, 5)).contains("| `" + spin + "` |");
        assertThat(CpuProfile.read(file, ".*").samples()).isGreaterThan(summary.samples()); // the other thread's
    }

    @Test
    void theApplicationsAnswerWrittenInsideTheStartersReturnValueWrapperIsNotOurs() {
        String reporting = "io.github.abuseguard.spring.HandlerStatusReporting$Reporting.handleReturnValue";
        String chain = "org.apache.catalina.core.ApplicationFilterChain.doFilter";
        String filter = "io.github.abuseguard.servlet.AbuseGuardFilter.doFilter";

        // Jackson writing the body, called by the wrapped Spring handler: the application's
        assertThat(CpuProfile.ourMethod(List.of(
                        "tools.jackson.databind.ObjectWriter.writeValue",
                        "org.springframework.web.servlet.mvc.method.annotation.RequestResponseBodyMethodProcessor"
                                + ".handleReturnValue",
                        reporting,
                        "org.springframework.web.method.support.HandlerMethodReturnValueHandlerComposite"
                                + ".handleReturnValue",
                        chain,
                        filter)))
                .isEqualTo(-1);
        // Spring asking the wrapped handler whether it writes this return type: the application's
        assertThat(CpuProfile.ourMethod(List.of(
                        "org.springframework.core.annotation.AnnotatedElementUtils.hasAnnotation",
                        "org.springframework.web.servlet.mvc.method.annotation.RequestResponseBodyMethodProcessor"
                                + ".supportsReturnType",
                        "io.github.abuseguard.spring.HandlerStatusReporting$Reporting.supportsReturnType",
                        chain)))
                .isEqualTo(-1);
        // the wrapper's own look-up of the request's status holder: ours
        assertThat(CpuProfile.ourMethod(List.of(
                        "org.springframework.web.context.request.ServletWebRequest.getNativeRequest",
                        reporting,
                        chain)))
                .isEqualTo(1);
        // the filter's own work, and the application's inside its chain
        assertThat(CpuProfile.ourMethod(List.of("java.util.HashMap.get", filter, chain)))
                .isEqualTo(1);
        assertThat(CpuProfile.ourMethod(List.of("tools.jackson.X.y", chain, filter, chain)))
                .isEqualTo(-1);
    }
}
