package io.github.abuseguard.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** review122: failing tests of the findings on the origin guard's key binding off the rule's methods. */
class Review122Test {

    private static final String API = "https://api.example";
    private static final String WIDGET = "https://widget.example";
    private static final String DASHBOARD = "https://dashboard.partner.example";
    private static final String KEY = "pk_live_partner";

    /**
     * The operator binds one partner key per method: writes from the partner's widget only, reads also from the
     * partner's dashboard. A read of the dashboard with the key is let in by the read rule, which applies, and
     * refused by the write rule, which does not apply to a GET: its keyBinding checks the key against the write
     * rule's origins, and a refusal there ends the check.
     */
    @Test
    void aKeyBoundForReadsByTheRuleOfReadsIsNotRefusedByTheRuleOfWrites() {
        OriginGuard guard = OriginGuard.of(List.of(
                OriginRule.builder("partner-writes")
                        .path("/api/partner/**")
                        .methods("POST", "PUT", "PATCH", "DELETE")
                        .bindApiKey(KEY, List.of(WIDGET))
                        .build(),
                OriginRule.builder("partner-reads")
                        .path("/api/partner/**")
                        .methods("GET")
                        .bindApiKey(KEY, List.of(WIDGET, DASHBOARD))
                        .build()));
        try (AbuseGuard engine =
                AbuseGuard.builder().guard(guard).mode(Mode.ENFORCE).build()) {
            int refused = 0;
            Evaluation last = null;
            for (int i = 0; i < 5; i++) {
                last = engine.evaluate(GuardRequest.builder("GET", "/api/partner/orders")
                        .targetOrigin(API)
                        .header("Origin", DASHBOARD)
                        .header("Sec-Fetch-Site", "cross-site")
                        .header("Sec-Fetch-Mode", "cors")
                        .header("Sec-Fetch-Dest", "empty")
                        .header("X-Api-Key", KEY)
                        .client("198.51.100.7")
                        .build());
                if (last.isDenied()) {
                    refused++;
                }
            }

            assertThat(refused)
                    .as("the dashboard's reads refused, with the key the read rule binds to the dashboard: %s", last)
                    .isZero();
        }
    }
}
