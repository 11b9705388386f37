package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * review137 F10: {@code MxCheck.parent} now reads the Public Suffix List (ae2346ff). The list MxCheck had named
 * FreeDNS's zones {@code mooo.com} and {@code us.to} (and {@code glitch.me}), where anyone takes a free name, each its
 * own owner (review57 F2); the PSL lists none of them, so every free name under them is "a subdomain of" the zone again.
 */
class Review137MxParentTest {

    @Test
    void aFreeNameUnderAFreeDnsZoneIsItsOwnRegisteredDomain() {
        assertThat(MxCheck.parent("x.evil.mooo.com")).as("x.evil.mooo.com").isEqualTo("evil.mooo.com");
        assertThat(MxCheck.parent("x.evil.us.to")).as("x.evil.us.to").isEqualTo("evil.us.to");
    }

    /** Held: the PSL's own suffixes, and a name with a trailing dot. */
    @Test
    void listedSuffixesAndPlainNames() {
        assertThat(MxCheck.parent("x.evil.eu.org")).isEqualTo("evil.eu.org");
        assertThat(MxCheck.parent("mail.shop.co.uk")).isEqualTo("shop.co.uk");
        assertThat(MxCheck.parent("s.q1.slow.example")).isEqualTo("slow.example");
        assertThat(MxCheck.parent("eu.org")).isNull();
        assertThat(MxCheck.parent("evil.eu.org")).isNull();
        assertThat(MxCheck.parent("a.b.hopto.org")).isEqualTo("b.hopto.org");
    }
}
