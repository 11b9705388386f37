package io.github.abuseguard.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** review123: the key binding of another method's rule stands aside for any key an applying rule binds. */
class Review123Test {

    private static final String API = "https://api.example";
    private static final String WIDGET = "https://widget.partner.example";
    private static final String OTHER_PARTNER = "https://other-partner.example";
    private static final String WIDGET_KEY = "pk_live_widget";
    private static final String OTHER_KEY = "pk_live_other";

    /**
     * F4: the widget's key (header {@code X-Partner-Key}) is bound to the widget by the write rule; the read rule
     * binds other partners' keys on its own header ({@code X-Api-Key}). A page of another partner that sends its own
     * read key beside the widget's key is let in: the read rule knows the read key, so the write rule's binding of the
     * widget's key stands aside, though no rule that applies says anything about that key. Without the read key the
     * same request is refused.
     */
    @Test
    void aKeyTheApplyingRuleKnowsDoesNotExcuseAnotherKeyItDoesNot() {
        OriginGuard guard = OriginGuard.of(List.of(
                OriginRule.builder("partner-writes")
                        .path("/api/partner/**")
                        .methods("POST", "PUT", "PATCH", "DELETE")
                        .apiKeyHeader("X-Partner-Key")
                        .bindApiKey(WIDGET_KEY, List.of(WIDGET))
                        .build(),
                OriginRule.builder("partner-reads")
                        .path("/api/partner/**")
                        .methods("GET")
                        .apiKeyHeader("X-Api-Key")
                        .bindApiKey(OTHER_KEY, List.of(OTHER_PARTNER))
                        .build()));
        try (AbuseGuard engine =
                AbuseGuard.builder().guard(guard).mode(Mode.ENFORCE).build()) {
            Evaluation alone = engine.evaluate(read(false));
            assertThat(alone.isDenied())
                    .as("the widget's key alone from another page: %s", alone)
                    .isTrue();

            int passed = 0;
            for (int i = 0; i < 5; i++) {
                if (!engine.evaluate(read(true)).isDenied()) {
                    passed++;
                }
            }

            assertThat(passed)
                    .as("reads with the widget's key from another partner's page")
                    .isZero();
        }
    }

    private static GuardRequest read(boolean withOwnReadKey) {
        GuardRequest.Builder request = GuardRequest.builder("GET", "/api/partner/orders")
                .targetOrigin(API)
                .header("Origin", OTHER_PARTNER)
                .header("Sec-Fetch-Site", "cross-site")
                .header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Dest", "empty")
                .header("X-Partner-Key", WIDGET_KEY)
                .client("198.51.100.7");
        if (withOwnReadKey) {
            request.header("X-Api-Key", OTHER_KEY);
        }
        return request.build();
    }
}
