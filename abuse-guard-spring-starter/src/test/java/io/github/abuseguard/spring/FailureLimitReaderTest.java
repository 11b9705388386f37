package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
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

    @RestController
    static class GiftCards {
        @FailureLimit(
                statuses = "404",
                maxRetry = 10,
                underAttack = true,
                underAttackHistory = UnderAttack.History.RULE)
        @FailureLimit(statuses = "404", maxRetry = 20, underAttack = true)
        @PostMapping("/giftcards")
        String lookUp() {
            return "";
        }
    }

    @RestController
    static class HistoryWithoutMode {
        @FailureLimit(statuses = "404", underAttackHistory = UnderAttack.History.RULE)
        @PostMapping("/giftcards")
        String lookUp() {
            return "";
        }
    }

    @Test
    void underAttackHistoryChoosesWhatVouchesForAClientUnderTheRulesMode() {
        List<FailureRule> rules = new FailureLimitReader().read(Handlers.of(GiftCards.class));

        assertThat(rules.get(0).underAttack().history()).isEqualTo(UnderAttack.History.RULE);
        assertThat(rules.get(0).underAttack().minFailures()).isEqualTo(UnderAttack.DEFAULT_MIN_FAILURES);
        assertThat(rules.get(1).underAttack().history()).isEqualTo(UnderAttack.History.APP);
    }

    @Test
    void underAttackHistoryWithoutTheModeFailsStartUpNamingTheHandler() {
        assertThatThrownBy(() -> new FailureLimitReader().read(Handlers.of(HistoryWithoutMode.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@FailureLimit on HistoryWithoutMode.lookUp cannot work")
                .hasMessageContaining("underAttackHistory = RULE needs underAttack = true");
    }

    @Test
    void anUnreadableDurationFailsStartUpNamingTheHandler() {
        assertThatThrownBy(() -> new FailureLimitReader().read(Handlers.of(Broken.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@FailureLimit on Broken.login cannot work");
    }
}
