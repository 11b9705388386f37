package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * With the MX check on, a delivery domain that DNS says does not exist (NXDOMAIN) takes no mail, as one publishing the
 * null MX: a made-up domain was read as a failed look-up and let through, so a bot signed up with any name it made up.
 */
class NoSuchDomainTest {

    private final AtomicLong now = new AtomicLong();
    private final List<String> asked = new ArrayList<>();

    private DisposableDomains domains(MxResolver dns) {
        return new DisposableDomains(
                List.of(),
                List.of(DomainSource.majorProviders()),
                List.of(DomainSource.sharedMailHosts()),
                null,
                new MxCheck(dns, Duration.ofMillis(50), 1_000, Duration.ofHours(1), List.of(), now::get));
    }

    private MxResolver answering(String missing, List<String> elsewhere) {
        return domain -> {
            asked.add(domain);
            return CompletableFuture.completedFuture(domain.equals(missing) ? MxResolver.NO_SUCH_DOMAIN : elsewhere);
        };
    }

    @Test
    void aDeliveryDomainThatDoesNotExistTakesNoMail() {
        DisposableDomains domains = domains(answering("made-up-4711.example", List.of("mx.real.example.")));

        assertThat(domains.match("bot@made-up-4711.example"))
                .isNotNull()
                .extracting(DisposableDomains.Match::source)
                .isEqualTo(DisposableDomains.NULL_MX);
        assertThat(domains.isDisposable("bot@made-up-4711.example")).isTrue();
        assertThat(domains.match("ann@real.example"))
                .as("a domain with a mail server")
                .isNull();
    }

    @Test
    void aHopThatDoesNotExistDoesNotMakeTheAddressUndeliverable() {
        DisposableDomains domains = domains(answering("gone.example", List.of("mx.good.example.")));
        domains.match("@gone.example:anna@good.example");

        assertThat(domains.match("@gone.example:anna@good.example"))
                .as("looked up: " + asked + "; delivered to good.example")
                .isNull();
    }

    @Test
    void aNameThatDidNotExistIsAskedAgainAfterAMinute() {
        boolean[] registered = {false};
        DisposableDomains domains = domains(domain -> {
            asked.add(domain);
            return CompletableFuture.completedFuture(
                    registered[0] || domain.equals(MxCheck.CANARY)
                            ? List.of("mx.fresh.example.")
                            : MxResolver.NO_SUCH_DOMAIN);
        });
        assertThat(domains.match("ann@fresh.example")).isNotNull();

        registered[0] = true;
        now.addAndGet(Duration.ofSeconds(61).toNanos());

        assertThat(domains.match("ann@fresh.example"))
                .as("registered since: not kept the hour an answer is")
                .isNull();
        assertThat(asked).containsExactly("fresh.example", MxCheck.CANARY, "fresh.example");
    }

    @Test
    void aResolverThatSaysNoSuchDomainOfEveryNameIsNotBelieved() {
        // a sandbox's stub resolver, or a DNS filter hiding what it blocks: gmail.com "does not exist" either
        DisposableDomains domains = domains(domain -> {
            asked.add(domain);
            return CompletableFuture.completedFuture(MxResolver.NO_SUCH_DOMAIN);
        });

        assertThat(domains.match("ann@small-business.example")).isNull();
        assertThat(domains.match("bob@other-business.example")).isNull();
        assertThat(asked)
                .as("the canary asked once a minute at most")
                .containsExactly("small-business.example", MxCheck.CANARY, "other-business.example");

        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(domains.match("cid@third-business.example")).isNull();
        assertThat(asked)
                .containsOnlyOnce("third-business.example")
                .filteredOn(MxCheck.CANARY::equals)
                .hasSize(2);
    }

    /** review95 F5: a resolver that starts to say no name exists is noticed at the next canary, within a minute. */
    @Test
    void aResolverThatStartsToLieIsNoticedAtTheNextCanary() {
        boolean[] lying = {false};
        DisposableDomains domains = domains(domain -> CompletableFuture.completedFuture(
                lying[0] || !domain.equals(MxCheck.CANARY) ? MxResolver.NO_SUCH_DOMAIN : List.of("mx.gmail.example.")));
        assertThat(domains.match("bot@made-up.example"))
                .as("believed while gmail.com resolves")
                .isNotNull();

        lying[0] = true;
        now.addAndGet(Duration.ofSeconds(61).toNanos());

        assertThat(domains.match("ann@small-business.example")).isNull();
    }

    @Test
    void aCanaryThatFailsToAnswerLeavesNoSuchDomainUnbelieved() {
        DisposableDomains domains = domains(domain -> domain.equals(MxCheck.CANARY)
                ? CompletableFuture.failedFuture(new IllegalStateException("timeout"))
                : CompletableFuture.completedFuture(MxResolver.NO_SUCH_DOMAIN));

        assertThat(domains.match("ann@small-business.example")).isNull();
    }

    /** The system resolver's NXDOMAIN, from a DNS server on a loopback port, is the answer "no such domain". */
    @Test
    void aDnsServersNxdomainIsNoSuchDomainAndItsServerFailureAFailedLookUp() throws Exception {
        try (TinyDns server = new TinyDns()) {
            MxResolver dns = MxResolver.dns(Duration.ofSeconds(2), "dns://127.0.0.1:" + server.port());

            server.rcode = 3; // NXDOMAIN
            assertThat(dns.mailHosts("made-up.example").get(10, TimeUnit.SECONDS))
                    .isSameAs(MxResolver.NO_SUCH_DOMAIN);

            server.rcode = 2; // SERVFAIL: a failure to ask, not an answer
            assertThat(dns.mailHosts("broken.example"))
                    .failsWithin(Duration.ofSeconds(20))
                    .withThrowableThat()
                    .withCauseInstanceOf(IllegalStateException.class);
        }
    }

    /** Answers every query with no records and the response code it is told. */
    private static final class TinyDns implements AutoCloseable {
        private final DatagramSocket socket;
        private final Thread thread;
        volatile int rcode;

        TinyDns() throws SocketException {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            thread = new Thread(this::serve, "tiny-dns");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            byte[] buffer = new byte[512];
            while (!socket.isClosed()) {
                DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(query);
                    byte[] answer = java.util.Arrays.copyOf(query.getData(), query.getLength());
                    answer[2] = (byte) (0x80 | (answer[2] & 0x79)); // a response, the query's opcode and RD
                    answer[3] = (byte) (0x80 | rcode); // recursion available, the response code
                    for (int i = 6; i < 12; i++) {
                        answer[i] = 0; // no answer, authority or additional records
                    }
                    socket.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
