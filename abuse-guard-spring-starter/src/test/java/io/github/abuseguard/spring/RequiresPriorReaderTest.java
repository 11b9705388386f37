package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.spring.annotation.RequiresPrior;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

class RequiresPriorReaderTest {

    @RestController
    @RequestMapping("/checkout")
    static class Checkout {
        @RequiresPrior(value = "POST /verify-email", within = "30m", status = "2xx")
        @PostMapping({"/pay", "/confirm"})
        String pay() {
            return "";
        }

        @RequiresPrior("GET /cart")
        @RequestMapping("/anything")
        String anything() {
            return "";
        }
    }

    @RestController
    static class BadStatus {
        @RequiresPrior(value = "GET /a", status = "2XX0")
        @PostMapping("/b")
        String post() {
            return "";
        }
    }

    @Test
    void eachRouteOfTheHandlerBecomesAnOperationThatRequiresThePrior() {
        List<PrecedenceRule> rules = new RequiresPriorReader().read(Handlers.of(Checkout.class));

        assertThat(rules)
                .filteredOn(rule -> rule.name().equals("checkout.pay"))
                .extracting(PrecedenceRule::operation)
                .containsExactly("POST /checkout/pay", "POST /checkout/confirm");
        PrecedenceRule pay = rules.stream()
                .filter(rule -> rule.name().equals("checkout.pay"))
                .findFirst()
                .orElseThrow();
        assertThat(pay.prior()).isEqualTo("POST /verify-email");
        assertThat(pay.window()).isEqualTo(Duration.ofMinutes(30));
        assertThat(pay.statusClass()).isEqualTo(2);
        assertThat(pay.kind()).isEqualTo(PrecedenceRule.Kind.REQUIRES);
    }

    @RestController
    static class Steps {
        @RequiresPrior("GET /")
        @PostMapping("/after-home")
        String afterHome() {
            return "";
        }

        @RequiresPrior("post /api/identity/{id}/confirm")
        @PostMapping("/after-identity")
        String afterIdentity() {
            return "";
        }

        @RequiresPrior("POST /api/verify")
        @PostMapping("/after-verify")
        String afterVerify() {
            return "";
        }
    }

    /**
     * Under a servlet path the prior takes the prefix as the guard records it: the root handler's route is the prefix
     * itself (review38 F1: {@code GET /v1/} never matched the recorded {@code GET /v1}); a step listed in {@code
     * external-operations} as written is recorded outside the DispatcherServlet and keeps its path (review38 F3).
     */
    @Test
    void underAServletPathThePriorIsTheRecordedStep() {
        List<PrecedenceRule> rules = new RequiresPriorReader("/v1", List.of("POST /api/identity/{id}/confirm"))
                .read(Handlers.of(Steps.class));

        assertThat(rules)
                .extracting(PrecedenceRule::prior)
                .containsExactly("GET /v1", "POST /api/identity/{id}/confirm", "POST /v1/api/verify");
    }

    @Test
    void aHandlerMappedWithoutAMethodIsGuardedOnEveryMethodItIsSent() {
        assertThat(new RequiresPriorReader().read(Handlers.of(Checkout.class)))
                .filteredOn(rule -> rule.name().equals("checkout.anything"))
                .extracting(PrecedenceRule::operation)
                .contains(
                        "GET /checkout/anything",
                        "HEAD /checkout/anything",
                        "POST /checkout/anything",
                        "PUT /checkout/anything",
                        "PATCH /checkout/anything",
                        "DELETE /checkout/anything",
                        "QUERY /checkout/anything",
                        "PROPPATCH /checkout/anything",
                        "OTHER /checkout/anything")
                .doesNotContain("OPTIONS /checkout/anything")
                .hasSize(39);
    }

    @Test
    void anUnknownStatusClassFailsStartUpNamingTheHandler() {
        assertThatThrownBy(() -> new RequiresPriorReader().read(Handlers.of(BadStatus.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@RequiresPrior on BadStatus.post cannot work")
                .hasMessageContaining("'2XX0'");
    }
}
