package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * user64 F7: a wrong abuse-guard key fails start-up before the web server starts, so the failure report is
 * what the operator reads, not the server's "Error starting Tomcat context" ERROR and its stack trace first.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartUpFailureBeforeTheServerTest {

    @Test
    void aMistypedKeyFailsBeforeTomcatStarts(CapturedOutput output) {
        Throwable failure = catchThrowable(() ->
                SpringApplication.run(App.class, "--server.port=0", "--abuse-guard.rate-limit.rules.scores.limit=5"));

        assertThat(causes(failure)).anyMatch(BindException.class::isInstance);
        assertThat(causes(failure))
                .as("bound while the web server factory is made, not while Tomcat starts the filter's registration")
                .noneMatch(cause -> cause.getClass().getName().endsWith("WebServerException"));
        assertThat(output)
                .contains("abuse-guard.rate-limit.rules.scores.limit: unknown property 'limit'; did you mean 'limits'?")
                .doesNotContain("Error starting Tomcat context")
                .doesNotContain("Starting service [Tomcat]");
    }

    @Test
    void aKnownKeyStillStartsTheServer() {
        try (var context = SpringApplication.run(App.class, "--server.port=0", "--abuse-guard.mode=monitor")) {
            assertThat(context.isRunning()).isTrue();
            assertThat(context.getBeansOfType(io.github.abuseguard.AbuseGuard.class))
                    .hasSize(1);
        }
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> causes = new ArrayList<>();
        for (Throwable cause = failure; cause != null && !causes.contains(cause); cause = cause.getCause()) {
            causes.add(cause);
        }
        return causes;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
        @RestController
        static class Scores {
            @GetMapping("/api/scores")
            String scores() {
                return "";
            }
        }
    }
}
