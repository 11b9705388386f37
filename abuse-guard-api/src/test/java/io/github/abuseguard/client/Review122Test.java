package io.github.abuseguard.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.GuardRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** review122: failing tests of the findings on the IP lists. */
class Review122Test {

    private static final GuardRequest TRANSLATED =
            GuardRequest.builder("GET", "/api/scores").client("198.51.100.66").build();

    /**
     * The builder's translation prefixes apply only to the entries given after them: a deny entry written in the
     * operator's NAT64 prefix and then the prefix (as a builder is usually written: what to deny, then how) never
     * matches the translated client, which the resolver makes 198.51.100.66. Nothing says the entry was read as the
     * IPv6 block it cannot match.
     */
    @Test
    void aDenyEntryInTheTranslationPrefixDeniesTheTranslatedClientWhateverTheOrderOfTheBuildersCalls() {
        IpListGuard prefixFirst = IpListGuard.builder()
                .translationPrefixes(List.of("2001:db8:64::/96"))
                .deny("2001:db8:64::198.51.100.66")
                .build();
        assertThat(prefixFirst.check(TRANSLATED).isDeny())
                .as("control: the prefix given first")
                .isTrue();

        IpListGuard entryFirst = IpListGuard.builder()
                .deny("2001:db8:64::198.51.100.66")
                .translationPrefixes(List.of("2001:db8:64::/96"))
                .build();
        assertThat(entryFirst.check(TRANSLATED).isDeny())
                .as("the entry given before the prefix")
                .isTrue();
    }
}
