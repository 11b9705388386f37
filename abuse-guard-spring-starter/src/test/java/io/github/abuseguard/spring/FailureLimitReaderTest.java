package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.spring.annotation.FailureLimit;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

class FailureLimitReaderTest {

    @RestController
    static class Login {
        @FailureLimit(statuses = "401", maxRetry = 5, findTime = "10m", banTime = "15m")
        @FailureLimit(
                statuses = "401",
                key = "ip",
                distinct = "body:/username",
                credential = "body:/password",
                maxRetry = 20,
                findTime = "1h")
        @PostMapping("/login")
        String login() {
            return "";
        }
    }

    @RestController
    static class Broken {
        @FailureLimit(statuses = "401", findTime = "soon")
        @PostMapping("/login")
        String login() {
            return "";
        }
    }

    @Test
    void repeatedAnnotationsBecomeNumberedRulesOnTheHandlersRouteAndMethod() {
        List<FailureRule> rules = new FailureLimitReader().read(Handlers.of(Login.class));

        assertThat(rules).extracting(FailureRule::name).containsExactly("login.login", "login.login-2");
        FailureRule first = rules.get(0);
        assertThat(first.paths()).containsExactly("/login");
        assertThat(first.methods()).containsExactly("POST");
        assertThat(first.maxRetry()).isEqualTo(5);
        assertThat(first.findTime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(first.banTime()).isEqualTo(Duration.ofMinutes(15));
        assertThat(rules.get(1).distinct()).isEqualTo("body:/username");
        assertThat(rules.get(1).credential()).isEqualTo("body:/password");
        assertThat(first.credential()).isNull();
        assertThat(first.source()).isEqualTo("@FailureLimit on Login.login");
    }

    @Test
    void anUnreadableDurationFailsStartUpNamingTheHandler() {
        assertThatThrownBy(() -> new FailureLimitReader().read(Handlers.of(Broken.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@FailureLimit on Broken.login cannot work");
    }
}
