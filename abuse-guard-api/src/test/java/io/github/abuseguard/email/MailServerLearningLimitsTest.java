package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.store.LocalStateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What the MX check must not learn or let through (review58, review59: shared mail hosts, learning, IDNA readings). */
class MailServerLearningLimitsTest {
    private static final class FakeDns implements MxResolver {
        final Map<String, List<String>> records = new HashMap<>();
        final List<CompletableFuture<List<String>>> pending = new ArrayList<>();
        final Map<CompletableFuture<List<String>>, String> of = new HashMap<>();

        @Override
        public CompletableFuture<List<String>> mailHosts(String domain) {
            CompletableFuture<List<String>> answer = new CompletableFuture<>();
            pending.add(answer);
            of.put(answer, domain);
            return answer;
        }

        void answerAll() {
            for (CompletableFuture<List<String>> f : List.copyOf(pending)) {
                f.complete(records.getOrDefault(of.get(f), List.of()));
            }
        }
    }

    private final FakeDns dns = new FakeDns();

    private DisposableDomains domains(List<String> listed) {
        return new DisposableDomains(
                List.of(DomainSource.of("test", DomainList.of(listed))),
                List.of(DomainSource.majorProviders(), DomainSource.aliasRelays()),
                List.of(DomainSource.sharedMailHosts()),
                LocalStateStore.builder().build().bans("email:blocked"),
                new MxCheck(dns, Duration.ZERO, 1_000, Duration.ofHours(1), List.of()));
    }

    /**
     * review58 F1: a sharp s where a listed name has "ss". Mail software that converts with IDNA2003 / UTS #46 transitional
     * (java.net.IDN.toASCII, Python's "idna" codec as Django's sanitize_address uses it) delivers to the listed
     * abyssmail.com; the guard now reads only xn--abymail-...com and lets it through. Before ddcdaad0 it was refused.
     */
    @Test
    void aSharpSSpellingOfAListedSsDomainIsStillRefused() {
        DisposableDomains bundled = DisposableDomains.bundled();
        assertThat(bundled.match("bot@abyssmail.com")).as("listed").isNotNull();
        assertThat(java.net.IDN.toASCII("abyßmail.com"))
                .as("where IDNA2003 software delivers")
                .isEqualTo("abyssmail.com");
        assertThat(bundled.match("bot@abyßmail.com"))
                .as("both readings of a deviation letter are names mail can be delivered to; the listed one decides")
                .isNotNull();
    }

    /**
     * review58 F3: three listed domains of different owners whose DNS the attacker controls (re-registered expired list
     * entries, free *.pp.ua ones are their own owners) point their MX at a victim organisation's own mail server;
     * the victim's own domain is then refused. A domain's own mail server (under its own registered domain) should
     * not make that domain disposable.
     */
    @Test
    void threeAttackerListedDomainsMakeAVictimsOwnMailServerDisposableForTheVictim() {
        List<String> listed = List.of("old-temp-one.example", "old-temp-two.example", "spare.pp.ua");
        for (String domain : listed) {
            dns.records.put(domain, List.of("mx1.victim-university.edu"));
        }
        dns.records.put("victim-university.edu", List.of("mx1.victim-university.edu"));
        DisposableDomains domains = domains(listed);
        for (String domain : listed) {
            assertThat(domains.match("bot@" + domain)).isNotNull();
        }
        dns.answerAll();
        assertThat(domains.mxCheck().learnedHosts()).containsExactly("mx1.victim-university.edu");
        domains.match("student@victim-university.edu");
        dns.answerAll();
        assertThat(domains.match("student@victim-university.edu"))
                .as("the university's own domain, served by its own mail server")
                .isNull();
    }

