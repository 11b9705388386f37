package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.store.LocalStateStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * probe48c F1: with the MX check on, a client naming many fresh domains filled the resolver's queue; the refused
 * look-up threw out of the guard, whose failure policy then let every sign-up through, 53 of 60 listed domains
 * included. A look-up that cannot start is no answer, and what the lists know is asked before any look-up.
 */
class FullResolverQueueTest {
    private final AtomicBoolean full = new AtomicBoolean(true);
    private final AtomicInteger asked = new AtomicInteger();

    private final MxResolver resolver = domain -> {
        asked.incrementAndGet();
        if (full.get()) {
            throw new RejectedExecutionException("queue full");
        }
        return CompletableFuture.completedFuture(List.of("mx.temp-infra.example"));
    };

    private final DisposableDomains domains = new DisposableDomains(
            List.of(DomainSource.of("test", DomainList.of(List.of("mailinator.com")))),
            List.of(DomainSource.majorProviders()),
            LocalStateStore.builder().build().bans("email:blocked"),
            new MxCheck(resolver, Duration.ZERO, 1_000, Duration.ofHours(1), List.of("mx.temp-infra.example")));

    @Test
    void aListedDomainMatchesWhileTheQueueIsFull() {
        assertThat(domains.match("bot@mailinator.com")).isNotNull();
    }

    @Test
    void aListedDomainLaterInTheFieldIsFoundBeforeAFreshDomainIsLookedUp() {
        FieldAddresses field = FieldAddresses.read(List.of("a@fresh.example", "x@mailinator.com"));

        assertThat(domains.match(field, 0)).isNull();
        assertThat(domains.match(field, 1)).isNotNull();
    }

    @Test
    void aLookUpThatCouldNotStartIsAskedAgainOnceItCan() {
        assertThat(domains.match("a@fresh.example").source())
                .as("not looked up, so not known to be clean (review57 F2)")
                .isEqualTo(DisposableDomains.MX_UNCHECKED);
        full.set(false);

        assertThat(domains.match("b@fresh.example"))
                .as("the full queue's refusal was not kept as the domain's answer")
                .isNotNull();
        assertThat(asked.get()).isEqualTo(2);
    }
}
