package io.github.abuseguard.email;

import static io.github.abuseguard.testing.SnsTestMessages.CERTIFICATE_URL;
import static io.github.abuseguard.testing.SnsTestMessages.json;
import static io.github.abuseguard.testing.SnsTestMessages.notification;
import static io.github.abuseguard.testing.SnsTestMessages.sesBounce;
import static io.github.abuseguard.testing.SnsTestMessages.sign;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.email.internal.BounceNotifications;
import io.github.abuseguard.email.internal.SigningCertificates;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.github.abuseguard.testing.SnsTestMessages;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * review98 F1: the certificate-fetch budget (10 new URLs a minute) was one for every sender, so forged messages naming
 * made-up certificate URLs on an SNS host spent it, and SNS's own notification, whose certificate was not cached yet
 * (after start-up, after the day's expiry, after SNS rotates its certificate), was refused 503 every minute the forger
 * kept spending it (5 of 5). Each sending network now has a share of the budget, and a URL that verified a genuine
 * message is fetched again outside it.
 */
class Review98BounceCertificateBudgetTest {
    private final FakeTimeSource clock = new FakeTimeSource();
    private final StateStore store = LocalStateStore.builder().timeSource(clock).build();
    private final DisposableDomains domains =
            new DisposableDomains(List.of(), List.of(DomainSource.majorProviders()), store.bans("email:blocked"), null);
    private final BounceFeedback feedback =
            BounceFeedback.builder(store, domains).threshold(2).maxRate(0.5).build();
    private final SigningCertificates certificates = url -> {
        if (url.equals(CERTIFICATE_URL)) {
            return SnsTestMessages.certificate("sns");
        }
        throw new IOException("404");
    };
    private final BounceNotifications notifications = BounceNotifications.builder(feedback)
            .topicArns(List.of(SnsTestMessages.TOPIC))
            .signingCertificates(certificates)
            .timeSource(clock)
            .build();
    private int ids;

    private Map<String, String> fresh(String sesMessage) {
        return notification(sesMessage, clock.instant(), "msg-" + ids++);
    }

    private int sendForged(int minute, int count, String network) {
        for (int i = 0; i < count; i++) {
            Map<String, String> forged = sign(fresh(sesBounce("Permanent", "a@x.example")), "attacker");
            forged.put(
                    "SigningCertURL",
                    "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-" + minute + "x" + network + "x" + i
                            + ".pem");
            notifications.handle(json(forged), null, network + "." + (i % 250 + 1));
        }
        return count;
    }

    private int genuine(String sender) {
        return notifications
                .handle(json(sign(fresh(sesBounce("Permanent", "a@fresh-temp.example")), "sns")), null, sender)
                .status();
    }

    /** One forger's network spends its own share of the fetches of new URLs, not every sender's. */
    @Test
    void forgedCertificateUrlsFromOneNetworkDoNotLockSnsOwnNotificationsOut() {
        int refused = 0;
        for (int minute = 0; minute < 5; minute++) {
            sendForged(minute, 40, "203.0.113");
            if (genuine("54.240.197." + (minute + 1)) != 204) {
                refused++;
            }
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(refused)
                .as("genuine SNS notifications refused over 5 minutes, 1 a minute")
                .isZero();
    }

    /**
     * A certificate URL that verified a genuine message is fetched again when its day's copy expires, whatever the
     * budgets: a forger with many networks who spends the endpoint's whole budget each minute does not keep SNS out
     * once a day.
     */
    @Test
    void aCertificateUrlThatVerifiedBeforeIsFetchedAgainOutsideTheBudget() {
        assertThat(genuine("54.240.197.1"))
                .as("the first fetch, the budget untouched")
                .isEqualTo(204);
        clock.advance(Duration.ofDays(1).plusMinutes(1)); // the fetched copy has expired
        for (int network = 0; network < 40; network++) {
            sendForged(0, 3, "198.51." + network);
        }
        assertThat(genuine("54.240.197.2"))
                .as("its certificate fetched again, though 120 forged URLs spent the minute's budget")
                .isEqualTo(204);
    }
}
