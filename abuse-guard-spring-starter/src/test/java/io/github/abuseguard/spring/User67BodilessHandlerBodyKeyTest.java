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
import org.springframework.web.bind.annotation.RestController;

/**
 * user67: README (Configuration reference) promises one start-up WARN for a body field a configured rule reads
 * "that no handler its paths and methods reach can be given (the @RequestBody type has no such property, or the
 * handler takes no body)". A rule on a GET handler that takes no body, keyed or resourced by a body field, starts
 * silently; the key part is then absent and falls back to the address (a per-card-code limit becomes per-IP).
 */
@ExtendWith(OutputCaptureExtension.class)
class User67BodilessHandlerBodyKeyTest {
    private static final String WARNING = "no handler the rule's paths reach can be given it";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withUserConfiguration(Controllers.class);

    @RestController
    static class CardController {
        @GetMapping("/api/cards/{code}")
        String card(@PathVariable("code") String code) {
            return code;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Controllers {
        @Bean
        CardController cardController() {
            return new CardController();
        }
    }

    @Test
    void aBodyKeyOnAHandlerThatTakesNoBodyIsWarned(CapturedOutput output) {
        runner.withPropertyValues(
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
        runner.withPropertyValues(
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
