package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.PathPattern;
import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.spring.annotation.RejectDisposableEmail;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

class RejectDisposableEmailReaderTest {

    @RestController
    @RejectDisposableEmail
    static class Accounts {
        @PostMapping("/signup")
        String signup() {
            return "";
        }

        @RejectDisposableEmail(field = "/contact/email", response = EmailRule.Response.FLAG, score = 30)
        @PostMapping("/invite")
        String invite() {
            return "";
        }

        @RequestMapping("/legacy")
        String legacy() {
            return "";
        }
    }

    @Test
    void aClassAnnotationGivesEveryHandlerARuleOnItsRouteAndMethod() {
        EmailRule signup = new RejectDisposableEmailReader()
                .read(Handlers.of(Accounts.class)).stream()
                        .filter(rule -> rule.name().equals("accounts.signup"))
                        .findFirst()
                        .orElseThrow();

        assertThat(signup.patterns()).extracting(PathPattern::toString).containsExactly("/signup");
        assertThat(signup.methods()).containsExactly("POST");
        assertThat(signup.field()).isEqualTo("/email");
    }

    @Test
    void aMethodAnnotationReplacesTheClassAnnotation() {
        EmailRule invite = new RejectDisposableEmailReader()
                .read(Handlers.of(Accounts.class)).stream()
                        .filter(rule -> rule.name().equals("accounts.invite"))
                        .findFirst()
                        .orElseThrow();

        assertThat(invite.field()).isEqualTo("/contact/email");
        assertThat(invite.response()).isEqualTo(EmailRule.Response.FLAG);
        assertThat(invite.score()).isEqualTo(30);
    }

    @Test
    void aHandlerMappedWithoutAMethodIsCheckedOnEveryMethodGetIncluded() {
        List<EmailRule> rules = new RejectDisposableEmailReader().read(Handlers.of(Accounts.class));
        EmailRule legacy = rules.stream()
                .filter(rule -> rule.name().equals("accounts.legacy"))
                .findFirst()
                .orElseThrow();

        assertThat(legacy.methods()).contains("GET", "POST", "DELETE");
    }
}
