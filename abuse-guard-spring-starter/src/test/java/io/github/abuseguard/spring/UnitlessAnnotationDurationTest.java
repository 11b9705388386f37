package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.spring.annotation.FailureLimit;
import io.github.abuseguard.spring.annotation.RateLimit;
import io.github.abuseguard.spring.annotation.RequiresPrior;
import io.github.abuseguard.spring.annotation.VolumeLimit;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * cfgrest 2: a duration written in an annotation as a bare number, {@code @RateLimit(period = "60")}, was
 * read as 60 milliseconds without a word, a limit a thousand times looser than meant. It fails start-up
 * naming the annotation, the method and the attribute.
 */
class UnitlessAnnotationDurationTest {

    @RestController
    static class Scores {
        @RateLimit(capacity = 5, period = "60")
        @GetMapping("/scores")
        String scores() {
            return "";
        }
    }

    @RestController
    static class Login {
        @FailureLimit(findTime = "600")
        @PostMapping("/login")
        String login() {
            return "";
        }
    }

    @RestController
    static class Bans {
        @FailureLimit(banTime = "900")
        @PostMapping("/login")
        String login() {
            return "";
        }
    }

    @RestController
    static class LongBans {
        @FailureLimit(maxBanTime = "86400")
        @PostMapping("/login")
        String login() {
            return "";
        }
    }

    @RestController
    static class GiftCards {
        @VolumeLimit(window = "600")
        @GetMapping("/cards/{code}")
        String card() {
            return "";
        }
    }

    @RestController
    static class Checkout {
        @RequiresPrior(value = "GET /cart", within = "1800")
        @PostMapping("/checkout")
        String checkout() {
            return "";
        }
    }

    @RestController
    static class QuickCheckout {
        @RequiresPrior(value = "GET /cart", minimumDelay = "2")
        @PostMapping("/checkout")
        String checkout() {
            return "";
        }
    }

    @RestController
    static class WithUnits {
        @RateLimit(capacity = 5, period = "60s")
        @RequiresPrior(value = "GET /cart", minimumDelay = "0", within = "30m")
        @PostMapping("/checkout")
        String checkout() {
            return "";
        }
    }

    @Test
    void aBareNumberPeriodFailsStartUpNamingTheAnnotationMethodAndAttribute() {
        assertThatThrownBy(() -> new RateLimitReader().read(Handlers.of(Scores.class)))
                .isInstanceOf(InvalidAnnotationException.class)
                .hasMessageStartingWith("@RateLimit on Scores.scores cannot work: period: '60' has no unit; write"
                        + " the unit you mean ('60s', '60m'), or '60ms' if milliseconds are meant")
                .extracting(e -> ((InvalidAnnotationException) e).attribute())
                .isEqualTo("period");
    }

    @Test
    void everyDurationAttributeRefusesABareNumber() {
        assertThatThrownBy(() -> new FailureLimitReader().read(Handlers.of(Login.class)))
                .hasMessageStartingWith("@FailureLimit on Login.login cannot work: findTime: '600' has no unit");
        assertThatThrownBy(() -> new FailureLimitReader().read(Handlers.of(Bans.class)))
                .hasMessageStartingWith("@FailureLimit on Bans.login cannot work: banTime: '900' has no unit");
        assertThatThrownBy(() -> new FailureLimitReader().read(Handlers.of(LongBans.class)))
                .hasMessageStartingWith("@FailureLimit on LongBans.login cannot work: maxBanTime: '86400' has no unit");
        assertThatThrownBy(() -> new VolumeLimitReader().read(Handlers.of(GiftCards.class)))
                .hasMessageStartingWith("@VolumeLimit on GiftCards.card cannot work: window: '600' has no unit");
        assertThatThrownBy(() -> new RequiresPriorReader().read(Handlers.of(Checkout.class)))
                .hasMessageStartingWith("@RequiresPrior on Checkout.checkout cannot work: within: '1800' has no unit");
        assertThatThrownBy(() -> new RequiresPriorReader().read(Handlers.of(QuickCheckout.class)))
                .hasMessageStartingWith(
                        "@RequiresPrior on QuickCheckout.checkout cannot work: minimumDelay: '2' has no unit");
    }

    @Test
    void aUnitOrZeroIsRead() {
        assertThat(new RateLimitReader().read(Handlers.of(WithUnits.class)))
                .singleElement()
                .satisfies(rule -> assertThat(rule.limits().get(0).period()).isEqualTo(Duration.ofMinutes(1)));
        assertThat(new RequiresPriorReader().read(Handlers.of(WithUnits.class))).hasSize(1);
    }
}
