package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * probe48e F5, F7: the e-mail guard's decisions named their rule {@code field:source:entry}, so a live switch of
 * one of its rules by name was accepted and changed nothing, and each domain took a row of the rollout report.
 * They name the rule.
 */
class EmailRuleSwitchTest {
    private final AbuseGuard engine = AbuseGuard.builder()
            .guard(DisposableEmailGuard.of(
                    DisposableDomains.bundled(),
                    List.of(EmailRule.builder("sign-up").path("/api/accounts").build())))
            .build();

    private boolean refused(String address) {
        return engine.evaluate(GuardRequest.builder("POST", "/api/accounts")
                        .body("application/json", "{\"email\":\"" + address + "\"}")
                        .build())
                .isDenied();
    }

    @Test
    void aRuleSwitchedToMonitorByNameOnlyReports() {
        assertThat(refused("x@mailinator.com")).isTrue();

        engine.switchMode("disposable-email", "sign-up", Mode.MONITOR);
        assertThat(refused("x@mailinator.com")).isFalse();
        assertThat(refused("x@yopmail.com")).isFalse();

        engine.clearMode("disposable-email", "sign-up");
        assertThat(refused("x@yopmail.com")).isTrue();
    }
}
