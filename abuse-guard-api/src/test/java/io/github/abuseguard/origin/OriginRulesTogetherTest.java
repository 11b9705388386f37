package io.github.abuseguard.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** review77: every matching origin rule applies (53f52477); what the combination loses. */
class OriginRulesTogetherTest {

    private static final String SELF = "https://shop.example";

    /**
     * An enforced rule's missing-origin flag is dropped when another matching rule, put in monitor mode (to try a
     * stricter policy), would refuse the same request: the monitored would-be denial is reported in its place, so the
     * risk score no longer reaches the threshold. Before 53f52477 the first rule (the enforced one) decided and the
     * request was refused; adding a rule in monitor mode must not weaken an enforced one.
     */
    @Test
    void aMonitoredRuleDoesNotHideAnEnforcedRulesFlag() {
        OriginGuard guard = OriginGuard.of(List.of(
                OriginRule.builder("enforced")
                        .path("/api/**")
                        .missing(MissingOriginPolicy.FLAG, 60)
                        .build(),
                OriginRule.builder("trial")
                        .path("/api/**")
                        .missing(MissingOriginPolicy.REJECT, 1)
                        .build()));
        try (AbuseGuard engine =
                AbuseGuard.builder().guard(guard).riskThreshold(50).build()) {
            engine.switchMode(OriginGuard.NAME, "trial", Mode.MONITOR);
            GuardRequest noOrigin = GuardRequest.builder("POST", "/api/orders")
                    .targetOrigin(SELF)
                    .client("198.51.100.7")
                    .build();
            assertThat(engine.evaluate(noOrigin).isDenied())
                    .as("the enforced rule's flag of 60 against a threshold of 50, beside a monitored rule")
                    .isTrue();
        }
    }

    /**
     * A tarpit (which under tarpit.then: pass lets the request reach the application after its delay) on a broad
     * rule returns at once, so a narrower rule that rejects the same origin on its route is never asked. The engine
     * answers a later guard's refusal instead of a tarpit (README: "their refusal is answered instead of the
     * tarpit"); inside the origin guard a matching rule's refusal should win the same way.
     */
    @Test
    void aBroadRulesTarpitDoesNotSkipANarrowRulesRejection() {
        OriginGuard guard = OriginGuard.of(List.of(
                OriginRule.builder("api")
                        .path("/api/**")
                        .allowOrigin("https://partner.example")
                        .action(Action.TARPIT)
                        .build(),
                OriginRule.builder("transform-own-only").path("/api/transform").build()));
        Decision decision = guard.check(GuardRequest.builder("POST", "/api/transform")
                .targetOrigin(SELF)
                .header("Origin", "https://clone.example")
                .build());
        assertThat(decision.isDeny()).isTrue();
        assertThat(decision.action())
                .as("the narrow rule rejects the clone; the broad rule's tarpit may pass it on after the delay")
                .isEqualTo(Action.REJECT);
    }
}
