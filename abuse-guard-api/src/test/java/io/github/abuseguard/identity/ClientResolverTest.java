package io.github.abuseguard.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.abuseguard.ClientIdentity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientResolverTest {

    private static ClientIdentity resolve(ClientResolver resolver, String peer, Map<String, List<String>> headers) {
        return resolver.resolve(peer, name -> headers.getOrDefault(name, List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Forwarded-For", "Forwarded"})
    void spoofedForwardedHeadersFromAnUntrustedPeerAreIgnored(String header) {
        ClientResolver resolver = ClientResolver.builder().build();
        for (int i = 0; i < 50; i++) {
            String invented = header.equals("Forwarded") ? "for=10.9.8." + i : "10.9.8." + i;
            ClientIdentity client = resolve(resolver, "203.0.113.7", Map.of(header, List.of(invented)));
            assertThat(client.key()).isEqualTo("203.0.113.7");
        }
    }

    @Test
    void aDirectPeerSeenAgainGetsTheSameIdentityAndRotatingAddressesStayBounded() {
        ClientResolver resolver = ClientResolver.peerOnly();
        ClientIdentity first = resolve(resolver, "203.0.113.7", Map.of());

        // a new string of the same address, as a new connection brings
        ClientIdentity again = resolve(resolver, new String("203.0.113.7"), Map.of());

        assertThat(again).isSameAs(first);
        assertThat(again).isEqualTo(ClientIdentity.of("203.0.113.7"));
        for (int i = 0; i < 4 * ClientResolver.RECENT_PEERS; i++) {
            String peer = "198.51." + (i / 256) + "." + (i % 256);
            assertThat(resolve(resolver, peer, Map.of()))
                    .isEqualTo(ClientIdentity.of(peer))
                    .isSameAs(resolve(resolver, peer, Map.of()));
        }
        assertThat(resolve(resolver, "203.0.113.7", Map.of())).isEqualTo(first);
    }

    @Test
    void aPeerAnsweredFromTheRecentTableIsAnsweredAsAFreshResolverWouldAnswerIt() {
        ClientResolver warm = ClientResolver.peerOnly();
        java.util.List<String> peers = new java.util.ArrayList<>(
                List.of("203.0.113.7", "203.0.113.07", "::ffff:203.0.113.7", "203.0.113.7 ", "unix:/x"));
        int slot = "203.0.113.7".hashCode() & (ClientResolver.RECENT_PEERS - 1);
        peers.add(sharing(slot, i -> "x" + i)); // not an address, in the kept peer's slot
        peers.add(sharing(slot, i -> "10.0." + (i / 256) + "." + (i % 256))); // another address there
        for (String peer : peers) {
            warm.resolve("203.0.113.7", name -> List.of());
            assertThat(warm.resolve(peer, name -> List.of()))
                    .as(peer)
                    .isEqualTo(ClientResolver.peerOnly().resolve(peer, name -> List.of()));
            assertThat(warm.resolve(peer, name -> List.of()))
                    .as(peer + ", again")
                    .isEqualTo(ClientResolver.peerOnly().resolve(peer, name -> List.of()));
        }
    }

    /** The first text {@code candidate} makes whose hash falls in the table's {@code slot}. */
    private static String sharing(int slot, java.util.function.IntFunction<String> candidate) {
        for (int i = 0; ; i++) {
            String text = candidate.apply(i);
            if ((text.hashCode() & (ClientResolver.RECENT_PEERS - 1)) == slot) {
                return text;
            }
        }
    }

    /**
     * probe50b F1: Jetty 12 answers an IPv6 peer as {@code [2001:db8:aa:0:0:0:0:1]}; read as no address, each client
     * was keyed by its whole address (a /64's many addresses each with a limit of its own), an IPv6 trusted proxy
     * was never trusted, and IP lists matched nothing. The brackets are the container's, not the address's.
     */
    @Test
    void aBracketedIpv6PeerIsTheAddressItWrites() {
        ClientResolver resolver = ClientResolver.builder().build();
        assertThat(resolve(resolver, "[2001:db8:aa:0:0:0:0:1]", Map.of()))
                .isEqualTo(resolve(resolver, "2001:db8:aa::1", Map.of()));
        assertThat(resolve(resolver, "[2001:db8:aa:0:0:0:0:2]", Map.of()).key())
                .isEqualTo(
                        resolve(resolver, "[2001:db8:aa:0:0:0:0:1]", Map.of()).key())
                .isEqualTo("2001:db8:aa:0:0:0:0:0/64");

        ClientResolver behindProxy =
                ClientResolver.builder().trustedProxies("2001:db8:aa::/64").build();
        assertThat(resolve(behindProxy, "[2001:db8:aa:0:0:0:0:1]", Map.of("X-Forwarded-For", List.of("198.51.100.4")))
                        .key())
                .as("a trusted IPv6 proxy's forwarded client")
                .isEqualTo("198.51.100.4");
    }

    @Test
    void aTrustedProxyForwardsTheRightmostUntrustedHop() {
        ClientResolver resolver =
                ClientResolver.builder().trustedProxies("10.0.0.0/8").build();
        ClientIdentity client =
                resolve(resolver, "10.0.0.2", Map.of("X-Forwarded-For", List.of("6.6.6.6, 198.51.100.4", "10.0.0.9")));
        assertThat(client.key()).isEqualTo("198.51.100.4");
        assertThat(client.viaTrustedProxy()).isTrue();
        assertThat(client.trustedAddress())
                .as("an untrusted hop: the marks written before the site's proxy are not the site's (probe59d F1)")
                .isFalse();
    }

    @Test
    void aClientWhoseAddressIsATrustedProxyIsTrustedItself() {
        ClientResolver resolver =
                ClientResolver.builder().trustedProxies("10.0.0.0/8").build();
        ClientIdentity onlyTrustedHops =
                resolve(resolver, "10.0.0.2", Map.of("X-Forwarded-For", List.of("10.3.3.3, 10.4.4.4")));
        ClientIdentity noHeader = resolve(resolver, "10.0.0.2", Map.of());
        assertThat(List.of(onlyTrustedHops, noHeader))
                .allSatisfy(client -> assertThat(client.viaTrustedProxy() && client.trustedAddress())
                        .isTrue());
        ClientIdentity direct = resolve(resolver, "192.0.2.1", Map.of());
        assertThat(direct.viaTrustedProxy() || direct.trustedAddress()).isFalse();
    }

    @Test
    void aPeerOutsideTheTrustedProxiesKeepsItsOwnAddress() {
        ClientResolver resolver =
                ClientResolver.builder().trustedProxies("10.0.0.0/8").build();
        ClientIdentity client = resolve(resolver, "192.0.2.1", Map.of("X-Forwarded-For", List.of("198.51.100.4")));
        assertThat(client.key()).isEqualTo("192.0.2.1");
    }

    @ParameterizedTest(name = "Forwarded: {0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "for=198.51.100.4 | 198.51.100.4",
                "For=\"198.51.100.4:4711\";proto=https | 198.51.100.4",
                "for=\"[2001:db8:cafe::17]:4711\" | 2001:db8:cafe:0:0:0:0:0/64",
                "for=\"[2001:db8:cafe::17]\", for=10.0.0.5 | 2001:db8:cafe:0:0:0:0:0/64",
                "for=6.6.6.6;by=x, for=198.51.100.4 | 198.51.100.4",
                "for=unknown | 10.0.0.2",
                "for=_hidden | 10.0.0.2",
                "for=198.51.100.4, for=_hidden | 10.0.0.2",
                "proto=https | 10.0.0.2",
                "for=\"[::ffff:198.51.100.4]\" | 198.51.100.4",
                "for=evil.example.com | 10.0.0.2",
                "for=\"[2001:db8::1]:99999999\" | 10.0.0.2",
            })
    void readsRfc7239ForNodesAndFallsBackToThePeerOnAnythingElse(String header, String expectedKey) {
        ClientResolver resolver = ClientResolver.builder()
                .trustedProxies("10.0.0.0/8")
                .forwardedHeader(ForwardedHeader.FORWARDED)
                .build();
        assertThat(resolve(resolver, "10.0.0.2", Map.of("Forwarded", List.of(header)))
                        .key())
                .isEqualTo(expectedKey);
    }

    @ParameterizedTest(name = "X-Forwarded-For: {0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "198.51.100.4 | 198.51.100.4",
                "198.51.100.4:5555 | 198.51.100.4",
                "[2001:db8::1]:80 | 2001:db8:0:0:0:0:0:0/64",
                "not-an-ip | 10.0.0.2",
                "198.51.100.4, garbage | 10.0.0.2",
                "1.2.3.4.5 | 10.0.0.2",
                "256.1.1.1 | 10.0.0.2",
                "'' | 10.0.0.2",
                "10.1.1.1, 10.2.2.2 | 10.1.1.1",
                "'\u001c198.51.100.4' | 10.0.0.2",
                "'\t198.51.100.4\t' | 198.51.100.4",
            })
    void readsXForwardedForAndFallsBackToThePeerOnGarbage(String header, String expectedKey) {
        ClientResolver resolver =
                ClientResolver.builder().trustedProxies("10.0.0.0/8").build();
        assertThat(resolve(resolver, "10.0.0.2", Map.of("X-Forwarded-For", List.of(header)))
                        .key())
                .isEqualTo(expectedKey);
    }

    @Test
    void addressesOfTheSameSlash64ShareAKey() {
        ClientResolver resolver = ClientResolver.peerOnly();
        ClientIdentity first = resolve(resolver, "2001:db8:1:2:aaaa::1", Map.of());
        ClientIdentity second = resolve(resolver, "2001:db8:1:2:ffff:ffff:ffff:ffff", Map.of());
        ClientIdentity otherNetwork = resolve(resolver, "2001:db8:1:3::1", Map.of());
        assertThat(first.key()).isEqualTo(second.key()).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(otherNetwork.key()).isNotEqualTo(first.key());
        assertThat(first.address()).isNotEqualTo(second.address());
    }

    @Test
    void anIpv6AddressEmbeddingAnIpv4HostIsKeyedByThatHost() {
        ClientResolver resolver = ClientResolver.peerOnly();
        // 6to4: a host with IPv4 1.2.3.4 owns all of 2002:102:304::/48, 65,536 /64 networks.
        ClientIdentity sixToFour = resolve(resolver, "2002:102:304:1::1", Map.of());
        ClientIdentity otherSubnet = resolve(resolver, "2002:102:304:ffff::7", Map.of());
        assertThat(sixToFour.key()).isEqualTo(otherSubnet.key()).isEqualTo("1.2.3.4");
        assertThat(sixToFour.address()).isEqualTo("2002:102:304:1:0:0:0:1");
        // Teredo: the client's public IPv4 address, inverted, in the last 32 bits (RFC 4380's example: 192.0.2.45).
        assertThat(resolve(resolver, "2001:0:4136:e378:8000:63bf:3fff:fdd2", Map.of())
                        .key())
                .isEqualTo("192.0.2.45");
        // IPv4-compatible (deprecated): each is its own IPv4 host, not one shared ::/64.
        assertThat(resolve(resolver, "::1.2.3.4", Map.of()).key()).isEqualTo("1.2.3.4");
        assertThat(resolve(resolver, "::5.6.7.8", Map.of()).key()).isEqualTo("5.6.7.8");
        // The loopback and unspecified addresses are not IPv4 hosts.
        assertThat(resolve(resolver, "::1", Map.of()).key()).isEqualTo("0:0:0:0:0:0:0:0/64");
        assertThat(resolve(ClientResolver.builder().ipv6PrefixLength(128).build(), "2002:102:304::9", Map.of())
                        .key())
                .isEqualTo("1.2.3.4");
    }

    @Test
    void theIpv6PrefixLengthIsConfigurable() {
        ClientResolver resolver = ClientResolver.builder().ipv6PrefixLength(128).build();
        assertThat(resolve(resolver, "2001:db8::1", Map.of()).key()).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ClientResolver.builder().ipv6PrefixLength(0));
        assertThatIllegalArgumentException()
                .as("probe50b F5: a /8 of IPv6 clients keyed as one")
                .isThrownBy(() -> ClientResolver.builder().ipv6PrefixLength(8));
        assertThat(resolve(ClientResolver.builder().ipv6PrefixLength(32).build(), "2001:db8:1::1", Map.of())
                        .key())
                .isEqualTo("2001:db8:0:0:0:0:0:0/32");
    }

    @Test
    void anIpv4MappedAddressIsItsIpv4Address() {
        ClientResolver resolver = ClientResolver.peerOnly();
        assertThat(resolve(resolver, "::ffff:1.2.3.4", Map.of()))
                .isEqualTo(resolve(resolver, "1.2.3.4", Map.of()))
                .isEqualTo(ClientIdentity.of("1.2.3.4"));
    }

    @Test
    void aTrustedProxyRangeMatchesItsMappedForm() {
        ClientResolver resolver =
                ClientResolver.builder().trustedProxies("10.0.0.0/8").build();
        assertThat(resolve(resolver, "::ffff:10.0.0.2", Map.of("X-Forwarded-For", List.of("198.51.100.4")))
                        .key())
                .isEqualTo("198.51.100.4");
    }

    @Test
    void onlyTrustedHopsMeanTheLeftmostIsTheClient() {
        ClientResolver resolver =
                ClientResolver.builder().trustedProxies("10.0.0.0/8").build();
        assertThat(resolve(resolver, "10.0.0.2", Map.of("X-Forwarded-For", List.of("10.3.3.3, 10.4.4.4")))
                        .key())
                .isEqualTo("10.3.3.3");
    }

    @Test
    void aChainLongerThanTheHopBoundLeavesThePeerAsTheClient() {
        ClientResolver resolver =
                ClientResolver.builder().trustedProxies("10.0.0.0/8").maxHops(3).build();
        String chain = "198.51.100.4, 10.1.1.1, 10.1.1.2, 10.1.1.3";
        assertThat(resolve(resolver, "10.0.0.2", Map.of("X-Forwarded-For", List.of(chain)))
                        .key())
                .isEqualTo("10.0.0.2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/x", "example.com", "10.0.0", "2001:db8::/129", ""})
    void malformedTrustedProxiesAreRefused(String cidr) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ClientResolver.builder().trustedProxies(cidr));
    }

    @Test
    void aZoneIdOfAnIpv6PeerIsDropped() {
        assertThat(resolve(ClientResolver.builder().ipv6PrefixLength(128).build(), "fe80::1%eth0", Map.of())
                        .key())
                .isEqualTo("fe80:0:0:0:0:0:0:1");
    }

    @Test
    void aNonIpPeerIsKeptAsTheContainerReportedIt() {
        assertThat(resolve(ClientResolver.peerOnly(), "unix-socket", Map.of()).key())
                .isEqualTo("unix-socket");
    }

    @ParameterizedTest
    @CsvSource({"1.2.3.4, 1.2.3.4", "001.002.003.004, 1.2.3.4", "0.0.0.0, 0.0.0.0", "255.255.255.255, 255.255.255.255"})
    void ipv4PeersAreKeyedByTheirCanonicalForm(String peer, String key) {
        assertThat(resolve(ClientResolver.peerOnly(), peer, Map.of()).key()).isEqualTo(key);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "198.51.100.5:443|198.51.100.5",
                "'198.51.100.6 '|198.51.100.6",
                "' \t198.51.100.6'|198.51.100.6",
                "198.51.100.8/32|198.51.100.8",
                "[2001:db8:1:2::1]|2001:db8:1:2:0:0:0:0/64",
                "[2001:db8:1:2::1]:443|2001:db8:1:2:0:0:0:0/64",
                "2001:db8:1:2::1/128|2001:db8:1:2:0:0:0:0/64",
                "[::ffff:198.51.100.9]:8080|198.51.100.9",
                "2001:db8:1:5::/64|2001:db8:1:5:0:0:0:0/64",
                "alice|alice",
            })
    void anAddressAsLogsAndOperatorsSpellItIsItsClientKey(String text, String key) {
        assertThat(ClientResolver.peerOnly().keyOf(text)).isEqualTo(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.51.100.0/24", "2001:db8:1::/48", "198.51.100.5/33", "[2001:db8::1]:x"})
    void anAddressNoClientKeyCanBeIsRefusedNamingTheForms(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ClientResolver.peerOnly().keyOf(text))
                .withMessageContaining("198.51.100.7")
                .withMessageContaining("/64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "#abc", "session-1"})
    void whatMustNameAClientRefusesTextThatIsNoAddress(String text) {
        assertThat(ClientResolver.peerOnly().keyOf(text)).isEqualTo(text);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ClientResolver.peerOnly().clientKeyOf(text))
                .withMessageContaining("198.51.100.7");
    }

    /** probe28 F1: IPv4 clients a translator wrote as IPv6 are each their own IPv4 client, not one /64. */
    @ParameterizedTest
    @CsvSource({
        "64:ff9b::198.51.100.7,   64:ff9b::198.51.100.8,   64:ff9b::203.0.113.9",
        "::ffff:0:198.51.100.7,   ::ffff:0:198.51.100.8,   ::ffff:0:203.0.113.9",
        "2001:db8:64::c633:6407,  2001:db8:64::c633:6408,  2001:db8:64::cb00:7109",
        "2001:db8:c633:6407::,    2001:db8:c633:6408::,    2001:db8:cb00:7109::",
    })
    void translatedIpv4ClientsBehindATrustedProxyAreTheirIpv4Addresses(String first, String second, String third) {
        ClientResolver resolver = ClientResolver.builder()
                .trustedProxies("10.0.0.0/8")
                .nat64Prefixes("2001:db8::/32", "2001:db8:64::/96") // the /96 inside the /32 read as a /96
                .build();

        List<ClientIdentity> clients = java.util.stream.Stream.of(first, second, third)
                .map(hop -> resolve(resolver, "10.0.0.2", Map.of("X-Forwarded-For", List.of(hop + ", 10.0.0.3"))))
                .toList();

        assertThat(clients)
                .extracting(ClientIdentity::key)
                .containsExactly("198.51.100.7", "198.51.100.8", "203.0.113.9");
        assertThat(clients)
                .extracting(ClientIdentity::address)
                .as("the IPv4 address, which IP lists and the network key read")
                .containsExactly("198.51.100.7", "198.51.100.8", "203.0.113.9");
        assertThat(resolve(resolver, first, Map.of()).key())
                .as("a translated peer")
                .isEqualTo("198.51.100.7");
    }

    @Test
    void anOperatorsPrefixIsOnlyTranslatedWhenConfigured() {
        ClientResolver plain = ClientResolver.peerOnly();

        assertThat(resolve(plain, "2001:db8:64::c633:6407", Map.of()).key()).isEqualTo("2001:db8:64:0:0:0:0:0/64");
        assertThat(resolve(plain, "64:ff9b:1::c633:6407", Map.of()).key())
                .as("RFC 8215 local use: the operator's prefix length, so the operator's to list")
                .isEqualTo("64:ff9b:1:0:0:0:0:0/64");
    }

    @Test
    void aTranslatedProxyIsTrustedByItsIpv4AddressOrAsWritten() {
        Map<String, List<String>> headers = Map.of("X-Forwarded-For", List.of("198.51.100.7"));
        ClientResolver byIpv4 =
                ClientResolver.builder().trustedProxies("203.0.113.9").build();
        ClientResolver asWritten =
                ClientResolver.builder().trustedProxies("64:ff9b::203.0.113.9").build();

        assertThat(resolve(byIpv4, "64:ff9b::cb00:7109", headers).key()).isEqualTo("198.51.100.7");
        assertThat(resolve(asWritten, "64:ff9b::cb00:7109", headers).key()).isEqualTo("198.51.100.7");
        assertThat(resolve(byIpv4, "64:ff9b::cb00:710a", headers).key())
                .as("another translated peer is no proxy")
                .isEqualTo("203.0.113.10");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "64:ff9b::198.51.100.7",
                "[64:ff9b::198.51.100.7]:443",
                "64:ff9b::198.51.100.7/128",
                "::ffff:0:c633:6407",
                "2001:db8:64::198.51.100.7",
                "[2001:db8:64::c633:6407]:443",
                "2001:db8:64::c633:6407/128"
            })
    void anOperatorNamesATranslatedClientByEitherForm(String text) {
        ClientResolver resolver =
                ClientResolver.builder().nat64Prefixes("2001:db8:64::/96").build();

        assertThat(resolver.keyOf(text)).isEqualTo("198.51.100.7");
    }
}
