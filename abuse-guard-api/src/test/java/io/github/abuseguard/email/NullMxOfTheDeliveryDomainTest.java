package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * The null MX (RFC 7505) says the domain it is published on accepts no mail: only the delivery domain's speaks for the
 * address (review91: a second reading of a sharp s, a source route's or a percent hack's hop with a null MX does not make
 * a deliverable address undeliverable); the delivery domain's is read in every spelling, in multi-value fields
 * (review92), and at several preferences (review93).
 */
class NullMxOfTheDeliveryDomainTest {
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
    }

    private final FakeDns dns = new FakeDns();
    private final FakeTimeSource clock = new FakeTimeSource();
    private final StateStore store = LocalStateStore.builder().timeSource(clock).build();

    private DisposableDomains domains() {
        return new DisposableDomains(
                List.of(DomainSource.of("test", DomainList.of(List.of("listed.example")))),
                List.of(DomainSource.majorProviders()),
                store.bans("email:blocked"),
                new MxCheck(dns, Duration.ZERO, 1_000, Duration.ofHours(1), List.of()));
    }

    /**
     * Answers every look-up: a domain given a record has it; otherwise one containing {@code parked}, "strasse" or
     * "nullmx" has the null MX, any other one an MX.
     */
    private void answerAll() {
        dns.pending.forEach((domain, answer) -> answer.complete(dns.records.getOrDefault(
                domain,
                domain.contains("parked") || domain.contains("strasse") || domain.contains("nullmx")
                        ? List.of(".")
                        : List.of("mx.mail.example."))));
    }

    private DisposableDomains.Match matchAfterAnswers(DisposableDomains domains, String address) {
        domains.match(address);
        answerAll();
        return domains.match(address);
    }

    @Test
    void anIdnDeliveryDomainWithANullMxIsStillRefused() {
        DisposableDomains domains = domains();

        assertThat(matchAfterAnswers(domains, "bot@münchen-nullmx.example"))
                .as("looked up: " + dns.asked)
                .isNotNull()
                .extracting(DisposableDomains.Match::source)
                .isEqualTo(DisposableDomains.NULL_MX);
    }

    @Test
    void aSharpSDeliveryDomainWithANullMxIsStillRefused() {
        DisposableDomains domains = domains();

        // its own (ß) spelling is the parked one: "parked" is in both readings
        assertThat(matchAfterAnswers(domains, "bot@parkedstraße.example"))
                .as("looked up: " + dns.asked)
                .isNotNull()
                .extracting(DisposableDomains.Match::source)
                .isEqualTo(DisposableDomains.NULL_MX);
    }

    @Test
    void anUppercaseTrailingDotDeliveryDomainWithANullMxIsStillRefused() {
        DisposableDomains domains = domains();

        assertThat(matchAfterAnswers(domains, "bot@PARKED.Example."))
                .as("looked up: " + dns.asked)
                .isNotNull()
                .extracting(DisposableDomains.Match::source)
                .isEqualTo(DisposableDomains.NULL_MX);
    }

    /**
     * Two recipients of one field, both at a domain whose "ss" reading is parked: the first passes (410d47bc), the
     * second is refused, because the field keeps the parked reading's NULL_MX answer and the first loop of
     * match(field, index) returns a kept answer without asking whether it is the delivery domain's.
     */
    @Test
    void theSecondAddressOfAFieldIsNotRefusedForAHopsNullMxTheFirstOneLookedUp() {
        DisposableDomains domains = domains();
        List<String> values = List.of("anna@müllerstraße.example", "bob@müllerstraße.example");

        FieldAddresses first = FieldAddresses.read(values);
        for (int a = 0; a < first.size(); a++) {
            domains.match(first, a);
        }
        answerAll();

        FieldAddresses field = FieldAddresses.read(values);
        assertThat(domains.match(field, 0)).as("looked up: " + dns.asked).isNull();
        assertThat(domains.match(field, 1))
                .as("bob@müllerstraße.example alone passes; so should it as the field's second value")
                .isNull();
    }

    @Test
    void theSecondSourceRoutedAddressOfAFieldIsNotRefusedForItsHopsNullMx() {
        DisposableDomains domains = domains();
        List<String> values = List.of("@parked.example:anna@good.example", "@parked.example:bob@good.example");

        FieldAddresses first = FieldAddresses.read(values);
        for (int a = 0; a < first.size(); a++) {
            domains.match(first, a);
        }
        answerAll();

        FieldAddresses field = FieldAddresses.read(values);
        assertThat(domains.match(field, 0)).as("looked up: " + dns.asked).isNull();
        assertThat(domains.match(field, 1)).isNull();
    }

    /**
     * review93 F3: a domain publishing the null MX twice ({@code 0 .} and {@code 10 .}) takes no mail either, but
     * MxCheck.isNullMx asks for exactly one host.
     */
    @Test
    void aDomainWithTwoNullMxRecordsIsStillRefused() {
        DisposableDomains domains = domains();

        domains.match("bot@twice-parked.example");
        dns.pending.forEach((domain, answer) -> answer.complete(List.of(".", ".")));
        assertThat(domains.match("bot@twice-parked.example"))
                .as("looked up: " + dns.asked)
                .isNotNull()
                .extracting(DisposableDomains.Match::source)
                .isEqualTo(DisposableDomains.NULL_MX);
    }

    @Test
    void theSecondReadingOfASharpSWithANullMxDoesNotMakeTheRealDomainTakeNoMail() {
        // the real domain, with ß, takes mail; its "ss" spelling is a parked name publishing the null MX
        DisposableDomains domains = domains();

        domains.match("anna@müllerstraße.example");
        dns.pending.forEach((domain, answer) ->
                answer.complete(domain.contains("strasse") ? List.of(".") : List.of("mx.mueller.example.")));
        DisposableDomains.Match match = domains.match("anna@müllerstraße.example");

        assertThat(match)
                .as("looked up: " + dns.asked + "; the address is delivered to müllerstraße.example, which takes mail")
                .isNull();
    }

    @Test
    void aSourceRoutesHopWithANullMxDoesNotMakeTheAddressTakeNoMail() {
        dns.records.put("good.example", List.of("mx.good.example."));
        dns.records.put("parked.example", List.of("."));
        DisposableDomains domains = domains();

        DisposableDomains.Match match = matchAfterAnswers(domains, "@parked.example:anna@good.example");

        assertThat(match)
                .as("looked up: " + dns.asked + "; delivered to good.example")
                .isNull();
    }

    @Test
    void controlTheDeliveryDomainsNullMxIsRefused() {
        dns.records.put("parked.example", List.of("."));
        DisposableDomains domains = domains();

        assertThat(matchAfterAnswers(domains, "anna@parked.example"))
                .isNotNull()
                .extracting(DisposableDomains.Match::source)
                .isEqualTo(DisposableDomains.NULL_MX);
    }
}
