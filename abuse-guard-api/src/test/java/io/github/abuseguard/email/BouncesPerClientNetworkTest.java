package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.email.internal.BounceNotifications;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * probe21 F5: the recipients of a bounce are whatever a client typed into a sign-up form, so five sign-ups
 * with made-up mailboxes at a company's domain blocked the company for a day. A bounce now counts once per
 * client network (IPv4 /24, IPv6 /48) whose accepted sign-up made the site send the mail, and a recipient
 * nobody submitted through the guard counts as one network. Defaults: threshold 5, rate 0.2, window 1 h.
 */
class BouncesPerClientNetworkTest {
    private static final String SECRET = "bounce-secret-0123456789";
    private static final String DOMAIN = "smallcorp.example";

    private final FakeTimeSource clock = new FakeTimeSource();
    private final ExecutorService threads = Executors.newFixedThreadPool(8);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** An application with the e-mail guard on its sign-up route and bounce notifications. */
    private final class Site {
        final StateStore store;
        final DisposableDomains domains;
        final BounceFeedback feedback;
        final AbuseGuard engine;
        final BounceNotifications notifications;

        Site(StateStore store) {
            this.store = store;
            this.domains = new DisposableDomains(
                    List.of(DomainSource.bundled()),
                    List.of(DomainSource.majorProviders()),
                    store.bans("email:blocked"),
                    null);
            this.feedback = BounceFeedback.builder(store, domains).build();
            this.engine = AbuseGuard.builder()
                    .timeSource(clock)
                    .guard(DisposableEmailGuard.of(
                            domains,
                            List.of(EmailRule.builder("sign-up")
                                    .path("/api/accounts")
                                    .build()),
                            feedback))
                    .build();
            this.notifications = BounceNotifications.builder(feedback)
                    .sharedSecret(SECRET)
                    .timeSource(clock)
                    .build();
        }

        Site() {
            this(LocalStateStore.builder().timeSource(clock).build());
        }

        /** A sign-up the application answers {@code status} when the guard lets it through. */
        Evaluation signUp(String client, String address, int status) {
            GuardRequest request = GuardRequest.builder("POST", "/api/accounts")
                    .client(client)
                    .body("application/json", "{\"email\":\"" + address + "\"}")
                    .build();
            Evaluation evaluation = engine.evaluate(request);
            if (!evaluation.isDenied()) {
                engine.complete(request, evaluation, status);
            }
            return evaluation;
        }

        Evaluation signUp(String client, String address) {
            return signUp(client, address, 201);
        }

        /** The mail provider reports that mail to the address bounced (generic shape). */
        void bounced(String address) {
            BounceNotifications.Outcome outcome = notifications.handle(
                    "{\"type\":\"bounce\",\"recipients\":[\"" + address + "\"]}", "Bearer " + SECRET);
            assertThat(outcome.recorded()).isEqualTo(1);
        }

        boolean refusesEmployees() {
            boolean refused = false;
            for (String who : List.of("ceo", "cto", "jane.doe")) {
                Evaluation employee = signUp("192.0.2." + who.length(), who + "@" + DOMAIN);
                if (employee.isDenied()) {
                    assertThat(employee.decision().status()).isEqualTo(422);
                    assertThat(employee.decision().reason()).isEqualTo("disposable-email");
                    refused = true;
                }
            }
            return refused;
        }
    }

