package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The store's meters: whether it answers, and how many of its calls failed while the circuit stayed closed. */
class AbuseGuardStoreMetricsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AbuseGuardStoreHealthAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    /** probe14 LOW-4: a call that timed out was answered by the fallback and nothing showed it. */
    @Test
    void eachFailedCallOfTheSharedStoreIsCountedWhileTheCircuitStaysClosed() {
        StateStore remote = mock(StateStore.class);
        Counters counters = mock(Counters.class);
        when(remote.counters(anyString(), any())).thenReturn(counters);
        when(counters.add(anyString(), anyLong())).thenThrow(new IllegalStateException("command timed out"));
        ResilientStateStore store = ResilientStateStore.builder(
                        remote, LocalStateStore.builder().build())
                .timeSource(new FakeTimeSource())
                .build();
        runner.withBean(StateStore.class, () -> store).run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            store.counters("c", Duration.ofMinutes(1)).add("k", 1);

            assertThat(store.isAvailable()).isTrue();
            assertThat(meters.get("abuseguard.store.available").gauge().value()).isEqualTo(1.0);
            assertThat(meters.get("abuseguard.store.failed.calls")
                            .functionCounter()
                            .count())
                    .isEqualTo(1.0);
        });
    }
}
