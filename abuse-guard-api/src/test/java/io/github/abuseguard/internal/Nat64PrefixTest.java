package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** probe28 F1: the IPv4 address a translated IPv6 address embeds, at RFC 6052's bit positions. */
class Nat64PrefixTest {

    private static String embedded(String prefix, String address) {
        byte[] ipv4 = Nat64Prefix.embeddedIpv4(List.of(Nat64Prefix.parse(prefix)), IpAddresses.parseIpv6(address));
        return ipv4 == null ? "none" : IpAddresses.format(ipv4);
    }

    /** RFC 6052 section 2.4's table: 192.0.2.33 under each prefix length of 2001:db8:: (the u octet skipped). */
    @ParameterizedTest
    @CsvSource({
        "2001:db8::/32,              2001:db8:c000:221::",
        "2001:db8:100::/40,          2001:db8:1c0:2:21::",
        "2001:db8:122::/48,          2001:db8:122:c000:2:2100::",
        "2001:db8:122:300::/56,      2001:db8:122:3c0:0:221::",
        "2001:db8:122:344::/64,      2001:db8:122:344:c0:2:2100:0",
        "2001:db8:122:344::/96,      2001:db8:122:344::192.0.2.33",
    })
    void eachPrefixLengthTakesTheIpv4BitsWhereRfc6052PutsThem(String prefix, String address) {
        assertThat(embedded(prefix, address)).isEqualTo("192.0.2.33");
    }

    @ParameterizedTest
    @CsvSource({
        // the last address of the prefix and the first past it
        "2001:db8::/32,         2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, 255.255.255.255",
        "2001:db8::/32,         2001:db9::,                             none",
        "2001:db8::/32,         2001:db7:ffff:ffff::,                   none",
        "2001:db8:100::/40,     2001:db8:1ff:ffff:ffff::,               255.255.255.255",
        "2001:db8:100::/40,     2001:db8:200::,                         none",
        "2001:db8:122::/48,     2001:db8:123::,                         none",
        "2001:db8:122:300::/56, 2001:db8:122:400::,                     none",
        "2001:db8:122:344::/64, 2001:db8:122:345::,                     none",
        "2001:db8:122:344::/96, 2001:db8:122:344:0:1::,                 none",
        "2001:db8:122:344::/96, 2001:db8:122:344::,                     0.0.0.0",
        // the u octet and the suffix are the translator's: not checked
        "2001:db8::/32,         2001:db8:102:304:ff00::1,               1.2.3.4",
    })
    void theBoundariesOfAPrefix(String prefix, String address, String expected) {
        assertThat(embedded(prefix, address)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "64:ff9b::1.2.3.4,            1.2.3.4",
        "64:FF9B:0:0:0:0:0102:0304,   1.2.3.4",
        "64:ff9b::ffff:ffff,          255.255.255.255",
        "::ffff:0:1.2.3.4,            1.2.3.4",
        "0:0:0:0:ffff:0:909:912,      9.9.9.18",
        "64:ff9b:1::1.2.3.4,          none", // RFC 8215 local use: an operator's prefix, its length theirs
        "64:ff9b:0:0:1::1.2.3.4,      none",
        "64:ff9a::1.2.3.4,            none",
        "::1:ffff:0:1.2.3.4,          none",
        "::ffff:1:1.2.3.4,            none",
        "2001:db8::1,                 none",
    })
    void theWellKnownPrefixesAreTheIpv4AddressTheyEmbed(String text, String expected) {
        byte[] address = IpAddresses.parseIpv6(text);
        byte[] ipv4 = Nat64Prefix.embeddedIpv4(Nat64Prefix.WELL_KNOWN_PREFIXES, address);
        assertThat(ipv4 == null ? "none" : IpAddresses.format(ipv4)).isEqualTo(expected);
        byte[] forKeys = IpAddresses.embeddedIpv4(address);
        assertThat(forKeys == null ? "none" : IpAddresses.format(forKeys))
                .as("IpAddresses.embeddedIpv4, which the network and allocation keys use")
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "64:ff9b::1.2.3.4,   1.2.3.0/24, 1.2.0.0/16",
        "::ffff:0:1.2.3.4,   1.2.3.0/24, 1.2.0.0/16",
    })
    void theNetworkOfATranslatedAddressIsItsIpv4Network(String address, String network, String allocation) {
        assertThat(IpAddresses.network(IpAddresses.parseIpv6(address))).isEqualTo(network);
        assertThat(IpAddresses.allocation(IpAddresses.parseIpv6(address))).isEqualTo(allocation);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2001:db8::/33",
                "2001:db8::/128",
                "2001:db8::/0",
                "2001:db8::/24",
                "2001:db8:64::/72",
            })
    void anotherLengthIsRefused(String prefix) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Nat64Prefix.parse(prefix))
                .withMessageContaining("/32, /40, /48, /56, /64 or /96");
    }

    @ParameterizedTest
    @CsvSource({
        "2001:db8:64::1/96, 2001:db8:64:0:0:0:0:0/96",
        "2001:db8:1::/32,   2001:db8:0:0:0:0:0:0/32",
        "64:ff9b:1:1::/48,  64:ff9b:1:0:0:0:0:0/48",
    })
    void hostBitsAreRefusedNamingThePrefixMeant(String prefix, String meant) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Nat64Prefix.parse(prefix))
                .withMessageContaining("bits set past")
                .withMessageContaining(meant);
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.0/24", "::ffff:0:0/96", "nat64", "", "2001:db8::/x", "2001:db8::"})
    void aValueThatIsNoIpv6PrefixIsRefused(String prefix) {
        assertThatIllegalArgumentException().isThrownBy(() -> Nat64Prefix.parse(prefix));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8:64::/96", " 64:ff9b:1:ab::/64 ", "2001:db8::/32", "64:ff9b:1::/48"})
    void anRfc6052PrefixIsAccepted(String prefix) {
        assertThat(Nat64Prefix.parse(prefix)).hasToString(prefix.strip());
    }
}
