package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.LocalStateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * review55 F5: one field may start {@value MxCheck#LOOK_UPS_PER_FIELD} mail-server look-ups, and four fresh decoy
 * domains at its front spent them, so that a fresh domain on a known temp-mail server after them passed unasked, in
 * every request. And the field's look-ups ran one after another against one budget, so that one decoy whose DNS never
 * answers, first in the field, spent the budget of the temp-mail domain's look-up behind it.
 */
class DecoyDomainsTest {
    private static final String TEMP_MAIL_SERVER = "mx.temp-infra.example";

    /** Look-ups asked for, by domain: {@code slow-*} never answer (nor their subdomains), {@code temp-*} are on the temp-mail server. */
    private final Map<String, CompletableFuture<List<String>>> asked = new ConcurrentHashMap<>();

    private final MxResolver resolver = domain -> asked.computeIfAbsent(domain, name -> {
        if (name.contains("slow-") || name.endsWith(".wild.example")) {
            return new CompletableFuture<>();
        }
        if (name.equals("wild.example")) {
            return CompletableFuture.completedFuture(List.of(TEMP_MAIL_SERVER));
        }
        // an answer takes a while, as DNS's does: one asked for after the field's budget is spent is not in
        return CompletableFuture.supplyAsync(
                () -> List.of(name.startsWith("temp-") ? TEMP_MAIL_SERVER : "mx." + name),
                CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
    });

    private final DisposableDomains domains = new DisposableDomains(
            List.of(DomainSource.of("test", DomainList.of(List.of("mailinator.com")))),
            List.of(DomainSource.majorProviders()),
            LocalStateStore.builder().build().bans("email:blocked"),
            new MxCheck(resolver, Duration.ofMillis(300), 1_000, Duration.ofHours(1), List.of(TEMP_MAIL_SERVER)));

    private final DisposableEmailGuard guard = DisposableEmailGuard.of(
            domains, List.of(EmailRule.builder("invite").path("/api/invites").build()));

    private Decision invite(String... addresses) {
        return inviteFrom("192.0.2.1", addresses);
    }

    private Decision inviteFrom(String client, String... addresses) {
        List<String> quoted = new ArrayList<>();
        for (String address : addresses) {
            quoted.add("\"" + address + "\"");
        }
        return guard.check(GuardRequest.builder("POST", "/api/invites")
                .client(client)
                .body("application/json", "{\"email\":[" + String.join(",", quoted) + "]}")
                .build());
    }

    @Test
    void fourDecoysAheadOfATempMailDomainDoNotCarryItThrough() {
        Decision decision = invite(
                "a@decoy1.example", "a@decoy2.example", "a@decoy3.example", "a@decoy4.example", "b@temp-x.example");

        assertThat(decision.isDeny())
                .as("the temp-mail domain was never asked about")
                .isTrue();
        assertThat(decision.status()).isEqualTo(422);
        assertThat(decision.reason()).isEqualTo("too-many-email-domains");
        assertThat(decision.detail()).contains("not yet known");
        assertThat(asked).as("look-ups started").hasSize(MxCheck.LOOK_UPS_PER_FIELD);
    }

    @Test
    void aTempMailDomainBehindThreeDecoysIsLookedUpAndFound() {
        Decision decision = invite("a@decoy1.example", "a@decoy2.example", "a@decoy3.example", "b@temp-x.example");

        assertThat(decision.isDeny()).isTrue();
        assertThat(decision.reason()).isEqualTo("disposable-email");
    }

    @Test
    void aDecoyWhoseDnsNeverAnswersDoesNotSpendTheBudgetOfTheLookUpsAfterIt() {
        Decision decision = invite("a@slow-decoy.example", "b@temp-x.example");

        assertThat(decision.isDeny())
                .as("the temp-mail domain's look-up ran beside the slow one's, within the field's budget")
                .isTrue();
        assertThat(decision.reason()).isEqualTo("disposable-email");
    }

    @Test
    void aListOfFreshCleanDomainsPassesOnceTheirLookUpsAreIn() {
        String[] colleagues = {
            "a@one.example", "b@two.example", "c@three.example", "d@four.example", "e@five.example", "f@six.example"
        };

        assertThat(invite(colleagues).reason()).isEqualTo("too-many-email-domains");
        assertThat(invite(colleagues).isDeny())
                .as("sent again: four of them cached, two looked up now")
                .isFalse();
    }

    @Test
    void listedAndAllowedDomainsNeedNoLookUpAndDoNotCount() {
        assertThat(invite("a@gmail.com", "b@outlook.com", "c@one.example", "d@two.example", "e@three.example")
                        .isDeny())
                .isFalse();
        assertThat(invite("a@x1.example", "b@x2.example", "c@x3.example", "d@x4.example", "e@mailinator.com")
                        .reason())
                .as("a listed domain is refused as disposable, whatever else the field names")
                .isEqualTo("disposable-email");
    }

    @Test
    void aLookUpThatCannotStartLeavesTheFieldUncheckedNotClean() {
        // two subdomains of slow-parent.example hold its look-ups in flight (at most two at once)
        assertThat(invite("a@s1.slow-parent.example", "a@s2.slow-parent.example")
                        .isDeny())
                .isFalse();

        // review57 F2: a subdomain whose look-up could not start passed unasked, at every request while the two
        // were held (by its owner's DNS, say)
        Decision decision = invite("a@s3.slow-parent.example");
        assertThat(decision.reason()).isEqualTo("too-many-email-domains");
        assertThat(decision.detail())
                .as("review57 F4: a field of one address was told it named too many domains")
                .contains("cannot be looked up now")
                .contains("again in a moment");
        assertThat(invite("a@s4.slow-parent.example", "b@temp-y.example").reason())
                .isEqualTo("too-many-email-domains");
    }

    /**
     * review57 F4: the registered domain of each subdomain started beside it took the client's share, so a field of
     * three addresses at subdomains of three companies used it all up and was refused as busy. The field's own
     * domains go first; their registered domains get what is left.
     */
    @Test
    void aFieldOfSubdomainsOfSeveralCompaniesIsLookedUpBeforeTheirRegisteredDomains() {
        Decision decision = invite("a@mail.one-co.example", "b@eng.two-co.example", "c@hq.three-co.example");

        assertThat(decision.isDeny()).as(String.valueOf(decision.detail())).isFalse();
        assertThat(asked.keySet())
                .contains("mail.one-co.example", "eng.two-co.example", "hq.three-co.example")
                .hasSize(MxCheck.LOOK_UPS_PER_SITE);
    }

    /** {@code @NotDisposableEmail} asks {@link DisposableDomains#match(String)}: one address can name five fresh hops. */
    @Test
    void anAddressNamingMoreFreshDomainsThanItMayLookUpMatchesAsUnchecked() {
        DisposableDomains.Match match = domains.match("a%h1.example%h2.example%h3.example%h4.example@h5.example");

        assertThat(match).isNotNull();
        assertThat(match.source()).isEqualTo(DisposableDomains.MX_UNCHECKED);
        assertThat(domains.match("a%h1.example%h2.example@h3.example"))
                .as("three, all looked up")
                .isNull();
    }

    /**
     * probe48c F4: each random subdomain of a wildcard-MX temp-mail domain was a look-up of its own, let through while
     * its answer was not in. Its registered domain is looked up beside it, and judges it and its later subdomains.
     */
    @Test
    void randomSubdomainsOfAWildcardTempMailDomainAreJudgedByItsRegisteredDomain() {
        for (int i = 0; i < 10; i++) {
            Decision decision = invite("bot@r" + i + ".wild.example");
            assertThat(decision.reason()).as("subdomain " + i).isEqualTo("disposable-email");
        }
        assertThat(asked.keySet().stream().filter(name -> name.endsWith(".wild.example")))
                .as("subdomains looked up: the first, before its registered domain's answer judged them")
                .hasSize(1);
    }

    /** A clean registered domain judges none of its subdomains: each is looked up. */
    @Test
    void aSubdomainOnATempMailServerUnderACleanRegisteredDomainIsStillLookedUp() {
        assertThat(invite("a@clean.example").isDeny()).isFalse();

        assertThat(invite("b@temp-sub.clean.example").reason())
                .as("on the temp-mail server by its own answer")
                .isEqualTo("disposable-email");
        assertThat(asked).containsKey("temp-sub.clean.example");
    }

    /**
     * One client's decoys whose DNS never answers, four per request, could fill the resolver's queue, and every fresh
     * domain of every client went unasked while it was full. A client site has a share of the look-ups in flight; past
     * it its own fields are refused, and other clients' are still looked up.
     */
    @Test
    void oneClientsSlowDecoysSpendItsOwnShareOfTheLookUpsNotEveryonesQueue() {
        String[] decoys = new String[MxCheck.LOOK_UPS_PER_SITE];
        for (int d = 0; d < decoys.length; d++) {
            decoys[d] = "a@slow-decoy" + d + ".example";
        }
        assertThat(inviteFrom("203.0.113.5", decoys).isDeny()).isFalse();

        assertThat(inviteFrom("203.0.113.5", "b@temp-z.example").reason())
                .as("its share in flight: nothing more is looked up for it")
                .isEqualTo("too-many-email-domains");
        assertThat(asked).doesNotContainKey("temp-z.example");
        assertThat(inviteFrom("198.51.100.5", "b@temp-z.example").reason())
                .as("another client")
                .isEqualTo("disposable-email");
    }
}
