package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.spring.annotation.RequireOrigin;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * user59 F1: README's "Origin checks" pastes {@code @RequireOrigin} ("the application's own origin only") on
 * {@code POST /api/transform} beside a property rule on {@code /api/**} that lists a partner. The property rule
 * matches first and decides alone, so the partner's origin passes the handler the annotation restricts to the
 * application's own origin. As with {@code @RateLimit} ("Both apply to a request: it must fit each"), the
 * annotation should still hold.
 */
class RequireOriginBesidePropertyRuleTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withBean(Transform.class);

    @RestController
    static class Transform {
        @RequireOrigin // the application's own origin only
        @PostMapping("/api/transform")
        String transform() {
            return "";
        }
    }

    private static GuardRequest post(String origin) {
        return GuardRequest.builder("POST", "/api/transform")
                .route("/api/transform")
                .header("Origin", origin)
                .header("User-Agent", "Mozilla/5.0")
                .client("198.51.100.7")
                .build();
    }

    @Test
    void theAnnotationAloneRefusesAPartner() {
        runner.withPropertyValues("abuse-guard.origin.own-origins=https://shop.example")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    assertThat(engine.evaluate(post("https://shop.example")).isDenied())
                            .isFalse();
                    assertThat(engine.evaluate(post("https://partner.example")).isDenied())
                            .isTrue();
                });
    }

    @Test
    void aBroaderPropertyRuleDoesNotWidenTheAnnotatedHandlersOrigins() {
        runner.withPropertyValues(
                        "abuse-guard.origin.own-origins=https://shop.example",
                        "abuse-guard.origin.rules.api.paths=/api/**",
                        "abuse-guard.origin.rules.api.allowed-origins=https://partner.example")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    assertThat(engine.evaluate(post("https://shop.example")).isDenied())
                            .isFalse();
                    assertThat(engine.evaluate(post("https://partner.example")).isDenied())
                            .as("@RequireOrigin on the handler says: the application's own origin only")
                            .isTrue();
                });
    }
}