    /**
     * review58 F4: shared-mail-hosts entries are whole provider suffixes that also cover host names any customer gets for a
     * rented server (Hetzner's static.*.clients.your-server.de, EC2's ec2-*.compute-1.amazonaws.com). A temp-mail
     * service that runs its own SMTP on such a server, and points every domain at the server's provider name,
     * is never learned nor matched, whatever number of listed owners it serves.
     */
    @Test
    void aTempMailServiceOnARentedServersProviderNameIsStillLearned() {
        String host = "static.203.0.113.9.clients.your-server.de";
        List<String> listed = List.of("tm-one.example", "tm-two.example", "tm-three.example", "tm-four.example");
        for (String domain : listed) {
            dns.records.put(domain, List.of(host));
        }
        dns.records.put("tm-fresh.example", List.of(host));
        DisposableDomains domains = domains(listed);
        for (String domain : listed) {
            domains.match("bot@" + domain);
        }
        dns.answerAll();
        domains.match("bot@tm-fresh.example");
        dns.answerAll();
        assertThat(domains.match("bot@tm-fresh.example"))
                .as("a rented server's name is not a shared mail host")
                .isNotNull();
    }

    private void teach(DisposableDomains domains, List<String> listed, String host) {
        for (String domain : listed) {
            dns.records.put(domain, List.of(host));
            assertThat(domains.match("bot@" + domain)).isNotNull();
        }
        dns.answerAll();
        assertThat(domains.mxCheck().learnedHosts()).contains(host);
    }

    private DisposableDomains.Match matchAfterLookUp(DisposableDomains domains, String address) {
        domains.match(address);
        dns.answerAll();
        return domains.match(address);
    }

    /**
     * A temp-mail service whose three listed brand domains point at mx.infra-xyz.net (learned) hands out
     * addresses at wildcard subdomains of its own unlisted infrastructure domain. Before 90e0392d these were refused
     * as "mx"; now the learned host "sits under" them (same registered domain) and never makes them disposable.
     */
    @Test
    void aTempMailServicesOwnInfrastructureDomainAndItsWildcardSubdomainsAreStillRefused() {
        List<String> listed = List.of("tm-one.example", "tm-two.example", "tm-three.example");
        String host = "mx.infra-xyz.net";
        DisposableDomains domains = domains(listed);
        teach(domains, listed, host);
        dns.records.put("infra-xyz.net", List.of(host));
        dns.records.put("r4nd0m.infra-xyz.net", List.of(host));
        assertThat(matchAfterLookUp(domains, "bot@r4nd0m.infra-xyz.net"))
                .as("a random subdomain of the temp-mail service's own domain, MX its learned server")
                .isNotNull();
    }

    /**
     * The exemption compares MxCheck.parent, not a public suffix list: under a free dynamic-DNS zone that is not in
     * SHARED_SUFFIXES (no-ip's hopto.org, FreeDNS's chickenkiller.com, ...) every free name shares the zone's
     * "registered domain". A temp-mail service whose learned server is mx.tmp.hopto.org registers fresh free names
     * a1.hopto.org, a2.hopto.org, ... pointed at it: none is ever refused by MX.
     */
    @Test
    void freshFreeDynamicDnsNamesPointedAtALearnedServerUnderTheSameZoneAreStillRefused() {
        List<String> listed = List.of("tm-one.example", "tm-two.example", "tm-three.example");
        String host = "mx.tmp.hopto.org";
        DisposableDomains domains = domains(listed);
        teach(domains, listed, host);
        dns.records.put("a1.hopto.org", List.of(host));
        dns.records.put("hopto.org", List.of("mail.no-ip.com"));
        assertThat(matchAfterLookUp(domains, "bot@a1.hopto.org"))
                .as("a fresh free name of someone else's zone is not 'the server's own domain'")
                .isNotNull();
    }

    /**
     * GoDaddy's European Workspace mail is MX mailstore1.europe.secureserver.net + smtp.europe.secureserver.net
     * (Asia: smtp.asia.secureserver.net). Only smtp.secureserver.net and mailstore1.*.secureserver.net are listed now,
     * and the list matches by suffix, so smtp.europe.secureserver.net is learnable: three listed domains parked with
     * GoDaddy email (expired list entries often are) teach it, and every GoDaddy Europe customer is refused.
     */
    @Test
    void godaddysRegionalSmtpMxIsStillASharedHost() {
        DisposableDomains domains = domains(List.of("x.example"));
        for (String host : List.of("smtp.europe.secureserver.net", "smtp.asia.secureserver.net")) {
            assertThat(domains.isSharedMailHost(host)).as(host).isTrue();
        }
    }

