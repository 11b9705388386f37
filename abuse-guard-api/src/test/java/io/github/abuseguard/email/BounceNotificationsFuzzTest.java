package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.abuseguard.email.internal.BounceNotifications;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.SnsTestMessages;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzes the bounce-notification endpoint's reading of a body. Invariants: it never throws; it answers
 * 204, 400, 401 or 403 (never a 5xx, the certificate seam here never fails); an unsigned SNS-shaped
 * message is never accepted; what it accepts, jackson-databind (the oracle) reads as a JSON object.
 */
class BounceNotificationsFuzzTest {
    private static final String SECRET = "fuzz-shared-secret-0123";
    private static final JsonMapper ORACLE = JsonMapper.builder().build();
    private static final StateStore STORE = LocalStateStore.builder().build();
    private static final DisposableDomains DOMAINS =
            new DisposableDomains(List.of(), List.of(DomainSource.majorProviders()), STORE.bans("email:blocked"), null);
    private static final BounceNotifications NOTIFICATIONS = BounceNotifications.builder(
                    BounceFeedback.builder(STORE, DOMAINS).threshold(3).build())
            .topicArns(List.of(SnsTestMessages.TOPIC))
            .signingCertificates(url -> SnsTestMessages.certificate("sns"))
            .sharedSecret(SECRET)
            .build();

    @FuzzTest(maxDuration = "10m")
    void anyBodyIsAnsweredWithA2xxOr4xxAndNothingUnsignedIsAccepted(FuzzedDataProvider data) {
        String authorization = data.consumeBoolean() ? "Bearer " + SECRET : data.consumeString(40);
        String body = data.consumeRemainingAsString();

        BounceNotifications.Outcome outcome = NOTIFICATIONS.handle(body, authorization);

        assertThat(outcome.status()).isIn(204, 400, 401, 403);
        assertThat(outcome.detail()).isNotNull();
        if (outcome.accepted()) {
            JsonNode tree = ORACLE.readTree(body);
            assertThat(tree.isObject()).isTrue();
            assertThat(tree.has("Type"))
                    .as("an SNS message the fuzzer cannot sign")
                    .isFalse();
            assertThat(authorization).isEqualTo("Bearer " + SECRET);
        }
    }
}
