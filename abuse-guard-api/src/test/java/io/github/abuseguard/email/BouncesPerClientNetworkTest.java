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
 * client network whose accepted sign-up made the site send the mail. probe22 F7: four /24s and a recipient
 * nobody submitted (counted as one more network), or five /48s of one /32, still blocked it; a network is
 * now an allocation (IPv4 /16, IPv6 /32) and a recipient nobody submitted counts for none. Defaults:
 * threshold 5, rate 0.2, window 1 h.
 */
class BouncesPerClientNetworkTest {
    private static final String SECRET = "bounce-secret-0123456789";
    private static final String DOMAIN = "smallcorp.example";

    /**
     * Client addresses of five different providers: three IPv4 /16s and two IPv6 /32s (the
     * documentation ranges of RFC 5737, RFC 3849 and RFC 9637).
     */
    private static final List<String> PROVIDERS =
            List.of("203.0.113.7", "198.51.100.7", "192.0.2.200", "2001:db8:1::7", "3fff:1:1::7");

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
        List<String> networks = PROVIDERS;
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

    /**
     * probe22 F7 (a): four networks of four different providers' sign-ups, and a bounce of an address
     * nobody submitted (a password-reset form on an unchecked route mails whatever it is given), blocked
     * the company for a day: the unknown recipient counted as a fifth network.
     */
    @Test
    void fourNetworksAndABounceOfAnAddressNobodySubmittedDoNotBlockTheDomain() {
        Site site = new Site();
        for (int i = 0; i < 4; i++) {
            site.signUp(PROVIDERS.get(i), "nobody" + i + "@" + DOMAIN);
            site.bounced("nobody" + i + "@" + DOMAIN);
        }
        site.bounced("ghost@" + DOMAIN);
        assertThat(site.refusesEmployees())
                .as("four networks and a recipient nobody submitted are four networks")
                .isFalse();
    }

    /** probe22 F7 (a) as e13 ran it: five /24s side by side, one hosting customer's, are one network. */
    @Test
    void fiveAdjacentIpv4Slash24sAreOneNetwork() {
        Site site = new Site();
        for (int i = 0; i < 5; i++) {
            site.signUp("198.18." + i + ".7", "nobody" + i + "@" + DOMAIN);
            site.bounced("nobody" + i + "@" + DOMAIN);
        }
        assertThat(site.refusesEmployees()).as("five /24s of one /16").isFalse();
    }

    /** probe22 F7 (b): five /48s of one /45 (a tunnel broker hands out /48s for free) blocked the company. */
    @Test
    void fiveIpv6Slash48sOfOneAllocationAreOneNetwork() {
        Site site = new Site();
        for (int i = 0; i < 5; i++) {
            site.signUp("2001:db8:" + i + "::7", "nobody" + i + "@" + DOMAIN);
            site.bounced("nobody" + i + "@" + DOMAIN);
        }
        assertThat(site.refusesEmployees()).as("five /48s of one /32").isFalse();
    }

    /** The address a 6to4 or Teredo client sends from stands for its IPv4 host, already counted. */
    @Test
    void anIpv6AddressEmbeddingACountedIpv4HostAddsNoNetwork() {
        Site site = new Site();
        for (int i = 0; i < 4; i++) {
            site.signUp(PROVIDERS.get(i), "nobody" + i + "@" + DOMAIN);
            site.bounced("nobody" + i + "@" + DOMAIN);
        }
        site.signUp("2002:cb00:7109::1", "nobody4@" + DOMAIN); // 6to4 of 203.0.113.9, PROVIDERS' first /16
        site.bounced("nobody4@" + DOMAIN);
        assertThat(site.refusesEmployees()).isFalse();
    }

    /** What bounce feedback is for: a throw-away domain no list knows, used from five providers' networks. */
    @Test
    void aDisposableDomainUsedFromTheThresholdOfProvidersIsStillLearned() {
        Site site = new Site();
        String fresh = "brand-new-temp.example";
        for (int i = 0; i < PROVIDERS.size(); i++) {
            assertThat(site.signUp(PROVIDERS.get(i), "bot" + i + "@" + fresh).isDenied())
                    .isFalse();
        }
        for (int i = 0; i < PROVIDERS.size(); i++) {
            site.bounced("bot" + i + "@" + fresh);
        }
        Evaluation next = site.signUp("192.0.2.77", "bot9@" + fresh);
        assertThat(next.isDenied()).isTrue();
        assertThat(next.decision().reason()).isEqualTo("disposable-email");
        assertThat(site.domains.match("x@" + fresh).source()).isEqualTo("bounce-feedback");
    }

    @Test
    void aSubmissionCountsForTheAllocationOfTheNetworkItIsRecordedWith() {
        assertThat(BounceFeedback.allocation("203.0.113.0/24")).isEqualTo("203.0.0.0/16");
        assertThat(BounceFeedback.allocation("203.0.113.7")).isEqualTo("203.0.0.0/16");
        assertThat(BounceFeedback.allocation("203.0.0.0/16")).as("idempotent").isEqualTo("203.0.0.0/16");
        assertThat(BounceFeedback.allocation("2001:db8:4:0:0:0:0:0/48")).isEqualTo("2001:db8:0:0:0:0:0:0/32");
        assertThat(BounceFeedback.allocation("session:abc"))
                .as("not an address")
                .isEqualTo("session:abc");
        assertThat(BounceFeedback.allocation("net-a/b")).isEqualTo("net-a/b");
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
    void recipientsNobodySubmittedThroughTheGuardCountForNoNetwork() {
        Site site = new Site();
        for (int i = 0; i < 20; i++) {
            site.bounced("forged-" + i + "@" + DOMAIN);
        }
        assertThat(site.refusesEmployees())
                .as("bounces of mail the guard never saw asked for")
                .isFalse();

        for (int i = 0; i < 4; i++) {
            site.signUp(PROVIDERS.get(i), "nx-" + i + "@" + DOMAIN);
            site.bounced("nx-" + i + "@" + DOMAIN);
        }
        assertThat(site.refusesEmployees())
                .as("four networks and twenty unknown recipients are four networks")
                .isFalse();

        site.signUp(PROVIDERS.get(4), "nx-4@" + DOMAIN);
        site.bounced("nx-4@" + DOMAIN);
        assertThat(site.refusesEmployees()).as("the fifth network").isTrue();
    }

    @Test
    void aSignUpTheApplicationRefusedIsNotCountedForItsNetwork() {
        Site site = new Site();
        for (int i = 0; i < 5; i++) {
            // two of the five the application refused (an address taken, a bad form): no mail went out for them
            site.signUp(PROVIDERS.get(i), "nx-" + i + "@" + DOMAIN, i < 2 ? 409 : 201);
        }
        for (int i = 0; i < 5; i++) {
            site.bounced("nx-" + i + "@" + DOMAIN);
        }
        assertThat(site.refusesEmployees()).as("three networks").isFalse();
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
            site.signUp(PROVIDERS.get(i), "nx-" + i + "@" + DOMAIN);
        }
        race(site, 4 * 25, i -> "nx-" + (i % 4) + "@" + DOMAIN);
        assertThat(site.refusesEmployees())
                .as("100 racing bounces of four networks' sign-ups are four networks")
                .isFalse();

        Site other = new Site();
        for (int i = 0; i < 5; i++) {
            other.signUp(PROVIDERS.get(i), "nx-" + i + "@" + DOMAIN);
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
