package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IpRangeTest {

    /**
     * review16 F2: a translated IPv4 client is its IPv4 address to every guard, so a list entry written in the
     * translated form must hold that IPv4 address (a deny entry 64:ff9b::c633:6407/128 stopped denying).
     */
    @Test
    void anEntryWrittenInATranslatedFormHoldsTheIpv4AddressItStandsFor() {
        IpRange one = IpRange.parse("64:ff9b::c633:6407/128");
        assertThat(one.contains("198.51.100.7")).isTrue();
        assertThat(one.contains("198.51.100.8")).isFalse();
        assertThat(IpRange.parse("64:ff9b::198.51.100.7").contains("198.51.100.7"))
                .isTrue();
        assertThat(IpRange.parse("64:ff9b::198.51.100.0/120").contains("198.51.100.200"))
                .isTrue();
        assertThat(IpRange.parse("64:ff9b::198.51.100.0/120").contains("198.51.101.1"))
                .isFalse();
        assertThat(IpRange.parse("::ffff:0:203.0.113.9").contains("203.0.113.9"))
                .isTrue();
        // a whole translation prefix is not every IPv4 client: it stays the IPv6 block it is written as
        IpRange whole = IpRange.parse("64:ff9b::/96");
        assertThat(whole.contains("198.51.100.7")).isFalse();
        assertThat(whole.contains("64:ff9b::c633:6407")).isTrue();
        // an ordinary IPv6 entry is untouched
        assertThat(IpRange.parse("2001:db8::c633:6407/128").contains("198.51.100.7"))
                .isFalse();
    }

    @Test
    void aDottedQuadMatchesTheBlocksItsBytesMatch() {
        Random random = new Random(11);
        for (int round = 0; round < 2_000; round++) {
            List<IpRange> ranges = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                ranges.add(IpRange.parse(quad(random) + "/" + random.nextInt(33)));
            }
            ranges.add(IpRange.parse("2001:db8::/32"));
            String address = quad(random);
            boolean expected = false;
            for (IpRange range : ranges) {
                expected |= range.contains(IpAddresses.parse(address));
            }
            assertThat(IpRange.anyContains(ranges, address))
                    .as(address + " in " + ranges)
                    .isEqualTo(expected);
        }
    }

    @Test
    void aBlockHoldsBroadPublicSpaceFromAPublicSlash8OrSlash24Up() {
        for (String broad : List.of(
                "0.0.0.0/0",
                "64.0.0.0/2",
                "203.0.113.5/8",
                "10.0.0.0/7",
                "::/0",
                "2000::/3",
                "2a00::/16",
                "2a00::/24",
                // probe77b F1: holds the IPv4-translated ::ffff:0:0:0/96, every IPv4 client a SIIT translator writes
                "::/24",
                "64:ff9b::/64")) {
            assertThat(IpRange.parse(broad).holdsBroadPublicSpace()).as(broad).isTrue();
        }
        for (String narrow : List.of(
                "10.0.0.0/8",
                "127.0.0.0/8",
                "0.0.0.0/8",
                "172.16.0.0/12",
                "203.0.113.0/9",
                "198.51.100.7",
                "fc00::/7",
                "fd00::/24",
                "fe80::/10",
                "::1",
                "64:ff9b::cb00:7100/120",
                "2a00:1450::/32",
                "::ffff:10.0.0.0/104")) {
            assertThat(IpRange.parse(narrow).holdsBroadPublicSpace()).as(narrow).isFalse();
        }
    }

    @Test
    void aBlockWrittenWithHostBitsSetNamesTheWholeBlockItStandsFor() {
        assertThat(IpRange.parse("203.0.113.5/8").widenedBlock()).isEqualTo("203.0.0.0/8");
        assertThat(IpRange.parse("10.0.0.5/8").widenedBlock()).isEqualTo("10.0.0.0/8");
        assertThat(IpRange.parse("::ffff:10.0.0.5/104").widenedBlock()).isEqualTo("10.0.0.0/8");
        assertThat(IpRange.parse("2001:db8::1/32").widenedBlock()).isEqualTo("2001:db8:0:0:0:0:0:0/32");
        for (String exact :
                List.of("203.0.0.0/8", "203.0.113.5", "203.0.113.5/32", "0.0.0.0/0", "2001:db8::/32", "::1")) {
            assertThat(IpRange.parse(exact).widenedBlock()).as(exact).isNull();
        }
    }

    @Test
    void blocksOfEveryPrefixLengthHoldExactlyTheirAddresses() {
        List<IpRange> eight = List.of(IpRange.parse("10.0.0.0/8"));
        assertThat(IpRange.anyContains(eight, "10.255.255.255")).isTrue();
        assertThat(IpRange.anyContains(eight, "11.0.0.0")).isFalse();
        assertThat(IpRange.anyContains(List.of(IpRange.parse("0.0.0.0/0")), "203.0.113.7"))
                .isTrue();
        assertThat(IpRange.anyContains(List.of(IpRange.parse("203.0.113.7")), "203.0.113.7"))
                .isTrue();
        assertThat(IpRange.anyContains(List.of(IpRange.parse("203.0.113.7")), "203.0.113.6"))
                .isFalse();
        assertThat(IpRange.anyContains(List.of(IpRange.parse("192.168.0.0/23")), "192.168.1.200"))
                .isTrue();
        assertThat(IpRange.anyContains(List.of(IpRange.parse("192.168.0.0/23")), "192.168.2.1"))
                .isFalse();
        assertThat(IpRange.anyContains(List.of(IpRange.parse("::ffff:10.0.0.0/104")), "10.1.2.3"))
                .isTrue();
        assertThat(IpRange.anyContains(List.of(IpRange.parse("2001:db8::/32")), "10.1.2.3"))
                .isFalse();
    }

    private static String quad(Random random) {
        return random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
    }
}
