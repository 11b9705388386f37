package io.github.abuseguard.email;

import static io.github.abuseguard.testing.SnsTestMessages.CERTIFICATE_URL;
import static io.github.abuseguard.testing.SnsTestMessages.json;
import static io.github.abuseguard.testing.SnsTestMessages.notification;
import static io.github.abuseguard.testing.SnsTestMessages.sesBounce;
import static io.github.abuseguard.testing.SnsTestMessages.sesComplaint;
import static io.github.abuseguard.testing.SnsTestMessages.sesDelivery;
import static io.github.abuseguard.testing.SnsTestMessages.sign;
import static io.github.abuseguard.testing.SnsTestMessages.subscription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.email.internal.BounceNotifications;
import io.github.abuseguard.email.internal.SigningCertificates;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import io.github.abuseguard.testing.SnsTestMessages;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BounceNotificationsTest {
    private static final String SECRET = "s3cret-s3cret-s3cret";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final StateStore store = LocalStateStore.builder().timeSource(clock).build();
    private final DisposableDomains domains =
            new DisposableDomains(List.of(), List.of(DomainSource.majorProviders()), store.bans("email:blocked"), null);
    private final BounceFeedback feedback =
            BounceFeedback.builder(store, domains).threshold(2).maxRate(0.5).build();
    private final List<URI> fetched = new ArrayList<>();
    private final List<URI> confirmed = new ArrayList<>();
    private final SigningCertificates certificates = url -> {
        fetched.add(url);
        if (url.equals(CERTIFICATE_URL)) {
            return SnsTestMessages.certificate("sns");
        }
        throw new IOException("404");
    };
    private final BounceNotifications notifications = BounceNotifications.builder(feedback)
            .topicArns(List.of(SnsTestMessages.TOPIC))
            .signingCertificates(certificates)
            .sharedSecret(SECRET)
            .timeSource(clock)
            .build();
    private int ids;

    /** Sign-ups of the addresses through the e-mail guard, each from a network (an IPv4 /16) of its own. */
    private void signedUp(String... addresses) {
        for (String address : addresses) {
            feedback.recordSubmission(address, "198." + ids++ + ".100.0/24");
        }
    }

    private Map<String, String> fresh(String sesMessage) {
        return notification(sesMessage, clock.instant(), "msg-" + ids++);
    }

    @ParameterizedTest(name = "signature version {0}")
    @ValueSource(strings = {"1", "2"})
    void signedPermanentBouncesFromTheTopicBlockTheDomain(String version) {
        signedUp("a@fresh-temp.example", "b@fresh-temp.example");
        Map<String, String> first = fresh(sesBounce("Permanent", "a@fresh-temp.example", "b@fresh-temp.example"));
        first.put("SignatureVersion", version);
        BounceNotifications.Outcome outcome = notifications.handle(json(sign(first, "sns")), null);

        assertThat(outcome.status()).isEqualTo(204);
        assertThat(outcome.recorded()).isEqualTo(2);
        assertThat(domains.match("c@fresh-temp.example").source()).isEqualTo("bounce-feedback");
        assertThat(fetched).containsExactly(CERTIFICATE_URL);
    }

    @Test
    void aSubjectIsPartOfTheSignedText() {
        Map<String, String> message = fresh(sesBounce("Permanent", "a@fresh-temp.example"));
        message.put("Subject", "Amazon SES Email Event Notification");
        sign(message, "sns");
        assertThat(notifications.handle(json(message), null).status()).isEqualTo(204);

        Map<String, String> altered = fresh(sesBounce("Permanent", "a@fresh-temp.example"));
        altered.put("Subject", "original");
        sign(altered, "sns");
        altered.put("Subject", "altered");
        assertThat(notifications.handle(json(altered), null).status()).isEqualTo(403);
    }

    @Test
    void transientBouncesAndComplaintsAndDeliveriesAreCountedAsWhatTheyAre() {
        assertThat(notifications
                        .handle(json(sign(fresh(sesBounce("Transient", "a@busy.example")), "sns")), null)
                        .recorded())
                .isZero();
        notifications.handle(json(sign(fresh(sesDelivery("a@busy.example", "b@busy.example")), "sns")), null);
        notifications.handle(json(sign(fresh(sesComplaint("c@busy.example")), "sns")), null);
        assertThat(feedback.bounceRates()).containsEntry("busy.example", 1.0 / 3);
    }

    /**
     * probe64e F2: an unsigned message naming the trusted topic and a SigningCertURL on an SNS host with a query of
     * its own made the endpoint fetch a certificate per message (the cache is keyed by the whole URL, and a failed
     * fetch is not remembered), each a WARN line: 200 forged POSTs to the demo, 200 outbound fetches and 200 WARN
     * lines. SNS's certificate URLs carry no query, and a URL that failed is not fetched again at once.
     */
    @Test
    void forgedMessagesCannotMakeTheEndpointFetchACertificatePerMessage() {
        for (int i = 0; i < 20; i++) {
            Map<String, String> forged = sign(fresh(sesBounce("Permanent", "a@x.example")), "attacker");
            forged.put("SigningCertURL", CERTIFICATE_URL + "?r=" + i);
            notifications.handle(json(forged), null);
        }
        for (int i = 0; i < 20; i++) {
            Map<String, String> forged = sign(fresh(sesBounce("Permanent", "a@x.example")), "attacker");
            forged.put("SigningCertURL", "https://sns.eu-west-1.amazonaws.com/missing.pem");
            notifications.handle(json(forged), null);
        }
        assertThat(fetched)
                .as("certificate fetches caused by 40 forged messages")
                .hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void aForgedSignatureIsRefusedAndCountsNothing() {
        Map<String, String> forged =
                sign(fresh(sesBounce("Permanent", "ceo@rival.example", "cfo@rival.example")), "attacker");
        assertThat(notifications.handle(json(forged), null).status()).isEqualTo(403);

        Map<String, String> tampered = sign(fresh(sesBounce("Permanent", "a@fresh-temp.example")), "sns");
        tampered.put("Message", sesBounce("Permanent", "ceo@rival.example", "cfo@rival.example"));
        assertThat(notifications.handle(json(tampered), null).status()).isEqualTo(403);

        assertThat(feedback.bounceRates()).isEmpty();
        assertThat(domains.isDisposable("x@rival.example")).isFalse();
    }

    @Test
    void aMessageSignedByAnotherTopicIsRefusedEvenWithAValidSignature() {
        Map<String, String> foreign = fresh(sesBounce("Permanent", "a@rival.example"));
        foreign.put("TopicArn", "arn:aws:sns:eu-west-1:999999999999:attackers-own-topic");
        assertThat(notifications.handle(json(sign(foreign, "sns")), null).status())
                .isEqualTo(403);

        BounceNotifications noTopics = BounceNotifications.builder(feedback)
                .signingCertificates(certificates)
                .timeSource(clock)
                .build();
        assertThat(noTopics.handle(json(sign(fresh(sesBounce("Permanent", "a@rival.example")), "sns")), null)
                        .status())
                .as("without configured topics, SNS is off")
                .isEqualTo(403);
        assertThat(fetched).as("no certificate is fetched for a foreign topic").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "http://sns.eu-west-1.amazonaws.com/cert.pem",
                "https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem",
                "https://evil.example/sns.eu-west-1.amazonaws.com/cert.pem",
                "https://sns.eu-west-1.amazonaws.com@evil.example/cert.pem",
                "https://user@sns.eu-west-1.amazonaws.com/cert.pem",
                "https://sns.eu-west-1.amazonaws.com:8443/cert.pem",
                "https://sns.eu-west-1.amazonaws.com/cert.txt",
                "file:///etc/passwd"
            })
    void certificatesAreFetchedOnlyFromHttpsSnsHosts(String url) {
        Map<String, String> message = fresh(sesBounce("Permanent", "a@fresh-temp.example"));
        message.put("SigningCertURL", url);
        assertThat(notifications.handle(json(sign(message, "sns")), null).status())
                .isEqualTo(403);
        assertThat(fetched).isEmpty();
    }

    @Test
    void aReplayedMessageIsCountedOnceAndAStaleOneNotAtAll() {
        String once = json(sign(fresh(sesBounce("Permanent", "a@fresh-temp.example")), "sns"));
        assertThat(notifications.handle(once, null).recorded()).isEqualTo(1);
        BounceNotifications.Outcome again = notifications.handle(once, null);
        assertThat(again.status()).isEqualTo(204);
        assertThat(again.recorded()).isZero();
        assertThat(domains.isDisposable("x@fresh-temp.example")).isFalse();

        String old = json(sign(fresh(sesBounce("Permanent", "b@fresh-temp.example")), "sns"));
        clock.advance(Duration.ofHours(2));
        assertThat(notifications.handle(old, null).status()).isEqualTo(400);
    }

    @Test
    void anUnreachableCertificateIsA503SoSnsRetries() {
        BounceNotifications offline = BounceNotifications.builder(feedback)
                .topicArns(List.of(SnsTestMessages.TOPIC))
                .signingCertificates(url -> {
                    throw new IOException("connect timed out");
                })
                .timeSource(clock)
                .build();
        assertThat(offline.handle(json(sign(fresh(sesBounce("Permanent", "a@x.example")), "sns")), null)
                        .status())
                .isEqualTo(503);
    }

    @Test
    void subscriptionsAreConfirmedOnlyWhenEnabledAndOnlyAtAnSnsHost() {
        String url = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=abc";
        BounceNotifications.Outcome off =
                notifications.handle(json(sign(subscription(url, clock.instant(), "sub-1"), "sns")), null);
        assertThat(off.status()).isEqualTo(204);
        assertThat(confirmed).isEmpty();

        BounceNotifications confirming = BounceNotifications.builder(feedback)
                .topicArns(List.of(SnsTestMessages.TOPIC))
                .signingCertificates(certificates)
                .confirmSubscriptions(confirmed::add)
                .timeSource(clock)
                .build();
        assertThat(confirming
                        .handle(
                                json(sign(subscription("https://evil.example/steal", clock.instant(), "sub-2"), "sns")),
                                null)
                        .status())
                .isEqualTo(403);
        assertThat(confirming
                        .handle(json(sign(subscription(url, clock.instant(), "sub-3"), "attacker")), null)
                        .status())
                .isEqualTo(403);
        assertThat(confirmed).isEmpty();
        assertThat(confirming
                        .handle(json(sign(subscription(url, clock.instant(), "sub-4"), "sns")), null)
                        .status())
                .isEqualTo(204);
        assertThat(confirmed).containsExactly(URI.create(url));
    }

    @Test
    void theGenericShapeNeedsTheSharedSecret() {
        String body = "{\"type\":\"bounce\",\"recipients\":[\"a@generic-temp.example\",\"b@generic-temp.example\"]}";
        assertThat(notifications.handle(body, null).status()).isEqualTo(401);
        assertThat(notifications
                        .handle(body, "Bearer wrong-secret-wrong-secret")
                        .status())
                .isEqualTo(401);
        assertThat(notifications.handle(body, "Basic " + SECRET).status()).isEqualTo(401);
        assertThat(domains.isDisposable("x@generic-temp.example")).isFalse();

        signedUp("a@generic-temp.example", "b@generic-temp.example");
        assertThat(notifications.handle(body, "Bearer " + SECRET).recorded()).isEqualTo(2);
        assertThat(domains.isDisposable("x@generic-temp.example")).isTrue();

        BounceNotifications noSecret = BounceNotifications.builder(feedback).build();
        assertThat(noSecret.handle(body, "Bearer anything-at-all-here").status())
                .isEqualTo(403);
    }

    @Test
    void aShortSecretIsRefusedAtStartUp() {
        assertThatThrownBy(() -> BounceNotifications.builder(feedback).sharedSecret("short"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16");
    }

    @ParameterizedTest(name = "body [{0}]")
    @ValueSource(
            strings = {
                "",
                "not json",
                "[]",
                "{\"type\":\"bounce\"",
                "{\"type\":\"bounce\",\"recipients\":\"a@b.example\"}",
                "{\"type\":\"bounce\",\"recipients\":[1,2]}",
                "{\"type\":7,\"recipients\":[]}",
                "{\"type\":\"explode\",\"recipients\":[]}",
                "{\"type\":\"bounce\",\"type\":\"delivery\",\"recipients\":[]}",
                "{\"Type\":\"Notification\"}",
                "{\"Type\":\"Notification\",\"MessageId\":1}",
                "{\"Type\":[],\"MessageId\":\"x\"}",
                "{\"Type\":\"Nonsense\",\"MessageId\":\"x\"}",
                "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
                "{} {}"
            })
    void malformedBodiesAre400s(String body) {
        BounceNotifications.Outcome outcome = notifications.handle(body, "Bearer " + SECRET);
        assertThat(outcome.status()).isEqualTo(400);
        assertThat(outcome.detail()).isNotBlank();
    }

    @Test
    void malformedSnsFieldsAre400sBeforeAnyCertificateIsFetched() {
        Map<String, String> badVersion = fresh(sesBounce("Permanent", "a@x.example"));
        badVersion.put("SignatureVersion", "3");
        Map<String, String> badTime = fresh(sesBounce("Permanent", "a@x.example"));
        badTime.put("Timestamp", "yesterday");
        Map<String, String> badSignature = fresh(sesBounce("Permanent", "a@x.example"));
        badSignature.put("Signature", "%%% not base64 %%%");
        for (Map<String, String> message : List.of(badVersion, badTime, badSignature)) {
            message.putIfAbsent("Signature", "AAAA");
            assertThat(notifications.handle(json(message), null).status()).isEqualTo(400);
        }
        assertThat(fetched).isEmpty();
    }

    @Test
    void aSignedMessageThatIsNoSesNotificationIs400() {
        assertThat(notifications.handle(json(sign(fresh("hello"), "sns")), null).status())
                .isEqualTo(400);
        assertThat(notifications
                        .handle(json(sign(fresh("{\"notificationType\":\"Bounce\",\"bounce\":[]}"), "sns")), null)
                        .status())
                .isEqualTo(400);
        assertThat(notifications
                        .handle(json(sign(fresh("{\"notificationType\":\"Received\"}"), "sns")), null)
                        .status())
                .isEqualTo(204);
    }

    @Test
    void tooManyRecipientsAre400() {
        String[] many = new String[BounceNotifications.MAX_RECIPIENTS + 1];
        for (int i = 0; i < many.length; i++) {
            many[i] = "r" + i + "@x.example";
        }
        assertThat(notifications
                        .handle(json(sign(fresh(sesBounce("Permanent", many)), "sns")), null)
                        .status())
                .isEqualTo(400);
    }

    @Test
    void anExpiredCertificateDoesNotVerify() {
        FakeTimeSource farFuture = new FakeTimeSource();
        farFuture.advance(Duration.between(farFuture.instant(), Instant.parse("2130-01-01T00:00:00Z")));
        BounceNotifications later = BounceNotifications.builder(feedback)
                .topicArns(List.of(SnsTestMessages.TOPIC))
                .signingCertificates(certificates)
                .timeSource(farFuture)
                .build();
        Map<String, String> message = notification(sesBounce("Permanent", "a@x.example"), farFuture.instant(), "m");
        assertThat(later.handle(json(sign(message, "sns")), null).status()).isEqualTo(403);
    }

    // review98 F1: the certificate-fetch budget (10 new URLs a minute) was one for every sender, so forged messages
    // naming made-up certificate URLs on an SNS host spent it, and SNS's own notification, whose certificate was not
    // cached yet, was refused 503 every minute the forger kept spending it (5 of 5). Each sending network now has a
    // share of the budget, and a URL that verified a genuine message is fetched again outside it.

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
