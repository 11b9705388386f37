package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.FailureLimit;
import io.github.abuseguard.spring.annotation.RateLimit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An annotation on a controller that cannot work fails start-up with Spring Boot's report naming the
 * controller method and the attribute to correct (probe19 M3: a stack-trace maze, or a property that
 * does not exist).
 */
class AnnotationFailureAnalysisTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));

    @RestController
    static class ZeroCapacity {
        @RateLimit(capacity = 0, period = "1m")
        @GetMapping("/x")
        String x() {
            return "";
        }
    }

    @RestController
    static class UnknownKey {
        @RateLimit(capacity = 5, period = "1m", key = "bogus:x")
        @GetMapping("/x")
        String x() {
            return "";
        }
    }

    @RestController
    static class BodyKeyWithoutPointer {
        @RateLimit(capacity = 5, period = "1m", key = "body:username")
        @PostMapping("/x")
        String x() {
            return "";
        }
    }

    @RestController
    static class UnreadablePeriod {
        @RateLimit(capacity = 5, period = "abc")
        @GetMapping("/x")
        String x() {
            return "";
        }
    }

    @RestController
    static class UnreadableStatuses {
        @FailureLimit(statuses = "abc")
        @PostMapping("/login")
        String login() {
            return "";
        }
    }

    @Test
    void aCapacityOfZeroNamesTheMethodAndTheCapacity() {
        assertAnalysis(ZeroCapacity.class, "@RateLimit on ZeroCapacity.x", "capacity", "capacity must be positive");
    }

    @Test
    void anUnknownKeySourceNamesTheMethodAndTheKey() {
        assertAnalysis(UnknownKey.class, "@RateLimit on UnknownKey.x", "key", "bogus");
    }

    @Test
    void aBodyKeyThatIsNoJsonPointerNamesTheMethodAndTheKey() {
        assertAnalysis(BodyKeyWithoutPointer.class, "@RateLimit on BodyKeyWithoutPointer.x", "key", "body:username");
    }

    @Test
    void anUnreadablePeriodNamesTheMethodAndTheAttributeNotAProperty() {
        assertAnalysis(UnreadablePeriod.class, "@RateLimit on UnreadablePeriod.x", "period", "'abc' is not a duration");
        runner.withBean(UnreadablePeriod.class)
                .run(context -> assertThat(new InvalidSettingFailureAnalyzer().analyze(context.getStartupFailure()))
                        .as("the property analyzer leaves an annotation's duration to the annotation analyzer")
                        .isNull());
    }

    @Test
    void unreadableFailureStatusesNameTheMethodAndTheStatuses() {
        assertAnalysis(
                UnreadableStatuses.class,
                "@FailureLimit on UnreadableStatuses.login",
                "statuses",
                "'abc' is neither a status code");
    }

    private void assertAnalysis(Class<?> controller, String annotationOnMethod, String attribute, String problem) {
        runner.withBean(controller).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new InvalidAnnotationFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).as("a failure analysis").isNotNull();
            assertThat(analysis.getDescription())
                    .startsWith(annotationOnMethod + " cannot work: ")
                    .contains(attribute)
                    .contains(problem);
            assertThat(analysis.getAction())
                    .isEqualTo("Correct the attribute '" + attribute + "' of " + annotationOnMethod + ".");
        });
    }
}
