package io.github.abuseguard.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.ClientIdentity;
import io.github.abuseguard.internal.IpRange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** probe77b: who the client is, attacked through the trusted-proxy list and the forwarded header's spellings. */
class Probe77bClientResolverTest {

    private static ClientIdentity resolve(ClientResolver resolver, String peer, Map<String, List<String>> headers) {
        return resolver.resolve(peer, name -> headers.getOrDefault(name, List.of()));
    }

    /**
     * F1: a whole translation prefix listed as a trusted proxy trusts every IPv4 client behind the translator (each
     * one's written address lies in it), so each can choose its own address in X-Forwarded-For. The same block
     * written as IPv4 ({@code 0.0.0.0/0}, or {@code ::ffff:0.0.0.0/96}) is refused as spanning public space.
     */
    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b::/96", "::ffff:0:0:0/96", "64:ff9b::/64"})
    void aWholeTranslationPrefixIsPublicSpaceLikeZeroSlashZero(String block) {
        assertThat(IpRange.parse("0.0.0.0/0").spansPublicSpace()).isTrue();
        assertThat(IpRange.parse("::ffff:0.0.0.0/96").spansPublicSpace()).isTrue();
        assertThat(IpRange.parse(block).spansPublicSpace())
                .as(block + " holds every IPv4 client a translator writes, as 0.0.0.0/0 does")
                .isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "64:ff9b::/96, 64:ff9b::203.0.113.7, ''",
        "::ffff:0:0:0/96, ::ffff:0:203.0.113.7, ''",
        "2001:db8:64::/96, 2001:db8:64::203.0.113.7, 2001:db8:64::/96"
    })
    void aTranslatedInternetClientCannotChooseItsAddressThroughAWholePrefixTrusted(
            String block, String peer, String ownPrefix) {
        ClientResolver.Builder builder = ClientResolver.builder().trustedProxies(block);
        if (!ownPrefix.isEmpty()) {
            builder.nat64Prefixes(ownPrefix);
        }
        ClientResolver resolver = builder.build();
        for (int i = 1; i <= 20; i++) {
            ClientIdentity client = resolve(resolver, peer, Map.of("X-Forwarded-For", List.of("10.9.8." + i)));
            assertThat(client.key())
                    .as("request " + i + ": the attacker's X-Forwarded-For, believed from an Internet client")
                    .isEqualTo("203.0.113.7");
        }
    }

    /**
     * Held (passes): an RFC 7239 element of a trusted proxy without a {@code for} parameter ({@code
     * proto=https;by=...}) is an undisclosed hop, and the client's own element to its left is not read.
     */
    @Test
    void aTrustedElementWithoutForDoesNotHandTheClientTheChoice() {
        ClientResolver resolver = ClientResolver.builder()
                .trustedProxies("10.0.0.0/8")
                .forwardedHeader(ForwardedHeader.FORWARDED)
                .build();
        for (int i = 1; i <= 20; i++) {
            ClientIdentity sameLine = resolve(
                    resolver,
                    "10.0.0.2",
                    Map.of("Forwarded", List.of("for=198.51.100." + i + ", proto=https;by=10.0.0.2")));
            ClientIdentity ownLine =
                    resolve(resolver, "10.0.0.2", Map.of("Forwarded", List.of("for=198.51.100." + i, "proto=https")));
            assertThat(List.of(sameLine.key(), ownLine.key()))
                    .as("request " + i + ": the client wrote for=198.51.100." + i + "; its real address is undisclosed")
                    .containsOnly("10.0.0.2");
        }
    }

    /**
     * F3: the operator's {@code keyOf} (bans and lifts on the control endpoint) makes an IPv6 /64 the key "its requests
     * are counted under", but a 6to4 client's requests are counted under the IPv4 host its address embeds (the whole /48 is one host):
     * a ban of such a /64 names a key no request has.
     */
    @ParameterizedTest
    @CsvSource({"2002:c633:6407:1::/64, 2002:c633:6407:1::99", "2002:c633:6407:ffff::/64, 2002:c633:6407:ffff::1"})
    void aSlash64OfAnEmbeddingAddressIsTheKeyItsClientsAreCountedUnder(String network, String client) {
        ClientResolver resolver = ClientResolver.builder().build();
        assertThat(resolver.keyOf(network))
                .as("the key requests from " + client + " are counted under")
                .isEqualTo(resolve(resolver, client, Map.of()).key());
    }
}
