package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every e-mail rule of a route is checked: a sign-up that takes an address and a recovery address has a
 * rule for each, and a clean first address must not carry a throw-away second one past the guard (the
 * guard had stopped at the first rule that applied).
 */
class EveryRuleOfARouteTest {

    private final DisposableEmailGuard guard = DisposableEmailGuard.of(
            new DisposableDomains(List.of(DomainSource.bundled()), List.of(DomainSource.majorProviders()), null),
            List.of(
                    EmailRule.builder("address")
                            .path("/api/accounts")
                            .field("/email")
                            .build(),
                    EmailRule.builder("recovery")
                            .path("/api/accounts")
                            .field("/recovery")
                            .build()));

    private Decision signUp(String email, String recovery) {
        return guard.check(GuardRequest.builder("POST", "/api/accounts")
                .body("application/json", "{\"email\":\"" + email + "\",\"recovery\":\"" + recovery + "\"}")
                .build());
    }

    @Test
    void aThrowAwayRecoveryAddressBesideACleanAddressIsRefused() {
        Decision decision = signUp("ann@example.com", "ann@mailinator.com");
        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.DENY);
        assertThat(decision.reason()).isEqualTo("disposable-email");
    }

    @Test
    void twoCleanAddressesPass() {
        assertThat(signUp("ann@example.com", "ann@example.org").outcome()).isEqualTo(Decision.Outcome.ALLOW);
    }
}
