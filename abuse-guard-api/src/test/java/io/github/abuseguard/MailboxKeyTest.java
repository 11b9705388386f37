package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.store.LocalStateStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mailbox:/email}: the spellings one inbox receives share a key, so that a limit per address cannot be
 * padded past with sub-addresses, Gmail's dots, case or invisible characters (probe43: one Gmail inbox, a fresh
 * {@code body:/email} key per {@code +tag}).
 */
class MailboxKeyTest {

    private static String key(String address) {
        return KeyResolver.parse("mailbox:/email").resolve(signUp(address, "198.51.100.1"));
    }

    private static GuardRequest signUp(String address, String client) {
        String json = address.replace("\\", "\\\\").replace("\"", "\\\"");
        return GuardRequest.builder("POST", "/api/accounts")
                .client(client)
                .body("application/json", "{\"email\":\"" + json + "\"}")
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "annsmith@gmail.com",
                "Ann.Smith@gmail.com",
                "a.n.n.s.m.i.t.h@GMAIL.COM",
                "annsmith+shop@gmail.com",
                "ann.smith+news+2@googlemail.com",
                "annsmith\uFF0Bx@gmail.com", // full-width plus
                "annsmith\uFE62x@gmail.com", // small plus
                "ann\uFF0Esmith@gmail.com", // full-width full stop
                "\uFF41nnsmith@gmail.com", // full-width a
                "ann\u200Bsmith@gmail.com", // zero-width space
                "annsmith@gmail.com.",
                "annsmith@gmail\u3002com",
                "annsmith\uFF20gmail.com", // full-width at
                " annsmith@gmail.com\u00A0",
                "Ann Smith <ann.smith+x@gmail.com>",
                "annsmith(work)@gmail.com", // a comment, as mail software drops it
                "annsmith@(x)gmail.com(y (nested))",
                "\"annsmith\"@gmail.com", // a quoted local part
                "\"ann\\smith\"@gmail.com", // an escape inside it
                "\"Ann@Home\" <annsmith@gmail.com>", // an '@' in the display name
                "<@relay.example:annsmith@gmail.com>", // a source route
                "annsmith @ gmail.com", // white space around the '@'
            })
    void everySpellingOfOneGmailInboxSharesItsKey(String spelling) {
        assertThat(key(spelling)).isEqualTo("annsmith@gmail.com");
    }

    /**
     * review43 F1: text after the address, which a mail parser (Jakarta Mail's {@code InternetAddress.parse})
     * stops before, made a new key per suffix: one Gmail inbox opened 20 accounts on the demo.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "<annsmith@gmail.com>x1",
                "<ann.smith+y@gmail.com>anything",
                "<annsmith@gmail.com>\"q\"",
                "<annsmith@gmail.com>[x]",
                "<annsmith@gmail.com>,",
                "<annsmith@gmail.com>:",
                "annsmith@gmail.com,,,",
                ",,,annsmith@gmail.com",
                ";annsmith@gmail.com;",
            })
    void textAfterTheAddressIsNotPartOfTheKey(String spelling) {
        assertThat(key(spelling)).isEqualTo("annsmith@gmail.com");
    }

    /**
     * probe44a F4, F5: text parted from the address by a space, a comment or a control has two readings, the
     * address without it (an application that splits there) and with it (one that strips what it cannot see:
     * {@code gmail.comx1}, or {@code gmail.com} for {@code gmail(x).com}). Neither is the inbox for sure, and
     * no person types such a value: all of them, whatever the inbox, share one key, so a suffix per account
     * buys nothing.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "annsmith@gmail.com(c)y1",
                "annsmith@gmail.com(c)\"y\"",
                "annsmith@gmail.com\u00A0x1",
                "annsmith@gmail.com\u2003x2",
                "annsmith@gmail.com x4",
                "annsmith@gmail.com/x5",
                "cat@gm\u00A0ail.com",
                "c.at@gm\u3000ail.com",
                "c\u00A0at@gmail.com",
                "cat@gm\u0085ail.com",
                "da(x)n@gmail.com",
                "dan@gm(x)ail.com",
                "x cat@gmail.com",
                "bob@other.example x",
                "ann@",
            })
    void aValueWhoseInboxCannotBeToldSharesOneKeyWithEveryOther(String spelling) {
        assertThat(key(spelling)).isEqualTo(Mailboxes.UNUSUAL);
    }

    /**
     * review44 F1, F2, F3: quotes or a comment around the whole address, a quote left open or after the domain,
     * a bracket or parenthesis before the local part, a name in brackets: a mail parser reads no address or
     * another one than an application that strips them. All share the one key.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "\"a.nn+7@gmail.com\"",
                "\"ann@gmail.com\"",
                "Ann (a.nn+1@gmail.com)",
                "ann@[gmail.com]",
                "ann@gmail.com\"x",
                "\"ann@gmail.com",
                "ann@\"x\"gmail.com",
                ">ann@gmail.com",
                "[x]ann@gmail.com",
                "<<ann@gmail.com>>",
                ")ann@gmail.com",
            })
    void aValueThatParsersReadApartSharesTheOneKey(String spelling) {
        assertThat(key(spelling)).isEqualTo(Mailboxes.UNUSUAL);
    }

    /** review44 F5: compatibility forms of the delimiters are read as their ASCII forms; a blank symbol is nothing. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "\uFF08x\uFF09ann@gmail.com",
                "x\uFF1Aann@gmail.com",
                "x\uFF0Cann@gmail.com",
                "a\u2800nn@gmail.com",
            })
    void compatibilityDelimitersAreTheirAsciiForms(String spelling) {
        assertThat(key(spelling)).isEqualTo("ann@gmail.com");
    }

    /**
     * probe44a F5: white space and comments next to a dot are dropped by mail parsers (obsolete RFC 5322 syntax),
     * as the e-mail guard drops them: such spellings are the inbox itself.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "dan@gmail(x).com",
                "d.an@gmail.(y)com",
                "d(x).an@gmail.com",
                "da . n@gmail . com",
                "dan@gmail\u2028.com",
            })
    void spaceAndCommentsAroundADotAreDropped(String spelling) {
        assertThat(key(spelling)).isEqualTo("dan@gmail.com");
    }

    /**
     * probe44a F1: a domain spelt with characters that NFKC or IDN turn into its letters (circled letters,
     * Roman numerals, U+1806 that IDN drops) is the domain the e-mail guard reads, and a mailer delivers to:
     * the key's domain is that reading, so a Gmail inbox keeps its dots and sub-address folded.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "bob+1@\u24D6mail.com",
                "b.ob@g\u24DCail.com",
                "bob@g\u216Fail.com",
                "bo.b@gm\u1806ail.com",
                "bob@\u24D6\u24DC\u24D0\u24D8\u24DB.com",
                "bob@GMAIL.COM",
                "bob@gmail.co\u24DC",
            })
    void aDomainIsReadAsTheEmailGuardReadsIt(String spelling) {
        assertThat(key(spelling)).isEqualTo("bob@gmail.com");
    }

    /** probe44a F2, F3: Proton reads '.', '_' and '-' as nothing; Yandex's and Apple's domains are aliases. */
    @Test
    void protonsTransparentCharactersAndYandexAndAppleAliasesAreOneInbox() {
        for (String spelling : new String[] {"ann.smith@proton.me", "ann_smith@pm.me", "a.n_n-smith@protonmail.com"}) {
            assertThat(key(spelling)).as(spelling).isEqualTo("annsmith@proton.me");
        }
        for (String spelling : new String[] {"ivan.petrov@yandex.ru", "ivan-petrov@ya.ru", "ivan.petrov+1@yandex.by"}) {
            assertThat(key(spelling)).as(spelling).isEqualTo("ivan.petrov@yandex.ru");
        }
        assertThat(key("ivanpetrov@yandex.com"))
                .as("another account: Yandex reads '-' as '.', not as nothing (review44 F6)")
                .isEqualTo("ivanpetrov@yandex.ru");
        for (String spelling : new String[] {"ann@icloud.com", "ann@me.com", "Ann+x@mac.com"}) {
            assertThat(key(spelling)).as(spelling).isEqualTo("ann@icloud.com");
        }
    }

    @Test
    void aControlCharacterEndsTheAddressToo() {
        // no JSON body carries it unescaped: the reading itself
        assertThat(Mailboxes.key("annsmith@gmail.com\u0001x3")).isEqualTo(Mailboxes.UNUSUAL);
        assertThat(Mailboxes.key("annsmith@gmail.com\u0001")).isEqualTo("annsmith@gmail.com");
        assertThat(Mailboxes.key("\"a@b\"@example.com")).isEqualTo(Mailboxes.UNUSUAL);
    }

    /** review43 F2: a list keyed whole gave a key the attacker chose, by the other address. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "annsmith@gmail.com, x1@example.com",
                "x1@example.com; annsmith@gmail.com",
                "Ann <annsmith@gmail.com>, Bob <x1@example.com>",
                "x1@example.com <annsmith@gmail.com>",
            })
    void aValueNamingTwoAddressesHasNoKeyAndIsRefusedAsAmbiguous(String value) {
        GuardRequest request = signUp(value, "198.51.100.1");
        KeyResolver mailbox = KeyResolver.parse("mailbox:/email");
        assertThat(mailbox.resolve(request)).as(value).isNull();
        assertThat(mailbox.unreadable(request)).isEqualTo(BodyField.Unreadable.AMBIGUOUS);
    }

    /** Yahoo's disposable addresses, base-keyword@, reach one inbox; Yahoo names hold no dash. */
    @Test
    void yahoosDisposableAddressesAreOneInbox() {
        for (String spelling : new String[] {"annbase-shop@yahoo.com", "AnnBase-news@Yahoo.com", "annbase@yahoo.com"}) {
            assertThat(key(spelling)).as(spelling).isEqualTo("annbase@yahoo.com");
        }
        assertThat(key("ann-x@yahoo.co.uk")).isEqualTo("ann@yahoo.co.uk");
        assertThat(key("ann-x@ymail.com")).isEqualTo("ann@ymail.com");
        assertThat(key("ann-x@yahoo.co.jp")).as("Yahoo Japan, another service").isEqualTo("ann-x@yahoo.co.jp");
        assertThat(key("ann-x@yahoo.example.com")).as("not Yahoo's").isEqualTo("ann-x@yahoo.example.com");
        assertThat(key("ann-x@gmail.com")).as("a dash elsewhere is the name's").isEqualTo("ann-x@gmail.com");
    }

    /** probe43b F1: Proton's domains are one account's, and Fastmail delivers a subdomain to its user. */
    @Test
    void protonsDomainsAndFastmailsSubdomainsAreOneInbox() {
        for (String spelling :
                new String[] {"ann@proton.me", "ann+1@protonmail.com", "Ann@ProtonMail.ch", "ann@pm.me"}) {
            assertThat(key(spelling)).as(spelling).isEqualTo("ann@proton.me");
        }
        for (String spelling :
                new String[] {"x1@ann.fastmail.com", "anything@Ann.FastMail.com", "ann+y@fastmail.com"}) {
            assertThat(key(spelling)).as(spelling).isEqualTo("ann@fastmail.com");
        }
        assertThat(key("x@ann.fastmail.fm")).isEqualTo("ann@fastmail.fm");
        assertThat(key("x@a.b.fastmail.com")).as("not Fastmail's scheme").isEqualTo("x@a.b.fastmail.com");
    }

    /** probe63a F4: Fastmail's subdomain addressing works on each of its domains, and a GMX account has two. */
    @Test
    void fastmailsOtherDomainsAndGmxsTwoNamesAreOneInboxEach() {
        for (String spelling : new String[] {"shop1@ann.sent.com", "x@Ann.Sent.com", "ann+7@sent.com"}) {
            assertThat(key(spelling)).as(spelling).isEqualTo("ann@sent.com");
        }
        assertThat(key("a@bob.fastmail.de")).isEqualTo("bob@fastmail.de");
        assertThat(key("a@bob.eml.cc")).isEqualTo("bob@eml.cc");
        assertThat(key("a@bob.fastmail.co.uk")).isEqualTo("bob@fastmail.co.uk");
        assertThat(key("bob@fastmail.co.uk")).as("the account itself").isEqualTo("bob@fastmail.co.uk");
        assertThat(key("a@bob.example.com")).as("no subdomain addressing").isEqualTo("a@bob.example.com");
        assertThat(key("hans.meier@gmx.net")).isEqualTo(key("hans.meier@GMX.de"));
        assertThat(key("hans.meier@gmx.at")).as("another country's GMX").isEqualTo("hans.meier@gmx.at");
    }

    /** review43 F9: an internationalised domain is one key in Unicode and in punycode, and keeps its accents. */
    @Test
    void aUnicodeDomainAndItsPunycodeShareAKeyAndDifferFromTheUnaccentedDomain() {
        assertThat(key("ann@b\u00FCcher.de"))
                .isEqualTo(key("ann@xn--bcher-kva.de"))
                .isEqualTo("ann@xn--bcher-kva.de");
        assertThat(key("ann@B\u00DCCHER.DE")).isEqualTo("ann@xn--bcher-kva.de");
        assertThat(key("ann@bucher.de")).isEqualTo("ann@bucher.de");
    }

    @Test
    void anUnbalancedParenthesisIsACharacterNotACommentThatHidesTheRest() {
        // no mail parser reads "(ann@gmail.com"; each count of open parentheses must not be an empty key
        assertThat(key("(annsmith@gmail.com")).isEqualTo(Mailboxes.UNUSUAL);
        assertThat(key("ann(x@gmail.com")).isEqualTo(Mailboxes.UNUSUAL);
    }

    @Test
    void subAddressesShareTheInboxAtEveryProviderAndDotsOnlyAtGmail() {
        assertThat(key("ann+shop@outlook.com"))
                .isEqualTo(key("ANN@Outlook.com"))
                .isEqualTo("ann@outlook.com");
        assertThat(key("a.nn@outlook.com")).isNotEqualTo(key("ann@outlook.com"));
        assertThat(key("ann@acme.example")).isNotEqualTo(key("bob@acme.example"));
        assertThat(key("ann@acme.example")).isNotEqualTo(key("ann@acme.example.org"));
    }

    @Test
    void paddingTheSubAddressPastTheKeysBoundStillNamesTheInbox() {
        String padded = "annsmith+" + "x".repeat(5_000) + "@gmail.com";
        String dotted = "a" + ".".repeat(5_000) + "nnsmith@gmail.com";
        assertThat(key(padded)).isEqualTo("annsmith@gmail.com");
        assertThat(key(dotted)).isEqualTo("annsmith@gmail.com");
    }

    @Test
    void aValueThatIsNoAddressIsKeyedAsAUserNameAndAbsentOrAmbiguousOnesAreNot() {
        assertThat(key(" Ann ")).isEqualTo("ann");
        assertThat(key("ann@")).isEqualTo(Mailboxes.UNUSUAL);
        KeyResolver mailbox = KeyResolver.parse("mailbox:/email");
        GuardRequest none = GuardRequest.builder("POST", "/api/accounts")
                .body("application/json", "{\"name\":\"ann\"}")
                .build();
        GuardRequest twice = GuardRequest.builder("POST", "/api/accounts")
                .body("application/json", "{\"email\":\"ann+1@gmail.com\",\"email\":\"ann+2@gmail.com\"}")
                .build();
        assertThat(mailbox.resolve(none)).isNull();
        assertThat(mailbox.unreadable(none)).isNull();
        assertThat(mailbox.resolve(twice)).isNull();
        assertThat(mailbox.unreadable(twice)).isEqualTo(BodyField.Unreadable.AMBIGUOUS);
        assertThat(mailbox.readsBody()).isTrue();
        assertThat(mailbox).hasToString("mailbox:/email");
    }

    @Test
    void aFormFieldIsReadAsABodyKeyReadsIt() {
        GuardRequest form = GuardRequest.builder("POST", "/api/accounts")
                .body("application/x-www-form-urlencoded", "email=Ann.Smith%2Bx%40gmail.com")
                .build();
        assertThat(KeyResolver.parse("mailbox:/email").resolve(form)).isEqualTo("annsmith@gmail.com");
    }

    /**
     * A form route's handler binds {@code @RequestParam}, the query string's value first: a key read from the
     * body alone would let the query carry the inbox while the body carries a fresh spelling each time.
     */
    @Test
    void aQueryKeyReadsTheParameterAsTheHandlerBindsIt() {
        KeyResolver mailbox = KeyResolver.parse("mailbox:query:email");
        GuardRequest split = GuardRequest.builder("POST", "/api/accounts")
                .queryParameter("email", "Ann.Smith+1@gmail.com")
                .body("application/x-www-form-urlencoded", "name=ann")
                .build();
        GuardRequest twice = GuardRequest.builder("POST", "/api/accounts")
                .queryParameter("email", "ann@gmail.com")
                .body("application/x-www-form-urlencoded", "email=bob%40gmail.com")
                .build();
        assertThat(mailbox.resolve(split)).isEqualTo("annsmith@gmail.com");
        assertThat(mailbox.resolve(twice)).isNull();
        assertThat(mailbox.unreadable(twice)).isEqualTo(BodyField.Unreadable.AMBIGUOUS);
        assertThat(mailbox).hasToString("mailbox:query:email");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> KeyResolver.parse("mailbox:query:"))
                .withMessageContaining("parameter name");
    }

    @Test
    void aMalformedOrMissingPointerFailsAtStartUp() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> KeyResolver.parse("mailbox:"))
                .withMessageContaining("mailbox");
        assertThatIllegalArgumentException().isThrownBy(() -> KeyResolver.parse("mailbox:email"));
    }

    @Test
    void aLimitPerMailboxHoldsAgainstSubAddressesFromManyAddresses() {
        RateLimitGuard guard = RateLimitGuard.builder()
                .store(LocalStateStore.builder().build())
                .rule(RateLimitRule.builder("sign-up-per-mailbox")
                        .path("/api/accounts")
                        .key("mailbox:/email")
                        .limit(Limit.of(2, Duration.ofDays(1)))
                        .build())
                .build();
        int allowed = 0;
        for (int i = 0; i < 20; i++) {
            String spelling = (i % 2 == 0 ? "ann.smith" : "annsmith") + "+" + i + "@gmail.com";
            if (guard.check(signUp(spelling, "203.0.113." + (i + 1))).isAllow()) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(2);
        assertThat(guard.check(signUp("bob@gmail.com", "203.0.113.99")).isAllow())
                .isTrue();
    }
}
