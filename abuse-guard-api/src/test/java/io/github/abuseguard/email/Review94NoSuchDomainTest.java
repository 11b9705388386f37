package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** review94: the NXDOMAIN answer of db1144b2/bb73944c. */
class Review94NoSuchDomainTest {

    private final AtomicLong now = new AtomicLong();

    /**
     * F2: an NXDOMAIN answer is said to be kept a minute, but the cache's expiry is decided when the look-up is put in
     * (still running: the hour an answer is kept) and only shortened on a read after it answered; that read still
     * returns it. A domain registered (or a resolver's passing NXDOMAIN) half an hour later is refused again.
     */
    @Test
    void aNameThatDidNotExistHalfAnHourAgoIsAskedAgain() {
        CompletableFuture<List<String>> first = new CompletableFuture<>();
        boolean[] registered = {false};
        MxResolver dns = domain -> {
            if (domain.equals(MxCheck.CANARY)) {
                return CompletableFuture.completedFuture(List.of("gmail-smtp-in.l.google.com"));
            }
            return registered[0] ? CompletableFuture.completedFuture(List.of("mx.fresh.example")) : first;
        };
        // budget zero: the first request does not wait (as one whose budget ran out before DNS answered)
        DisposableDomains domains = new DisposableDomains(
                List.of(),
                List.of(DomainSource.majorProviders()),
                List.of(DomainSource.sharedMailHosts()),
                null,
                new MxCheck(dns, Duration.ZERO, 1_000, Duration.ofHours(1), List.of(), now::get));

        domains.match("ann@fresh.example"); // the look-up starts, still running
        first.complete(MxResolver.NO_SUCH_DOMAIN); // DNS: no such name (yet)

        registered[0] = true;
        now.addAndGet(Duration.ofMinutes(30).toNanos());

        assertThat(domains.match("ann@fresh.example"))
                .as("registered half an hour later: the NXDOMAIN is no longer kept")
                .isNull();
    }
}