    @Test
    void otherRegionalOrLegacyMailServersOfBigHostsAreStillShared() {
        DisposableDomains domains = domains(List.of("x.example"));
        for (String host : List.of(
                "mx.zoho.com.au",
                "mx.zoho.jp",
                "mx.zohocloud.ca", // Zoho's other data centres
                "mx1.sub5.homie.mail.dreamhost.com", // DreamHost's older customer MX
                "redirect.ovh.net",
                "mx1.ovh.net", // OVH domain-only redirections / legacy
                "mx1.hostinger.in",
                "mx1.hostinger.co.uk")) { // Hostinger's regional MX
            assertThat(domains.isSharedMailHost(host)).as(host).isTrue();
        }
    }

    private static final List<String> SHARP_S_ADDRESSES =
            List.of("anna@straße-eins.example", "ben@fußball-verein.example", "cem@maßschneiderei.example");

    /**
     * review59 F5: second readings spent the field's four look-ups and the client's four in flight: a field of three
     * addresses at three fresh German domains with a sharp s (an invite form) needed six look-ups and was refused as
     * busy, where before the second readings it needed three and passed.
     */
    @Test
    void secondReadingsRideOnTheirNamesLookUps() {
        DisposableDomains domains = domains(List.of("mailinator.com"));
        FieldAddresses field = FieldAddresses.read(SHARP_S_ADDRESSES).site("198.51.100.7");
        for (int i = 0; i < SHARP_S_ADDRESSES.size(); i++) {
            assertThat(domains.match(field, i)).as(SHARP_S_ADDRESSES.get(i)).isNull();
        }
        assertThat(field.isMxUnchecked()).as("neither unchecked nor busy").isFalse();
        assertThat(dns.of.values())
                .as("both readings of each name asked about")
                .contains("strasse-eins.example", "fussball-verein.example", "massschneiderei.example")
                .hasSize(6);
    }

    /**
     * A second reading rides free only on its name's look-up started with it. Failed answers are kept a minute and
     * answers an hour, so an attacker whose "ss" domains fail to answer could otherwise, a minute later, send a field of
     * names answered earlier and start every second reading at once.
     */
    @Test
    void secondReadingsWhoseNamesWereAnsweredEarlierCountAsLookUps() {
        long[] now = {0};
        DisposableDomains domains = new DisposableDomains(
                List.of(DomainSource.of("test", DomainList.of(List.of("mailinator.com")))),
                List.of(DomainSource.majorProviders(), DomainSource.aliasRelays()),
                List.of(DomainSource.sharedMailHosts()),
                LocalStateStore.builder().build().bans("email:blocked"),
                new MxCheck(dns, Duration.ZERO, 1_000, Duration.ofHours(1), List.of(), () -> now[0]));
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            addresses.add("bot@straße" + i + ".example");
        }
        for (String address : addresses) {
            domains.match(FieldAddresses.read(List.of(address)).site("198.51.100." + addresses.indexOf(address)), 0);
        }
        for (CompletableFuture<List<String>> lookUp : List.copyOf(dns.pending)) {
            if (dns.of.get(lookUp).contains("ss")) {
                lookUp.completeExceptionally(new IllegalStateException("SERVFAIL"));
            } else {
                lookUp.complete(List.of());
            }
        }
        dns.pending.clear();
        for (String address : addresses) {
            domains.match(address); // the failures read once: from then on kept a minute
        }
        assertThat(dns.pending).isEmpty();
        now[0] += Duration.ofMinutes(2).toNanos();

        FieldAddresses field = FieldAddresses.read(addresses).site("203.0.113.9");
        for (int i = 0; i < addresses.size(); i++) {
            domains.match(field, i);
        }
        assertThat(dns.pending).as("second readings looked up again, as names").hasSize(MxCheck.LOOK_UPS_PER_FIELD);
        assertThat(field.isMxUnchecked()).isTrue();
    }
}
