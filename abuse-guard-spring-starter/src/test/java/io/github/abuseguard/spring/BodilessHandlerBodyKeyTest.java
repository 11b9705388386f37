package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * user67 F4: README (Configuration reference) promises one start-up WARN for a body field a configured rule reads
 * "that no handler its paths and methods reach can be given (the @RequestBody type has no such property, or the
 * handler takes no body)". A rule on a GET handler that takes no body, keyed or resourced by a body field, started
 * silently; the key part is then absent and falls back to the address (a per-card-code limit becomes per-IP). A rule
 * that names its methods, each named by a bodiless handler, is warned (review113 F4, F5: HEAD by a GET handler; a
 * handler of any method names none).
 */
@ExtendWith(OutputCaptureExtension.class)
class BodilessHandlerBodyKeyTest {
    private static final String WARNING = "no handler the rule's paths reach can be given it";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));

    /** A login page mapped for every method (no method= on @RequestMapping), as many applications write it. */
    @RestController
    static class AnyMethodLoginPageController {
        @RequestMapping("/login")
        String loginPage() {
            return "<form method=post action=/login>...";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class AnyMethodLoginPage {
        @Bean
        AnyMethodLoginPageController anyMethodLoginPageController() {
            return new AnyMethodLoginPageController();
        }
    }

    /**
     * False alarm: POST /login is Spring Security's UsernamePasswordAuthenticationFilter's, which reads the form's
     * username before the DispatcherServlet; the page's handler never sees it. review104 F2 kept this silent for a
     * @GetMapping page; a page on @RequestMapping (every method, so "every method the rule names is handled") is warned.
     */
    @Test
    void aFailureRuleOnSpringSecuritysFormLoginBesideAnAnyMethodPageIsNotWarned(CapturedOutput output) {
        runner.withUserConfiguration(AnyMethodLoginPage.class)
                .withPropertyValues(
                        "abuse-guard.failure.rules.login.paths=/login",
                        "abuse-guard.failure.rules.login.methods=POST",
                        "abuse-guard.failure.rules.login.key=body:/username")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .as("POST /login is served by Spring Security's filter, which reads the form's username")
                            .isEmpty();
                });
    }

    @RestController
    static class CardController {
        @GetMapping("/api/cards/{code}")
        String card(@PathVariable("code") String code) {
            return code;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Cards {
        @Bean
        CardController cardController() {
            return new CardController();
        }
    }

    /**
     * Miss: Spring MVC serves HEAD with a @GetMapping handler (and a HEAD request has no body), yet naming HEAD beside
     * GET turns the user67 F4 WARN off: no handler lists HEAD, so not every method counts as handled.
     */
    @Test
    void aBodyKeyOnGetAndHeadOfABodilessHandlerIsWarned(CapturedOutput output) {
        runner.withUserConfiguration(Cards.class)
                .withPropertyValues(
                        "abuse-guard.rate-limit.rules.cards.paths=/api/cards/{code}",
                        "abuse-guard.rate-limit.rules.cards.methods=GET,HEAD",
                        "abuse-guard.rate-limit.rules.cards.key=body:/code",
                        "abuse-guard.rate-limit.rules.cards.limits[0].capacity=5",
                        "abuse-guard.rate-limit.rules.cards.limits[0].period=1m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .anySatisfy(line -> assertThat(line).contains("abuse-guard.rate-limit.rules.cards.key"));
                });
    }

    @Test
    void aBodyKeyOnAHandlerThatTakesNoBodyIsWarned(CapturedOutput output) {
        runner.withUserConfiguration(Cards.class)
                .withPropertyValues(
                        "abuse-guard.rate-limit.rules.cards.paths=/api/cards/{code}",
                        "abuse-guard.rate-limit.rules.cards.methods=GET",
                        "abuse-guard.rate-limit.rules.cards.key=body:/code",
                        "abuse-guard.rate-limit.rules.cards.limits[0].capacity=5",
                        "abuse-guard.rate-limit.rules.cards.limits[0].period=1m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .anySatisfy(line -> assertThat(line).contains("abuse-guard.rate-limit.rules.cards.key"));
                });
    }

    @Test
    void aBodyResourceOfAVolumeRuleOnAHandlerThatTakesNoBodyIsWarned(CapturedOutput output) {
        runner.withUserConfiguration(Cards.class)
                .withPropertyValues(
                        "abuse-guard.volume.rules.cards.paths=/api/cards/{code}",
                        "abuse-guard.volume.rules.cards.methods=GET",
                        "abuse-guard.volume.rules.cards.resource=body:/code",
                        "abuse-guard.volume.rules.cards.max-distinct=5")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains(WARNING)))
                            .anySatisfy(line -> assertThat(line).contains("abuse-guard.volume.rules.cards.resource"));
                });
    }
}
