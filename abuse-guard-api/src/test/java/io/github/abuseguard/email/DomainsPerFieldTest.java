package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.BannedKey;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.LocalStateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One field makes the guard look up at most {@link DisposableDomains#MAX_DOMAINS} domains, each distinct
 * one once, however many its addresses name (probe16 F1: 50,000 percent-hack hops in one address had made
 * 50,000 store look-ups, one Redis round trip each), and names at most {@link
 * DisposableDomains#MAX_DOMAINS_NAMED} in all, so that colleagues at one company fit in one field (review
 * MEDIUM-1: 33 of them had been refused). The look-ups are counted on the bounce-feedback bans, the one
 * store the guard asks about every domain.
 */
class DomainsPerFieldTest {
    private static final int MAX = DisposableDomains.MAX_DOMAINS;
    private static final int NAMED = DisposableDomains.MAX_DOMAINS_NAMED;

    /** Bans that count how often they are asked whether a domain is blocked. */
    private static final class CountingBans implements Bans {
        private final Bans delegate = LocalStateStore.builder().build().bans("email:blocked");
        private final List<String> asked = new ArrayList<>();

        @Override
        public void ban(String key, Duration ttl) {
            delegate.ban(key, ttl);
        }

        @Override
        public boolean isBanned(String key) {
            asked.add(key);
            return delegate.isBanned(key);
        }

        @Override
        public void lift(String key) {
            delegate.lift(key);
        }

        @Override
        public List<BannedKey> active(int limit) {
            return delegate.active(limit);
        }
    }

    private final CountingBans blocked = new CountingBans();
    private final DisposableDomains domains = new DisposableDomains(
            List.of(DomainSource.bundled()), List.of(DomainSource.majorProviders()), blocked, null);
    private final DisposableEmailGuard guard = DisposableEmailGuard.of(
            domains, List.of(EmailRule.builder("sign-up").path("/api/accounts").build()));

    private Decision check(String emailJson) {
        return guard.check(GuardRequest.builder("POST", "/api/accounts")
                .body("application/json", "{\"email\":" + emailJson + ",\"name\":\"Ann\"}")
                .build());
    }

    private static String quoted(String value) {
        return "\"" + value + "\"";
    }

    /** A JSON string of any text. */
    private static String json(String value) {
        return quoted(value.replace("\\", "\\\\")
                .replace("\"", "\\\"")
                .replace("\r", "\\r")
                .replace("\n", "\\n"));
    }

    private static String jsonArray(List<String> values) {
        return "["
                + String.join(
                        ",", values.stream().map(DomainsPerFieldTest::json).toList()) + "]";
    }

    /** {@code a%h1.example%h2.example...@example.com}: the delivery domain and {@code hops} relays. */
    private static String relayed(int hops) {
        StringBuilder address = new StringBuilder("a");
        for (int i = 1; i <= hops; i++) {
            address.append("%h").append(i).append(".example");
        }
        return address.append("@example.com").toString();
    }

    private static List<String> distinctAddresses(int count) {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            addresses.add("a@d" + i + ".example");
        }
        return addresses;
    }

    /** An array of more addresses than a field is read with: refused unread, as an unreadable body. */
    private static void assertTooManyValues(Decision decision) {
        assertThat(decision.isDeny()).isTrue();
        assertThat(decision.status()).isEqualTo(400);
        assertThat(decision.reason()).isEqualTo("unreadable-body:too-many-values");
        // probe50b F4: it named the field ("email"), so a rule switched to monitor or enforce by its name did not
        // apply to its unreadable bodies, and metrics filed them under a rule that does not exist
        assertThat(decision.rule()).isEqualTo("sign-up");
    }

    private static void assertTooMany(Decision decision) {
        assertThat(decision.isDeny()).isTrue();
        assertThat(decision.status()).isEqualTo(422);
        assertThat(decision.reason()).isEqualTo("too-many-email-domains");
        assertThat(decision.rule()).isEqualTo("sign-up");
        assertThat(decision.detail())
                .contains("'email'")
                .containsAnyOf("more than " + MAX + " different domains", "more than " + NAMED + " domains in all");
    }

    @Test
    void anAddressOfFiftyThousandHopsIsRefusedAfterAtMostTheBoundOfLookUps() {
        Decision decision = check(quoted("a" + "%b".repeat(50_000) + "@example.com"));

        assertTooMany(decision);
        assertThat(blocked.asked.size()).isLessThanOrEqualTo(MAX);
    }

    @Test
    void distinctHopsUpToTheBoundAreEachLookedUpOnceAndOneMoreIsRefused() {
        assertThat(check(quoted(relayed(MAX - 1))).isAllow()).isTrue();
        assertThat(blocked.asked).hasSize(MAX).doesNotHaveDuplicates();

        blocked.asked.clear();
        assertTooMany(check(quoted(relayed(MAX))));
        assertThat(blocked.asked.size()).isLessThanOrEqualTo(MAX);

        blocked.asked.clear();
        assertTooMany(check(quoted(relayed(1000))));
        assertThat(blocked.asked.size()).isLessThanOrEqualTo(MAX);
    }

    @Test
    void listMembersAndArrayElementsCountTogether() {
        assertThat(check(quoted(String.join(", ", distinctAddresses(MAX)))).isAllow())
                .isTrue();
        assertThat(blocked.asked).hasSize(MAX);

        blocked.asked.clear();
        assertTooMany(check(quoted(String.join(",", distinctAddresses(1000)))));
        assertThat(blocked.asked.size()).isLessThanOrEqualTo(MAX);

        blocked.asked.clear();
        List<String> elements = distinctAddresses(MAX + 1).stream()
                .map(DomainsPerFieldTest::quoted)
                .toList();
        assertTooMany(check("[" + String.join(",", elements) + "]"));
        assertThat(blocked.asked.size()).isLessThanOrEqualTo(MAX);

        // half the bound in array elements, each relayed once more: the field names MAX + 2
        blocked.asked.clear();
        List<String> relayedElements = new ArrayList<>();
        for (int i = 0; i <= MAX / 2; i++) {
            relayedElements.add(quoted("a%r" + i + ".example@d" + i + ".example"));
        }
        assertTooMany(check("[" + String.join(",", relayedElements) + "]"));
        assertThat(blocked.asked.size()).isLessThanOrEqualTo(MAX);
    }

    @Test
    void everyElementWithAnAtSignNamesADomainReadableOrNotEvenInACommentOrQuotedString() {
        List<String> unreadable = new ArrayList<>();
        List<String> commented = new ArrayList<>();
        List<String> quotedOnly = new ArrayList<>();
        List<String> none = new ArrayList<>();
        for (int i = 0; i <= MAX; i++) {
            unreadable.add(quoted("a@yop\uFFFCmail" + i + ".example"));
            // a mail parser finds no address in these, an application stripping quotes or brackets does
            commented.add(quoted("a(@d" + i + ".example)"));
            quotedOnly.add(json("\"a@d" + i + ".example\""));
            none.add(quoted("no-at-sign-" + i));
        }
        assertTooMany(check("[" + String.join(",", unreadable) + "]"));
        assertTooMany(check("[" + String.join(",", commented) + "]"));
        assertTooMany(check("[" + String.join(",", quotedOnly) + "]"));
        assertThat(check("[" + String.join(",", none) + "]").isAllow()).isTrue();
        assertThat(blocked.asked).isEmpty();
    }

    @Test
    void aThrowAwayAddressInQuotesOrBracketsAloneIsRefused() {
        assertThat(check(json("\"bot@mailinator.com\"")).isAllow()).isFalse();
        assertThat(check(quoted("(bot@mailinator.com)")).isAllow()).isFalse();
        assertThat(check(quoted("Ann (bot@mailinator.com)")).isAllow()).isFalse();
        assertThat(check(quoted("Ann (ann@gmail.com)")).isAllow()).isTrue();
    }

    @Test
    void aDomainNamedAgainCostsOneLookUp() {
        assertThat(check(quoted("a%b.example%B.example%b.example.@b.example")).isAllow())
                .isTrue();
        assertThat(blocked.asked).containsExactly("b.example");

        blocked.asked.clear();
        assertThat(check(quoted("a@same.example, b@same.example, c@SAME.example"))
                        .isAllow())
                .isTrue();
        assertThat(blocked.asked).containsExactly("same.example");

        blocked.asked.clear();
        List<String> elements = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            elements.add(quoted("ann@same.example"));
        }
        assertThat(check("[" + String.join(",", elements) + "]").isAllow()).isTrue();
        assertThat(blocked.asked).containsExactly("same.example");
    }

    @Test
    void ordinaryAndRelayedAddressesAreJudgedAsBefore() {
        assertThat(check(quoted("ann@example.com")).isAllow()).isTrue();
        assertThat(blocked.asked).containsExactly("example.com");

        blocked.asked.clear();
        assertThat(check(quoted("ann%relay.example@example.com")).isAllow()).isTrue();
        assertThat(blocked.asked).containsExactly("example.com", "relay.example");

        assertThat(check(quoted("ann%yopmail.com@example.com")).reason()).isEqualTo("disposable-email");
        assertThat(check(quoted("ann@example.com, bot@yopmail.com")).reason()).isEqualTo("disposable-email");
        assertThat(check(quoted("ann@yop\uFFFCmail.com")).reason()).isEqualTo("unreadable-email-domain");
    }

    /** {@code count} colleagues' addresses at one domain, {@code u0@domain, u1@domain, ...}. */
    private static List<String> colleagues(int count, String domain) {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            addresses.add("u" + i + "@" + domain);
        }
        return addresses;
    }

    private static String array(List<String> addresses) {
        return "["
                + String.join(
                        ",", addresses.stream().map(DomainsPerFieldTest::quoted).toList()) + "]";
    }

    @Test
    void fortyColleaguesAtOneCompanyInOneFieldPassWithOneLookUp() {
        assertThat(check(quoted(String.join(", ", colleagues(40, "acme.com")))).isAllow())
                .isTrue();
        assertThat(blocked.asked).containsExactly("acme.com");

        blocked.asked.clear();
        assertThat(check(array(colleagues(40, "acme.com"))).isAllow()).isTrue();
        assertThat(blocked.asked).containsExactly("acme.com");

        // ASCII case variants are one domain, counted once and looked up once
        blocked.asked.clear();
        List<String> cased = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            cased.add("u" + i + "@" + (i % 3 == 0 ? "ACME.com" : i % 3 == 1 ? "acme.COM" : "Acme.Com"));
        }
        assertThat(check(quoted(String.join(", ", cased))).isAllow()).isTrue();
        assertThat(blocked.asked).containsExactly("acme.com");
    }

    /**
     * Colleagues' addresses at one domain in the forms mail clients and address books write them: RFC 5322
     * comments (nested, escaped, before or after the {@code @}), display names, folding white space.
     */
    private static List<String> writtenColleagues(int count, String domain) {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String mailbox = "u" + i + "@" + domain;
            addresses.add(
                    switch (i % 10) {
                        case 0 -> mailbox + " (User " + i + ")";
                        case 1 -> "\"User " + i + "\" <" + mailbox + ">";
                        case 2 -> mailbox + "(x" + i + ")";
                        case 3 -> "u" + i + "(x" + i + ")@" + domain;
                        case 4 -> "u" + i + "@(x" + i + ")" + domain;
                        case 5 -> "User " + i + " <" + mailbox + "> (desk " + i + ")";
                        case 6 -> mailbox + "\r\n (folded " + i + ")";
                        case 7 -> mailbox + " (nested (" + i + ") \\) escaped)";
                        case 8 -> mailbox + "\u00A0(after a no-break space " + i + ")";
                        default -> "u" + i + "@ " + domain.replace(".", " . ") + " (spaced " + i + ")";
                    });
        }
        return addresses;
    }

    @Test
    void fortyColleaguesWrittenWithCommentsOrDisplayNamesNameOneDomain() {
        List<String> written = writtenColleagues(40, "acme.com");

        assertThat(check(jsonArray(written)).isAllow()).isTrue();
        assertThat(blocked.asked).containsExactly("acme.com");

        blocked.asked.clear();
        assertThat(check(json(String.join(", ", written))).isAllow()).isTrue();
        assertThat(blocked.asked).containsExactly("acme.com");
    }

    @Test
    void commentedAddressesStillCountAgainstBothBoundsWithoutALookUp() {
        List<String> different = new ArrayList<>();
        for (int i = 0; i <= MAX; i++) {
            different.add("u@d" + i + ".example (User " + i + ")");
        }
        Decision distinct = check(jsonArray(different));
        assertTooMany(distinct);
        assertThat(distinct.detail()).contains("more than " + MAX + " different domains");

        Decision named = check(json(String.join(", ", writtenColleagues(NAMED + 1, "acme.com"))));
        assertTooMany(named);
        assertThat(named.detail()).contains("more than " + NAMED + " domains in all");
        // as more values than a field is read with (probe26 F1), before any address is read
        assertTooManyValues(check(jsonArray(writtenColleagues(NAMED + 1, "acme.com"))));
        assertThat(blocked.asked).isEmpty();

        // what a comment or quoted string hides counts for nothing, however much of it there is
        assertThat(check(quoted("u@acme.com (" + "x@d.example ".repeat(5_000) + ")"))
                        .isAllow())
                .isTrue();
        assertThat(blocked.asked).containsExactly("acme.com");
    }

    @Test
    void aThrowAwayAddressAmongFortyColleaguesIsStillCaught() {
        List<String> addresses = new ArrayList<>(colleagues(40, "acme.com"));
        addresses.add("bot@mailinator.com");

        Decision listed = check(quoted(String.join(", ", addresses)));
        assertThat(listed.reason()).isEqualTo("disposable-email");
        assertThat(listed.detail()).contains("mailinator.com");
        assertThat(blocked.asked).doesNotHaveDuplicates();

        blocked.asked.clear();
        assertThat(check(array(addresses)).reason()).isEqualTo("disposable-email");
        // the bans of both domains asked together, once each (one store step: probe26 F2)
        assertThat(blocked.asked).containsExactly("acme.com", "mailinator.com");

        addresses.add(0, addresses.remove(addresses.size() - 1));
        assertThat(check(array(addresses)).reason()).isEqualTo("disposable-email");
    }

    @Test
    void thirtyTwoDistinctDomainsEachNamedThreeTimesPassAndThirtyThreeAreRefusedWithoutALookUp() {
        List<String> allowed = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            allowed.addAll(distinctAddresses(MAX));
        }
        assertThat(check(quoted(String.join(", ", allowed))).isAllow()).isTrue();
        assertThat(blocked.asked).hasSize(MAX).doesNotHaveDuplicates();

        blocked.asked.clear();
        List<String> refused = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            refused.addAll(distinctAddresses(MAX + 1));
        }
        Decision list = check(quoted(String.join(", ", refused)));
        assertTooMany(list);
        assertThat(list.detail()).contains("more than " + MAX + " different domains");
        assertTooMany(check(array(refused)));
        assertThat(blocked.asked).isEmpty();
    }

    @Test
    void theTotalBoundCountsRepeatsAndRefusesOneMoreWithoutALookUp() {
        assertThat(check(quoted(String.join(",", colleagues(NAMED, "acme.com"))))
                        .isAllow())
                .isTrue();
        assertThat(check(array(colleagues(NAMED, "acme.com"))).isAllow()).isTrue();
        assertThat(check(quoted("a" + "%acme.com".repeat(NAMED - 1) + "@acme.com"))
                        .isAllow())
                .isTrue();
        assertThat(blocked.asked).containsExactly("acme.com", "acme.com", "acme.com");

        blocked.asked.clear();
        Decision list = check(quoted(String.join(",", colleagues(NAMED + 1, "acme.com"))));
        assertTooMany(list);
        assertThat(list.detail()).contains("more than " + NAMED + " domains in all");
        assertTooManyValues(check(array(colleagues(NAMED + 1, "acme.com"))));
        assertTooMany(check(quoted("a" + "%acme.com".repeat(NAMED) + "@acme.com")));
        // a field as long as the default body capture (64 KiB) of one short domain named again and again
        assertTooMany(check(quoted("a@b.co,".repeat(64 * 1024 / 7))));
        assertTooMany(check(quoted("a" + "%b".repeat(32 * 1024) + "@b")));
        assertThat(blocked.asked).isEmpty();
    }

    @Test
    void spellingsThatNormaliseAlikeCountAsDistinctButTheDomainIsLookedUpOnce() {
        // full-width letters, trailing dots and invisible characters: raw spellings of one domain
        List<String> spellings = new ArrayList<>();
        for (int variant = 0; variant < 16; variant++) {
            StringBuilder name = new StringBuilder();
            String acme = "acme";
            for (int bit = 0; bit < 4; bit++) {
                char c = acme.charAt(bit);
                name.append((variant & (1 << bit)) != 0 ? (char) (c - 'a' + '\uFF41') : c);
            }
            spellings.add(name + ".com");
            spellings.add(name + ".com.");
        }
        List<String> addresses = new ArrayList<>();
        for (int repeat = 0; repeat < 5; repeat++) {
            for (String spelling : spellings) {
                addresses.add("u" + repeat + "@" + spelling);
            }
        }
        assertThat(spellings).hasSize(MAX);
        assertThat(check(quoted(String.join(", ", addresses))).isAllow()).isTrue();
        assertThat(check(array(addresses)).isAllow()).isTrue();
        assertThat(blocked.asked).containsExactly("acme.com", "acme.com");

        blocked.asked.clear();
        addresses.add("late@acme.com..");
        assertTooMany(check(quoted(String.join(", ", addresses))));
        assertTooMany(check(array(addresses)));
        assertThat(blocked.asked).isEmpty();
    }

    @Test
    void aDomainPaddedToExactly320CharactersAfterTheAtSignIsStillLookedUp() {
        String padded = "bot@" + "\u200B".repeat(320 - "mailinator.com".length()) + "mailinator.com";

        assertThat(check(quoted(padded)).reason()).isEqualTo("disposable-email");
        assertThat(domains.match(padded)).isNotNull();
        assertThat(check(quoted("bot@" + "\u200B".repeat(321 - "mailinator.com".length()) + "mailinator.com"))
                        .isDeny())
                .isTrue();
    }

    @Test
    void aFlagRuleFlagsAFieldOfTooManyDomains() {
        DisposableEmailGuard flagging = DisposableEmailGuard.of(
                domains,
                List.of(EmailRule.builder("sign-up")
                        .path("/api/accounts")
                        .response(EmailRule.Response.FLAG, 30)
                        .build()));
        Decision decision = flagging.check(GuardRequest.builder("POST", "/api/accounts")
                .body("application/json", "{\"email\":" + quoted(relayed(100)) + "}")
                .build());

        assertThat(decision.isFlag()).isTrue();
        assertThat(decision.reason()).isEqualTo("too-many-email-domains");
        assertThat(blocked.asked.size()).isLessThanOrEqualTo(MAX);
    }

    @Test
    void aValidatorStandingInForTheGuardRefusesTooManyDomainsAfterAtMostTheBoundOfLookUps() {
        String address = "a" + "%b".repeat(50_000) + "@example.com";

        assertThat(domains.match(address)).isNull();
        assertThat(blocked.asked.size()).isLessThanOrEqualTo(MAX);
        assertThat(DisposableDomains.hasUnreadableDomain(address)).isTrue();
        assertThat(DisposableDomains.hasUnreadableDomain(relayed(MAX))).isTrue();
        assertThat(DisposableDomains.hasUnreadableDomain(relayed(MAX - 1))).isFalse();
        assertThat(DisposableDomains.hasUnreadableDomain("ann%relay.example@example.com"))
                .isFalse();
    }
}
