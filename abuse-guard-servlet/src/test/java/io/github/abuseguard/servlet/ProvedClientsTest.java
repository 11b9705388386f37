package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A client found proved is remembered for a few seconds, in a bounded table; its absence never is. */
class ProvedClientsTest {
    private final AtomicLong now = new AtomicLong(-ProvedClients.REMEMBERED_NANOS); // the clock's sign is no matter
    private final ProvedClients proved = new ProvedClients(now::get, java.time.Duration.ofHours(24));

    @Test
    void aClientFoundProvedIsRememberedForAFewSecondsOnly() {
        assertThat(proved.proved("198.51.100.7")).as("never found").isFalse();

        proved.found("198.51.100.7");
        now.addAndGet(ProvedClients.REMEMBERED_NANOS - 1);
        assertThat(proved.proved("198.51.100.7")).isTrue();
        assertThat(proved.proved("198.51.100.8")).as("another client").isFalse();

        now.addAndGet(1);
        assertThat(proved.proved("198.51.100.7")).as("asked of the store again").isFalse();
    }

    @Test
    void aShortProofIsRememberedForATenthOfItsLifetime() {
        ProvedClients shortLived = new ProvedClients(now::get, java.time.Duration.ofSeconds(1));
        shortLived.found("198.51.100.7");
        now.addAndGet(99_999_999);
        assertThat(shortLived.proved("198.51.100.7")).isTrue();
        now.addAndGet(1);
        assertThat(shortLived.proved("198.51.100.7"))
                .as("review70 F1: a 1 s proof was remembered 5 s")
                .isFalse();
    }

    @Test
    void aClientPushedOutOfItsSlotIsLookedUpAgain() {
        String first = "a";
        String second = null;
        for (int i = 0; second == null; i++) {
            String candidate = "client-" + i;
            if ((candidate.hashCode() & (ProvedClients.SLOTS - 1)) == (first.hashCode() & (ProvedClients.SLOTS - 1))) {
                second = candidate;
            }
        }
        proved.found(first);
        proved.found(second);

        assertThat(proved.proved(second)).isTrue();
        assertThat(proved.proved(first)).as("its slot holds another client now").isFalse();
    }
}
