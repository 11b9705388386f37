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
 * review91: the null MX (RFC 7505) says the domain it is published on accepts no mail. Only the delivery domain's
 * says anything about whether the address takes mail; a second reading (ß read as "ss"), a source route's hop or a
 * percent hack's hop with a null MX does not make a deliverable address undeliverable.
 */
class Review91NullMxTest {
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

    private DisposableDomains domains() {
        return new DisposableDomains(
                List.of(DomainSource.of("test", DomainList.of(List.of("listed.example")))),
                List.of(DomainSource.majorProviders()),
                store.bans("email:blocked"),
                new MxCheck(dns, Duration.ZERO, 1_000, Duration.ofHours(1), List.of()));
    }

    private DisposableDomains.Match matchAfterAnswers(DisposableDomains domains, String address) {
        domains.match(address);
        dns.answerAll();
        return domains.match(address);
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