    @Test
    void fiveBouncedSignUpsFromOneClientDoNotBlockTheirDomain() {
        Site site = new Site();
        assertThat(site.refusesEmployees()).isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(site.signUp("203.0.113.7", "nx-" + i + "@" + DOMAIN).isDenied())
                    .isFalse();
            site.bounced("nx-" + i + "@" + DOMAIN);
        }
        assertThat(site.refusesEmployees())
                .as("one client's made-up mailboxes at a company's domain do not block the company")
                .isFalse();
    }

    @Test
    void bouncedSignUpsFromTheThresholdOfDifferentNetworksStillBlockTheDomain() {
        Site site = new Site();
        List<String> networks = List.of("203.0.113.7", "198.51.100.7", "192.0.2.200", "2001:db8:1::7", "2001:db8:2::7");
        for (int i = 0; i < networks.size(); i++) {
            site.signUp(networks.get(i), "nx-" + i + "@" + DOMAIN);
        }
        for (int i = 0; i < 4; i++) {
            site.bounced("nx-" + i + "@" + DOMAIN);
        }
        assertThat(site.refusesEmployees()).as("four networks are one short").isFalse();

        site.bounced("NX-4@SmallCorp.example.");
        assertThat(site.refusesEmployees())
                .as("a fresh domain whose mail bounces for five networks' sign-ups is blocked")
                .isTrue();
        assertThat(site.domains.match("x@" + DOMAIN).source()).isEqualTo("bounce-feedback");

        clock.advance(Duration.ofDays(1).plusMinutes(1));
        assertThat(site.refusesEmployees()).as("for bounce-block-for").isFalse();
    }

    @Test
    void addressesRotatedWithinOneIpv4Slash24OrOneIpv6Slash48AreOneNetwork() {
        Site site = new Site();
        for (int i = 0; i < 6; i++) {
            site.signUp("203.0.113." + (10 + i), "v4-" + i + "@" + DOMAIN);
            // a different /64 each time, all of one /48
            site.signUp("2001:db8:77:" + i + "::1", "v6-" + i + "@" + DOMAIN);
        }
        for (int i = 0; i < 6; i++) {
            site.bounced("v4-" + i + "@" + DOMAIN);
            site.bounced("v6-" + i + "@" + DOMAIN);
        }
        assertThat(site.refusesEmployees()).isFalse();
    }

    @Test
    void aRecipientBouncedAgainAndAgainCountsOnce() {
        Site site = new Site();
        site.signUp("203.0.113.7", "nx@" + DOMAIN);
        for (int i = 0; i < 20; i++) {
            site.bounced("nx@" + DOMAIN);
        }
        assertThat(site.refusesEmployees()).isFalse();
    }

    @Test
    void recipientsNobodySubmittedThroughTheGuardCountAsOneNetwork() {
        Site site = new Site();
        for (int i = 0; i < 20; i++) {
            site.bounced("forged-" + i + "@" + DOMAIN);
        }
        assertThat(site.refusesEmployees())
                .as("bounces of mail the guard never saw asked for")
                .isFalse();

        for (int i = 0; i < 4; i++) {
            site.signUp("198.51." + i + ".9", "nx-" + i + "@" + DOMAIN);
            site.bounced("nx-" + i + "@" + DOMAIN);
        }
        assertThat(site.refusesEmployees())
                .as("four networks and the unknown one make five")
                .isTrue();
    }

    @Test
    void aSignUpTheApplicationRefusedIsNotCountedForItsNetwork() {
        Site site = new Site();
        for (int i = 0; i < 5; i++) {
            // two of the five the application refused (an address taken, a bad form): no mail went out for them
            site.signUp("198.51." + i + ".9", "nx-" + i + "@" + DOMAIN, i < 2 ? 409 : 201);
        }
        for (int i = 0; i < 5; i++) {
            site.bounced("nx-" + i + "@" + DOMAIN);
        }
        assertThat(site.refusesEmployees())
                .as("three networks and the unknown one make four")
                .isFalse();
    }

    @Test
    void floodingTheRememberedSubmissionsMakesBouncesUnknownNeverMoreNetworks() {
        Site site = new Site(
                LocalStateStore.builder().timeSource(clock).maximumKeys(50).build());
        for (int i = 0; i < 5; i++) {
            site.signUp("203.0.113.7", "nx-" + i + "@" + DOMAIN);
        }
        for (int i = 0; i < 500; i++) { // pushes the five out of the bounded store
            site.signUp("203.0.113.7", "filler-" + i + "@flood.example");
        }
        for (int i = 0; i < 5; i++) {
            site.bounced("nx-" + i + "@" + DOMAIN);
        }
        assertThat(site.refusesEmployees()).isFalse();
    }

    @Test
    void racingBouncesCountEachNetworkExactlyOnce() throws Exception {
        Site site = new Site();
        for (int i = 0; i < 4; i++) {
            site.signUp("198.51." + i + ".9", "nx-" + i + "@" + DOMAIN);
        }
        race(site, 4 * 25, i -> "nx-" + (i % 4) + "@" + DOMAIN);
        assertThat(site.refusesEmployees())
                .as("100 racing bounces of four networks' sign-ups are four networks")
                .isFalse();

        Site other = new Site();
        for (int i = 0; i < 5; i++) {
            other.signUp("198.51." + i + ".9", "nx-" + i + "@" + DOMAIN);
        }
        race(other, 5, i -> "nx-" + i + "@" + DOMAIN);
        assertThat(other.refusesEmployees())
                .as("five racing bounces of five networks' sign-ups block")
                .isTrue();
    }

    private void race(Site site, int bounces, java.util.function.IntFunction<String> recipient) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < bounces; i++) {
            String address = recipient.apply(i);
            done.add(threads.submit(() -> {
                start.await();
                site.bounced(address);
                return null;
            }));
        }
        start.countDown();
        for (Future<?> bounce : done) {
            bounce.get(30, TimeUnit.SECONDS);
        }
    }
}
