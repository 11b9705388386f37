package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.store.BannedKey;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.LocalStateStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzes the reading of one e-mail field as the guard reads it: every value of a JSON array, each
 * possibly a list, a group, a source route, a percent hack, with comments, quoted strings and folding
 * white space. The input is UTF-8 text; its lines are the field's values, and its first two lines also
 * give the local part and a comment for the second property. What a user relies on:
 *
 * <ul>
 *   <li>any field is answered: allowed, or refused for one of the documented e-mail reasons, never an
 *       exception; a field over a bound names no address, and one within them at most {@link
 *       DisposableDomains#MAX_DOMAINS} different domains, each a normalised name;
 *   <li>the domains counted are the domains looked up: the guard asks the bounce-feedback store about
 *       each reported domain exactly once (all of them when it allows the field), and about nothing else;
 *   <li>a refusal for the total ({@link DisposableDomains#MAX_DOMAINS_NAMED}) needs that many {@code @}
 *       and {@code %} signs in the field;
 *   <li>an address spelled with a comment, a display name, folding white space, a group or a quoted
 *       local part names what the plain address names and gets the same answer (lists, bounce feedback,
 *       the MX check), and 33 colleagues so spelled, each with a different comment, name one domain.
 * </ul>
 *
 * <p>CI replays the committed inputs (regression mode); {@code JAZZER_FUZZ=1} fuzzes for up to ten
 * minutes.
 */
class FieldAddressesFuzzTest {
    private static final int MAX = DisposableDomains.MAX_DOMAINS;
    private static final int NAMED = DisposableDomains.MAX_DOMAINS_NAMED;
    private static final Pattern NORMAL = Pattern.compile("[a-z0-9_-]{1,63}(\\.[a-z0-9_-]{1,63})*");
    private static final Set<String> REFUSALS =
            Set.of("disposable-email", "unreadable-email-domain", "too-many-email-domains", "non-public-email-domain");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Domains for the plain address: ordinary, listed, on a disposable mail server, bounced, major, IDN. */
    private static final List<String> DOMAINS = List.of(
            "acme.com",
            "ACME.Com.",
            "mailinator.com",
            "Sub.YOPMAIL.com",
            "fresh.example",
            "bounced.example",
            "gmail.com",
            "m\u00FCnchen.de",
            "xn--mnchen-3ya.de",
            "yopmail.com\u200B",
            "acme.com\u00A0");

    /**
     * The forms of one address that mail software delivers as the plain address, from its local part and
     * domain and any text, which becomes a comment (nested or not, before or after the {@code @}), a quoted
     * display name or a bare one.
     */
    private static final List<BiFunction<String[], String, String>> FORMS = List.of(
            (a, t) -> a[0] + "@" + a[1] + " (" + comment(t) + ")",
            (a, t) -> a[0] + "@" + a[1] + "(" + comment(t) + ")",
            (a, t) -> a[0] + "(" + comment(t) + ")@" + a[1],
            (a, t) -> a[0] + "@(" + comment(t) + ")" + a[1],
            (a, t) -> "\"" + quoted(t) + "\" <" + a[0] + "@" + a[1] + ">",
            (a, t) -> "<" + a[0] + "@" + a[1] + "> (" + comment(t) + ")",
            (a, t) -> a[0] + "@" + a[1] + "\r\n (" + comment(t) + ")",
            (a, t) -> a[0] + " @ " + a[1].replace(".", " . "),
            (a, t) -> "team: " + a[0] + "@" + a[1] + ";",
            (a, t) -> a[0] + "@" + a[1] + " ((" + comment(t) + ") " + comment(t) + ")",
            (a, t) -> "\"" + a[0] + "\"@" + a[1],
            (a, t) -> words(t) + " <" + a[0] + "@" + a[1] + ">");

    private static final Judge JUDGE = new Judge();

    @FuzzTest(maxDuration = "10m")
    void aFieldIsReadWithinItsBoundsAndEverySpellingOfAnAddressIsJudgedAlike(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        List<String> values = List.of(text.split("\n", -1));

        anyFieldIsAnsweredAndItsCountedDomainsAreItsLookedUpDomains(values, text);

        String local = local(values.get(0));
        String note = values.size() > 1 ? values.get(1) : text;
        String domain = DOMAINS.get(Math.floorMod(text.hashCode(), DOMAINS.size()));
        everyFormOfAnAddressIsJudgedAsThePlainAddress(local, domain, note.substring(0, Math.min(note.length(), 200)));
    }

    private static void anyFieldIsAnsweredAndItsCountedDomainsAreItsLookedUpDomains(List<String> values, String text) {
        FieldAddresses field = FieldAddresses.read(values);
        Set<String> reported = new LinkedHashSet<>();
        if (field.excess() != null) {
            assertThat(field.size()).isZero();
            assertThat(field.spellings()).isZero();
            if (field.excess() == FieldAddresses.Excess.DOMAINS_NAMED) {
                assertThat(atAndPercentSigns(text))
                        .as("signs in a field refused for its total")
                        .isGreaterThan(NAMED);
            }
        } else {
            assertThat(field.spellings()).isLessThanOrEqualTo(MAX);
            assertThat(field.size()).isLessThanOrEqualTo(Math.min(values.size(), NAMED));
            for (int a = 0; a < field.size(); a++) {
                List<String> domains = field.domains(a);
                assertThat(domains).doesNotHaveDuplicates();
                for (String domain : domains) {
                    assertThat(domain).matches(NORMAL).hasSizeLessThanOrEqualTo(253);
                    assertThat(EmailDomain.normalise(domain)).isEqualTo(domain);
                }
                reported.addAll(domains);
            }
            assertThat(reported.size()).isLessThanOrEqualTo(field.spellings());
        }
        if (atAndPercentSigns(text) <= NAMED) {
            assertThat(field.excess()).isNotEqualTo(FieldAddresses.Excess.DOMAINS_NAMED);
        }

        Judge judge = JUDGE;
        Decision decision = judge.checkField(values);
        assertThat(decision.isAllow() || REFUSALS.contains(decision.reason()))
                .as("answered %s", decision)
                .isTrue();
        assertThat(judge.asked).as("each domain looked up once").doesNotHaveDuplicates();
        assertThat(reported).containsAll(judge.asked);
        if (decision.isAllow()) {
            // every domain was looked up; only one that a list names (and an allowlist overrules) is
            // never asked about bounces
            for (String domain : reported) {
                assertThat(judge.asked.contains(domain) || judge.domains.matchLists(domain) != null)
                        .as("%s looked up", domain)
                        .isTrue();
            }
        }
        if (field.excess() != null) {
            assertThat(decision.reason()).isEqualTo("too-many-email-domains");
            assertThat(judge.asked).isEmpty();
        }
    }

    private static void everyFormOfAnAddressIsJudgedAsThePlainAddress(String local, String domain, String note) {
        String[] parts = {local, domain};
        String plain = local + "@" + domain;
        FieldAddresses read = FieldAddresses.read(List.of(plain));
        assertThat(read.size()).isEqualTo(1);
        assertThat(read.deliveryDomain(0)).isEqualTo(EmailDomain.of(plain));
        Judge judge = JUDGE;
        DisposableDomains.Match plainMatch = judge.domains.match(plain);
        String plainAnswer = judge.checkField(List.of(plain)).reason();

        List<String> colleagues = new ArrayList<>();
        for (int f = 0; f < FORMS.size(); f++) {
            String form = FORMS.get(f).apply(parts, note);
            FieldAddresses formRead = FieldAddresses.read(List.of(form));
            assertThat(formRead.excess()).as(form).isNull();
            assertThat(formRead.spellings()).as(form).isEqualTo(read.spellings());
            assertThat(formRead.size()).as(form).isEqualTo(1);
            assertThat(formRead.domains(0)).as(form).isEqualTo(read.domains(0));
            assertThat(formRead.hasUnreadableDomain(0)).as(form).isEqualTo(read.hasUnreadableDomain(0));
            assertThat(judge.domains.match(form)).as(form).isEqualTo(plainMatch);
            assertThat(judge.checkField(List.of(form)).reason()).as(form).isEqualTo(plainAnswer);
        }
        for (int i = 0; i <= MAX; i++) {
            String[] colleague = {local + i, domain};
            colleagues.add(FORMS.get(i % FORMS.size()).apply(colleague, note + " " + i));
        }
        FieldAddresses field = FieldAddresses.read(colleagues);
        assertThat(field.excess()).as("%s", colleagues).isNull();
        assertThat(field.spellings()).isEqualTo(read.spellings());
        assertThat(judge.checkField(colleagues).reason()).isEqualTo(plainAnswer);
    }

    /** A guard on a JSON array field with a list, bounce feedback and an MX check, counting look-ups. */
    private static final class Judge {
        final List<String> asked = new ArrayList<>();
        final DisposableDomains domains;
        final DisposableEmailGuard guard;

        Judge() {
            Bans bounced = new Bans() {
                private final Bans delegate = LocalStateStore.builder().build().bans("email:blocked");

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
            };
            bounced.ban("bounced.example", Duration.ofHours(1));
            MxResolver dns = name -> CompletableFuture.completedFuture(
                    name.equals("fresh.example") ? List.of("mx.throwaway-host.example") : List.of());
            domains = new DisposableDomains(
                    List.of(DomainSource.bundled()),
                    List.of(DomainSource.majorProviders()),
                    bounced,
                    new MxCheck(
                            dns,
                            Duration.ofSeconds(1),
                            100,
                            Duration.ofHours(1),
                            List.of("mx.throwaway-host.example")));
            guard = DisposableEmailGuard.of(
                    domains, List.of(EmailRule.builder("field").path("/f").build()));
        }

        Decision checkField(List<String> values) {
            asked.clear();
            return guard.check(GuardRequest.builder("POST", "/f")
                    .body("application/json", "{\"email\":" + JSON.writeValueAsString(values) + "}")
                    .build());
        }
    }

    private static long atAndPercentSigns(String text) {
        return text.chars()
                .filter(c -> EmailDomain.isAt((char) c) || EmailDomain.isPercent((char) c))
                .count();
    }

    /** An ordinary local part from the text: its letters, digits and {@code ._+-}, at most 20, or {@code u}. */
    private static String local(String text) {
        StringBuilder local = new StringBuilder();
        for (int i = 0; i < text.length() && local.length() < 20; i++) {
            char c = text.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "._+-".indexOf(c) >= 0) {
                local.append(c);
            }
        }
        return local.isEmpty() ? "u" : local.toString();
    }

    /** Any text as the content of an RFC 5322 comment: parentheses and backslashes escaped. */
    private static String comment(String text) {
        StringBuilder comment = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(' || c == ')' || c == '\\') {
                comment.append('\\');
            }
            comment.append(c);
        }
        return comment.toString();
    }

    /** Any text as the content of a quoted string: quotes and backslashes escaped. */
    private static String quoted(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The letters and spaces of a text, a display name without quotes. */
    private static String words(String text) {
        StringBuilder words = new StringBuilder("Ann ");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ' ') {
                words.append(c);
            }
        }
        return words.toString();
    }
}
