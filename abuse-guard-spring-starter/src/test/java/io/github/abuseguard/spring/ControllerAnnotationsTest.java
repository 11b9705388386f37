package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.spring.annotation.RateLimit;
import io.github.abuseguard.spring.annotation.RequiresPrior;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

class ControllerAnnotationsTest {

    @RestController
    static class MinutesPastALong {
        @RateLimit(capacity = 1, period = "9223372036854775807m")
        @GetMapping("/a")
        String handle() {
            return "";
        }
    }

    @RestController
    static class MicrosecondsThatWrapped {
        @RateLimit(capacity = 1, period = "9223372036854775807us")
        @GetMapping("/a")
        String handle() {
            return "";
        }
    }

    @RestController
    static class PeriodPastNanoseconds {
        @RateLimit(capacity = 1, period = "PT3000000H")
        @GetMapping("/a")
        String handle() {
            return "";
        }
    }

    @RestController
    static class WindowPastALong {
        @RequiresPrior(value = "GET /a", within = "99999999999999999999s")
        @PostMapping("/b")
        String handle() {
            return "";
        }
    }

    @RestController
    static class RefillFasterThanANanosecond {
        @RateLimit(capacity = 5_000, period = "1us")
        @GetMapping("/a")
        String handle() {
            return "";
        }
    }

    @RestController
    static class ReasonablePeriod {
        @RateLimit(capacity = 1, period = "PT2000000H")
        @GetMapping("/a")
        String handle() {
            return "";
        }
    }

    @ParameterizedTest
    @ValueSource(
            classes = {
                MinutesPastALong.class,
                MicrosecondsThatWrapped.class,
                PeriodPastNanoseconds.class,
                WindowPastALong.class
            })
    void anAnnotationDurationTooLongForALongFailsStartUpNamingTheMethod(Class<?> controller) {
        assertThatThrownBy(() -> ControllerAnnotations.of(List.of(controller), UnaryOperator.identity(), true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(controller.getSimpleName() + ".handle")
                .hasMessageContaining("292 years");
    }

    @Test
    void aRefillFasterThanBucket4jSupportsFailsStartUpNamingTheMethod() {
        assertThatThrownBy(() -> ControllerAnnotations.of(
                        List.of(RefillFasterThanANanosecond.class), UnaryOperator.identity(), true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("RefillFasterThanANanosecond.handle")
                .hasMessageContaining("one token a nanosecond");
    }

    @Test
    void aLongPeriodThatFitsIsKept() {
        ControllerAnnotations annotations =
                ControllerAnnotations.of(List.of(ReasonablePeriod.class), UnaryOperator.identity(), true);
        assertThat(annotations.rateLimitRules().get(0).limits().get(0).period()).isEqualTo(Duration.ofHours(2_000_000));
    }
}
