package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What reading one field costs: each different spelling of a domain is normalised once, however often
 * and however it is repeated, and a field over a bound is refused before any is (review MEDIUM-1: repeats
 * no longer count against {@link DisposableDomains#MAX_DOMAINS}, so they must not cost what a different
 * domain costs).
 */
class FieldAddressesTest {
    private static final int MAX = DisposableDomains.MAX_DOMAINS;
    private static final int NAMED = DisposableDomains.MAX_DOMAINS_NAMED;

    private static List<String> repeated(int count, String domain) {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            addresses.add("u" + i + "@" + domain);
        }
        return addresses;
    }

    private static List<String> allDomains(FieldAddresses field) {
        List<String> domains = new ArrayList<>();
        for (int a = 0; a < field.size(); a++) {
            for (String domain : field.domains(a)) {
                if (!domains.contains(domain)) {
                    domains.add(domain);
                }
            }
        }
        return domains;
    }

    @Test
    void aDomainRepeatedUpToTheTotalIsNormalisedOnceWhateverItsCharacters() {
        String fullWidth = "\uFF41\uFF43\uFF4D\uFF45.com"; // NFKC: acme.com
        FieldAddresses list = FieldAddresses.read(List.of(String.join(", ", repeated(NAMED, fullWidth))));
        FieldAddresses array = FieldAddresses.read(repeated(NAMED, fullWidth));
        FieldAddresses hops = FieldAddresses.read(List.of("a" + ("%" + fullWidth).repeat(NAMED - 1) + "@" + fullWidth));

        for (FieldAddresses field : List.of(list, array, hops)) {
            assertThat(field.excess()).isNull();
            assertThat(field.spellings()).isEqualTo(1);
            assertThat(allDomains(field)).containsExactly("acme.com");
        }
        assertThat(array.size()).isEqualTo(NAMED);
    }

    @Test
    void asciiCaseVariantsAreOneSpellingAndOtherVariantsOneDomain() {
        List<String> cased = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // each of the 128 upper- and lower-case spellings of acme.com, about four times
            StringBuilder name = new StringBuilder();
            String plain = "acmecom";
            for (int bit = 0; bit < plain.length(); bit++) {
                char c = plain.charAt(bit);
                name.append((i & (1 << bit)) != 0 ? Character.toUpperCase(c) : c);
                if (bit == 3) {
                    name.append('.');
                }
            }
            cased.add("u" + i + "@" + name);
        }
        FieldAddresses field = FieldAddresses.read(cased);
        assertThat(field.spellings()).isEqualTo(1);
        assertThat(allDomains(field)).containsExactly("acme.com");

        FieldAddresses idn = FieldAddresses.read(
                List.of("a@M\u00FCnchen.DE, b@m\u00FCnchen.de, c@M\u00DCNCHEN.DE, d@xn--mnchen-3ya.de."));
        assertThat(idn.spellings()).isEqualTo(3);
        assertThat(allDomains(idn)).containsExactly("xn--mnchen-3ya.de");
    }

    @Test
    void aFieldOverEitherBoundIsRefusedWithNothingNormalised() {
        List<String> spellings = new ArrayList<>();
        for (int i = 0; i <= MAX; i++) {
            spellings.add("u@acme.com" + ".".repeat(i)); // one domain, 33 spellings
        }
        FieldAddresses distinct = FieldAddresses.read(spellings);
        assertThat(distinct.excess()).isEqualTo(FieldAddresses.Excess.DISTINCT_DOMAINS);
        assertThat(distinct.size()).isZero();
        assertThat(distinct.spellings()).isZero();

        // U+FDFA expands eighteen times under NFKC: a body's worth of it, named again and again
        FieldAddresses heavy = FieldAddresses.read(List.of("a" + "%\uFDFA".repeat(20_000) + "@acme.com"));
        assertThat(heavy.excess()).isEqualTo(FieldAddresses.Excess.DOMAINS_NAMED);
        assertThat(heavy.size()).isZero();

        assertThat(FieldAddresses.read(repeated(NAMED + 1, "acme.com")).excess())
                .isEqualTo(FieldAddresses.Excess.DOMAINS_NAMED);
        assertThat(FieldAddresses.read(List.of(String.join(",", repeated(NAMED + 1, "acme.com"))))
                        .excess())
                .isEqualTo(FieldAddresses.Excess.DOMAINS_NAMED);
    }

    @Test
    void spellingsOfTheSameHashAreStillTold() {
        // "aa" and "c#" hash alike (31 * 'a' + 'a' == 31 * 'c' + '#'): 32 spellings of one hash and length
        List<String> hops = new ArrayList<>();
        for (int i = 0; i < MAX - 1; i++) {
            StringBuilder hop = new StringBuilder("h");
            for (int bit = 0; bit < 5; bit++) {
                hop.append((i & (1 << bit)) != 0 ? "c#" : "aa");
            }
            hops.add(hop + ".example");
        }
        FieldAddresses field = FieldAddresses.read(List.of("a%" + String.join("%", hops) + "@haaaaaaaaaa.example"));

        assertThat(field.excess()).isNull();
        assertThat(field.spellings()).isEqualTo(MAX - 1);
        assertThat(field.domains(0)).first().isEqualTo("haaaaaaaaaa.example");
    }

    @Test
    void theDeliveryDomainComesFirstAndOnlyAfterAtSignsUnreadabilityCounts() {
        FieldAddresses field = FieldAddresses.read(List.of(
                "a%relay.example@b.example, c@d.example", "e%yop\uFFFCmail.com@f.example", "g@yop\uFFFCmail.com"));

        assertThat(field.size()).isEqualTo(3);
        assertThat(field.domains(0)).containsExactly("d.example", "b.example", "relay.example");
        assertThat(field.deliveryDomain(1)).isEqualTo("f.example");
        assertThat(field.hasUnreadableDomain(0)).isFalse();
        assertThat(field.hasUnreadableDomain(1)).isFalse();
        assertThat(field.hasUnreadableDomain(2)).isTrue();
    }

    @Test
    void anAddressWithCommentsADisplayNameOrFoldingSpaceIsOneSpellingWithThePlainAddress() {
        FieldAddresses field = FieldAddresses.read(List.of(
                "u@acme.com",
                "u@acme.com (User 3)",
                "u@acme.com(x)",
                "u(x)@acme.com",
                "u@(x)acme.com",
                "u@acme(x).com",
                "\"User\" <u@acme.com>",
                "User <u@acme.com> (desk (4) \\) x)",
                "u@ acme . com",
                "u@acme.com\r\n (folded)",
                "u@acme.com\u200B (invisible before the comment)",
                "u@acme.com (x@mailinator.com)",
                "team: u@acme.com;"));

        assertThat(field.excess()).isNull();
        assertThat(field.spellings()).isEqualTo(1);
        assertThat(allDomains(field)).containsExactly("acme.com");
    }

    /**
     * No mail parser finds an address in these, but an application that strips quotes or brackets would
     * deliver to the domain inside: it is judged, erring towards refusal.
     */
    @Test
    void aValueWhoseAtSignsAreAllInCommentsOrQuotedStringsNamesTheDomainInside() {
        FieldAddresses field =
                FieldAddresses.read(List.of("(u@mailinator.com)", "\"u@mailinator.com\"", "Ann (a@b.example)"));

        assertThat(field.excess()).isNull();
        assertThat(field.size()).isEqualTo(3);
        assertThat(field.spellings()).isEqualTo(2);
        assertThat(allDomains(field)).containsExactlyInAnyOrder("mailinator.com", "b.example");
    }

    @Test
    void aPlainAddressNamesTheDomainAfterEachAtSignAsItDoesWithAComment() {
        FieldAddresses plain = FieldAddresses.read(List.of("a@mailinator.com@acme.com"));
        FieldAddresses commented = FieldAddresses.read(List.of("a@mailinator.com@acme.com (x)"));

        assertThat(plain.domains(0)).containsExactly("acme.com", "mailinator.com");
        assertThat(commented.domains(0)).isEqualTo(plain.domains(0));
    }
}
