package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * user71 F6: README's form-login rule ({@code paths: ["/login"]}, {@code methods: [POST]}) started with a WARN asking
 * whether {@code /login} was misspelt, as no handler mapping lists it; Spring Security's sign-in filter serves it. A
 * path it does not serve is still warned about.
 */
@ExtendWith(OutputCaptureExtension.class)
class FormLoginRulePathTest {

    @Test
    void theFormLoginsProcessingPathIsNoMisspelling(CapturedOutput output) {
        try (ConfigurableApplicationContext shop = new SpringApplicationBuilder(FormLoginFailuresTest.FormLogin.class)
                .properties(
                        "server.port=0",
                        "abuse-guard.failure.rules.login.paths=/login,/logn",
                        "abuse-guard.failure.rules.login.methods=POST",
                        "abuse-guard.failure.rules.login.statuses=401",
                        "abuse-guard.failure.rules.login.key=ip+body:/username")
                .run()) {
            assertThat(shop.isRunning()).isTrue();
        }
        assertThat(output.getAll().lines().filter(line -> line.contains("matches no route of the application")))
                .singleElement()
                .satisfies(line -> assertThat(line).contains("paths[1]: '/logn'"));
    }
}
