package io.github.abuseguard.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.identity.ClientResolver;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * review125 F6: an IP-list block written in the operator's own NAT64 prefix names the IPv4 block only under a /96
 * prefix; under a /64 prefix (a length README and the resolver take) the block stays the IPv6 block as written, which
 * no client ever is (the resolver makes every client there its IPv4 address), and nothing says so: the deny entry
 * denies nobody.
 */
class Review125IpListTest {

    @Test
    void aDenyBlockInAnOwnSlash64PrefixDeniesTheTranslatedClients() {
        ClientResolver resolver =
                ClientResolver.builder().nat64Prefixes("2001:db8:64:ab::/64").build();
        // RFC 6052 under a /64: the IPv4 address in bits 72-103, after the u octet
        assertThat(resolver.keyOf("2001:db8:64:ab:c6:3364:700:0"))
                .as("the resolver's client of the translated address")
                .isEqualTo("198.51.100.7");
        IpListGuard guard = IpListGuard.builder()
                .translationPrefixes(List.of("2001:db8:64:ab::/64"))
                .deny("2001:db8:64:ab:c6:3364::/96") // 198.51.100.0/24 as that prefix translates it
                .build();

        GuardRequest translated = GuardRequest.builder("GET", "/api/scores")
                .client("198.51.100.7")
                .build();

        assertThat(guard.check(translated).isDeny())
                .as("the translated client of a denied block; the list reads %s", guard.denied())
                .isTrue();
    }

    /** The same under a /48 prefix: the IPv4 address split around the u octet (bits 48-63, then 72-87). */
    @Test
    void aDenyBlockInAnOwnSlash48PrefixDeniesTheTranslatedClientsOnly() {
        ClientResolver resolver =
                ClientResolver.builder().nat64Prefixes("2001:db8:64::/48").build();
        assertThat(resolver.keyOf("2001:db8:64:c633:64:700::")).isEqualTo("198.51.100.7");
        IpListGuard guard = IpListGuard.builder()
                .translationPrefixes(List.of("2001:db8:64::/48"))
                .deny("2001:db8:64:c633:64::/80") // 198.51.100.0/24
                .build();

        assertThat(guard.check(GuardRequest.builder("GET", "/api/scores")
                                .client("198.51.100.7")
                                .build())
                        .isDeny())
                .isTrue();
        assertThat(guard.check(GuardRequest.builder("GET", "/api/scores")
                                .client("198.51.101.7")
                                .build())
                        .isDeny())
                .as("outside the block")
                .isFalse();
    }
}
