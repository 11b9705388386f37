package io.github.abuseguard.benchmarks.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.benchmarks.cost.JvmThreadTimes.Kind;
import org.junit.jupiter.api.Test;

class JvmThreadTimesTest {

    @Test
    void compilerAndCollectorThreadsAreToldApartByTheirNativeNames() {
        assertThat(JvmThreadTimes.kind("C2 CompilerThre")).isEqualTo(Kind.JIT);
        assertThat(JvmThreadTimes.kind("C1 CompilerThre")).isEqualTo(Kind.JIT);
        assertThat(JvmThreadTimes.kind("GC Thread#1")).isEqualTo(Kind.GC);
        assertThat(JvmThreadTimes.kind("G1 Conc#0")).isEqualTo(Kind.GC);
        assertThat(JvmThreadTimes.kind("VM Thread")).isEqualTo(Kind.GC);
        assertThat(JvmThreadTimes.kind("http-nio-127.0.")).isEqualTo(Kind.OTHER);
        assertThat(JvmThreadTimes.kind("VM Periodic Tas")).isEqualTo(Kind.OTHER);
    }

    @Test
    void schedstatGivesTimeOnACpuThenTimeWaitingForOne() {
        assertThat(JvmThreadTimes.parseSchedstat("7873182362 20095832760 9732\n"))
                .containsExactly(7_873_182_362L, 20_095_832_760L);
        assertThatThrownBy(() -> JvmThreadTimes.parseSchedstat("12"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a schedstat line");
        assertThatThrownBy(() -> JvmThreadTimes.parseSchedstat("a b c")).hasMessageContaining("not a schedstat line");
    }

    @Test
    void thisJvmsCompilerAndCollectorThreadsAreFoundWithTheirCpuTime() throws Exception {
        JvmThreadTimes.Reading reading =
                JvmThreadTimes.read(ProcessHandle.current().pid());

        assertThat(reading.jitNanos()).isNotEmpty();
        assertThat(reading.jitNanos().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isPositive();
        assertThat(reading.gcNanos()).isNotEmpty();
        assertThat(reading.waitNanos().size())
                .isGreaterThan(reading.jitNanos().size() + reading.gcNanos().size());
    }
}
