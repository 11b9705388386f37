package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class MailServerLearningTest {
    /** A DNS that answers only when the test says so. */
    private static final class FakeDns implements MxResolver {
        final Map<String, List<String>> records = new HashMap<>();
        final Map<String, CompletableFuture<List<String>>> pending = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        @Override
        public CompletableFuture<List<String>> mailHosts(String domain) {
            asked.add(domain);
            CompletableFuture<List<String>> answer = new CompletableFuture<>();
            pending.put(domain, answer);
            return answer;
        }

        void answerAll() {
            pending.forEach((domain, answer) -> answer.complete(records.getOrDefault(domain, List.of())));
        }
    }

    private final FakeDns dns = new FakeDns();
    private final FakeTimeSource clock = new FakeTimeSource();
    private final StateStore store = LocalStateStore.builder().timeSource(clock).build();

    private DisposableDomains domains(List<String> knownHosts, List<String> listed) {
        return new DisposableDomains(
                List.of(DomainSource.of("test", DomainList.of(listed))),
                List.of(DomainSource.majorProviders()),
                store.bans("email:blocked"),
                new MxCheck(dns, Duration.ZERO, 1_000, Duration.ofHours(1), knownHosts));
    }

    @Test
    void aFreshDomainOnTheMailServerOfAListedDomainIsCaughtOnceThatServerIsLearned() {
        // the server serves listed domains of three different owners: a temp-mail service's
        List<String> listed = List.of("temp-mail-one.example", "temp-mail-two.example", "temp-mail-three.example");
        for (String domain : listed) {
            dns.records.put(domain, List.of("mx.tempmail-infra.example."));
        }
        dns.records.put("brand-new-temp.example", List.of("MX.TEMPMAIL-INFRA.EXAMPLE"));
        DisposableDomains domains = domains(List.of(), listed);

        assertThat(domains.match("bot@brand-new-temp.example"))
                .as("nothing learned yet")
                .isNull();
        assertThat(domains.match("bot@x.temp-mail-one.example").source()).isEqualTo("test");
        assertThat(dns.asked)
                .as("the listed entry is looked up, not the subdomain")
                .contains("temp-mail-one.example");
        dns.answerAll();
        assertThat(domains.mxCheck().learnedHosts())
                .as("one listed domain on a server of another owner may be a forwarder's customer")
                .isEmpty();
        domains.match("bot@temp-mail-two.example");
        domains.match("bot@temp-mail-three.example");
        dns.answerAll();

        assertThat(domains.mxCheck().learnedHosts()).containsExactly("mx.tempmail-infra.example");
        assertThat(domains.match("bot@brand-new-temp.example"))
                .isEqualTo(new DisposableDomains.Match("brand-new-temp.example", "mx.tempmail-infra.example", "mx"));
    }

    @Test
    void aMailServerBesideTheListedDomainUnderOneRegisteredDomainIsNotLearnedAtOnce() {
        // told without a public suffix list, evil.eu.org and mx.victim.eu.org share the registered domain eu.org: a
        // listed domain there must not teach a neighbour's mail server as its own
        dns.records.put("evil.eu.org", List.of("mx.victim.eu.org"));
        dns.records.put("victims-shop.example", List.of("mx.victim.eu.org"));
        DisposableDomains domains = domains(List.of(), List.of("evil.eu.org"));

        domains.match("bot@evil.eu.org");
        dns.answerAll();
        assertThat(domains.mxCheck().learnedHosts()).isEmpty();
        domains.match("ann@victims-shop.example");
        dns.answerAll();
        assertThat(domains.match("ann@victims-shop.example")).isNull();
    }

    @Test
    void aListedDomainOnAForwarderOrAHostingCompanyTeachesNothingAndItsCustomersSignUp() {
        // probe57a F1: a throw-away domain routed through Cloudflare Email Routing, ImprovMX or a shared hosting
        // server taught the check to refuse every domain that server forwards for
        Map<String, String> forwarders = Map.of(
                "temp-on-cloudflare.example", "route1.mx.cloudflare.net",
                "temp-on-improvmx.example", "mx1.improvmx.com",
                "temp-on-forwardemail.example", "mx1.forwardemail.net",
                "temp-on-titan.example", "mx1.titan.email",
                "temp-on-ionos.example", "mx00.ionos.com",
                "temp-on-shared-server.example", "server123.small-host.example");
        forwarders.forEach((domain, host) -> dns.records.put(domain, List.of(host)));
        forwarders.forEach((domain, host) -> dns.records.put("customer-of-" + domain, List.of(host)));
        DisposableDomains domains = new DisposableDomains(
                List.of(DomainSource.of("test", DomainList.of(forwarders.keySet()))),
                List.of(DomainSource.majorProviders()),
                List.of(DomainSource.sharedMailHosts()),
                store.bans("email:blocked"),
                new MxCheck(dns, Duration.ZERO, 1_000, Duration.ofHours(1), List.of()));

        for (String domain : forwarders.keySet()) {
            assertThat(domains.match("bot@" + domain)).isNotNull();
        }
        dns.answerAll();
        assertThat(domains.mxCheck().learnedHosts()).isEmpty();
        for (String domain : forwarders.keySet()) {
            domains.match("ann@customer-of-" + domain);
        }
        dns.answerAll();
        for (String domain : forwarders.keySet()) {
            assertThat(domains.match("ann@customer-of-" + domain))
                    .as("a customer of the mail server of " + domain)
                    .isNull();
        }
    }

    @Test
    void aListedForwarderIsNoDisposableMailServerForItsCustomers() {
        // probe57a F2: with mailchecker on, improvmx.com and forwardemail.net are listed, and so every domain whose
        // mail they forward was refused as served by a listed host
        dns.records.put("shop.example", List.of("mx1.improvmx.com", "mx2.improvmx.com"));
        dns.records.put("blog.example", List.of("mx1.forwardemail.net"));
        DisposableDomains domains = new DisposableDomains(
                List.of(DomainSource.named("mailchecker")),
                List.of(DomainSource.majorProviders()),
                List.of(DomainSource.sharedMailHosts()),
                store.bans("email:blocked"),
                new MxCheck(dns, Duration.ZERO, 1_000, Duration.ofHours(1), List.of()));
        domains.match("ann@shop.example");
        domains.match("ann@blog.example");
        dns.answerAll();

        assertThat(domains.match("ann@shop.example")).isNull();
        assertThat(domains.match("ann@blog.example")).isNull();
        assertThat(domains.match("bot@improvmx.com"))
                .as("an address at the forwarder's own name is still judged by the list")
                .isNotNull();
    }

    /**
     * probe57a F4: a learned server lapsed an hour after it was first learned, however often its throw-away domains
     * were seen since; it lapses an hour after they were last seen, and not later for its other domains' sign-ups.
     */
    @Test
    void aLearnedServerIsKeptWhileItsDisposableDomainsAreSeenAndLapsesAfter() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        dns.records.put("bouncy-temp.example", List.of("mx.bouncy-temp.example"));
        dns.records.put("fresh.example", List.of("mx.bouncy-temp.example"));
        DisposableDomains domains = new DisposableDomains(
                List.of(DomainSource.of("test", DomainList.of(List.of("bouncy-temp.example")))),
                List.of(DomainSource.majorProviders()),
                store.bans("email:blocked"),
                new MxCheck(dns, Duration.ZERO, 1_000, Duration.ofHours(1), List.of(), now::get));
        domains.match("bot@bouncy-temp.example");
        dns.answerAll();
        domains.match("bot@fresh.example");
        dns.answerAll();
        for (int minute = 0; minute < 150; minute += 20) {
            now.set(Duration.ofMinutes(minute).toNanos());
            domains.match("bot" + minute + "@bouncy-temp.example"); // the throw-away domain, seen again
            dns.answerAll(); // its answer asked again once the cached one lapsed
            assertThat(domains.mxCheck().learnedHosts()).as("minute %d", minute).contains("mx.bouncy-temp.example");
        }
        for (int minute = 150; minute < 220; minute += 10) {
            now.set(Duration.ofMinutes(minute).toNanos());
            domains.mxCheck().disposableMailHost("fresh.example", domains); // a domain asked about, not disposable
        }
        assertThat(domains.mxCheck().learnedHosts())
                .as("an hour after the throw-away domain was last seen")
                .isEmpty();
    }

    @Test
    void aListedDomainIsAskedAboutOnlyOnceHoweverOftenItIsSeen() {
        DisposableDomains domains = domains(List.of(), List.of("temp-mail-one.example"));
        for (int i = 0; i < 50; i++) {
            domains.match("bot" + i + "@r" + i + ".temp-mail-one.example");
        }
        assertThat(dns.asked).containsExactly("temp-mail-one.example");
    }

    @Test
    void theMajorProvidersMailServersAreNeverLearnedEvenWhenAListedDomainUsesThem() {
        dns.records.put("temp-on-google.example", List.of("aspmx.l.google.com", "alt1.aspmx.l.google.com"));
        dns.records.put("small-company.example", List.of("aspmx.l.google.com"));
        DisposableDomains domains = domains(List.of(), List.of("temp-on-google.example"));

        domains.match("bot@temp-on-google.example");
        dns.answerAll();
        assertThat(domains.mxCheck().learnedHosts()).isEmpty();
        domains.match("ann@small-company.example");
        dns.answerAll();
        assertThat(domains.match("ann@small-company.example")).isNull();
    }

    @Test
    void configuredMailServersCountFromTheStart() {
        dns.records.put("fresh.example", List.of("mx1.known-temp.example"));
        DisposableDomains domains = domains(List.of("MX1.Known-Temp.example."), List.of());
        domains.match("bot@fresh.example");
        dns.answerAll();
        assertThat(domains.match("bot@fresh.example").entry()).isEqualTo("mx1.known-temp.example");
    }

    @Test
    void aConfiguredMailServerThatIsNoHostNameIsRefused() {
        assertThatThrownBy(() -> new MxCheck(dns, Duration.ZERO, 10, Duration.ofHours(1), List.of("not a host")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a host");
    }

    @Test
    void aDomainBlockedByBouncesTeachesItsMailServers() {
        dns.records.put("bouncy-temp.example", List.of("mx.bouncy-temp.example"));
        dns.records.put("sister-temp.example", List.of("mx.bouncy-temp.example"));
        DisposableDomains domains = domains(List.of(), List.of());
        BounceFeedback feedback =
                BounceFeedback.builder(store, domains).threshold(2).maxRate(0).build();
        feedback.recordSubmission("a@bouncy-temp.example", "198.51.100.0/24");
        feedback.recordSubmission("b@bouncy-temp.example", "203.0.113.0/24");

        feedback.recordBounce("a@bouncy-temp.example");
        assertThat(feedback.recordBounce("b@bouncy-temp.example")).isTrue();
        dns.answerAll();
        assertThat(domains.match("c@sister-temp.example")).isNull(); // first look-up only asks
        dns.answerAll();
        assertThat(domains.match("c@sister-temp.example").source()).isEqualTo("mx");
    }

    @Test
    void aMailServerWithTooManyBouncesIsRefusedForEveryDomainItServes() {
        DisposableDomains domains = domains(List.of(), List.of());
        BounceFeedback feedback =
                BounceFeedback.builder(store, domains).threshold(3).maxRate(0.5).build();
        for (int i = 0; i < 3; i++) {
            String domain = "rotating" + i + ".example";
            feedback.recordSubmission("x@" + domain, "198." + i + ".100.0/24");
            dns.records.put(domain, List.of("mx.rotation-infra.example"));
            domains.match("x@" + domain);
            dns.answerAll();
            assertThat(feedback.recordBounce("x@" + domain))
                    .as("one bounce per domain never blocks the domain")
                    .isFalse();
        }
        dns.records.put("rotating-next.example", List.of("mx.rotation-infra.example"));
        domains.match("y@rotating-next.example");
        dns.answerAll();
        assertThat(domains.match("y@rotating-next.example").entry()).isEqualTo("mx.rotation-infra.example");
    }

    @Test
    void deliveriesKeepAnOrdinaryDomainBelowTheBounceRate() {
        DisposableDomains domains = domains(List.of(), List.of());
        BounceFeedback feedback =
                BounceFeedback.builder(store, domains).threshold(3).maxRate(0.2).build();
        for (int i = 0; i < 40; i++) {
            feedback.recordDelivery("staff" + i + "@big-company.example");
        }
        for (int i = 0; i < 5; i++) {
            feedback.recordSubmission("typo" + i + "@big-company.example", "198." + i + ".100.0/24");
            assertThat(feedback.recordBounce("typo" + i + "@big-company.example"))
                    .isFalse();
        }
        assertThat(feedback.bounceRates()).containsEntry("big-company.example", 5.0 / 45);

        for (int i = 0; i < 2; i++) {
            feedback.recordDelivery("once" + i + "@throwaway.example");
        }
        for (String local : List.of("a", "b", "c")) {
            feedback.recordSubmission(local + "@throwaway.example", "net-" + local);
        }
        feedback.recordBounce("a@throwaway.example");
        feedback.recordBounce("b@throwaway.example");
        assertThat(feedback.recordComplaint("c@throwaway.example")).isTrue();
        assertThat(domains.match("d@throwaway.example").source()).isEqualTo("bounce-feedback");
        assertThat(feedback.bounceRates()).containsEntry("throwaway.example", 3.0 / 5);
    }

    @Test
    void aBounceRateOutsideZeroToOneIsRefused() {
        DisposableDomains domains = domains(List.of(), List.of());
        assertThatThrownBy(() -> BounceFeedback.builder(store, domains).maxRate(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
    }

    /**
     * probe63a F2: a domain whose only MX record is RFC 7505's null MX ("0 .") declares it accepts no mail: every
     * message to it bounces at once. With the MX check on, the guard asked DNS, got that answer and let the address
     * through (the demo opened accounts for bot@nullmx-1.com through a resolver answering a null MX), so a sign-up bot
     * with a domain of its own gets an undeliverable address past the check, each of whose mails is a hard bounce.
     */
    @Test
    void aDomainWhoseOnlyMailServerIsTheNullMxAcceptsNoMail() {
        dns.records.put("nullmx.example", List.of("."));
        DisposableDomains domains = domains(List.of(), List.of("listed.example"));
        domains.match("bot@nullmx.example");
        dns.answerAll();

        assertThat(domains.match("bot@nullmx.example"))
                .as("a null MX (RFC 7505): the domain takes no mail")
                .isNotNull()
                .extracting(DisposableDomains.Match::source)
                .isEqualTo(DisposableDomains.NULL_MX);
    }
}
