package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SiteNamesTest {

    @Test
    void aHostsSiteIsItsRegistrableDomain() {
        assertThat(SiteNames.site("www.shop.example")).isEqualTo("shop.example");
        assertThat(SiteNames.site("API.Shop.Example.")).isEqualTo("shop.example");
        assertThat(SiteNames.site("shop.example")).isEqualTo("shop.example");
        assertThat(SiteNames.site("a.b.shop.co.uk")).isEqualTo("shop.co.uk");
        assertThat(SiteNames.site("www.shop.com.au")).isEqualTo("shop.com.au");
        assertThat(SiteNames.site("clone.github.io")).isEqualTo("clone.github.io");
        assertThat(SiteNames.site("localhost")).isEqualTo("localhost");
    }

    @Test
    void anAddressIsItsOwnSite() {
        assertThat(SiteNames.site("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(SiteNames.site("[2001:db8::1]")).isEqualTo("[2001:db8::1]");
    }

    @Test
    void siblingsAreOneSiteAndNeighboursOnASharedSuffixAreNot() {
        assertThat(SiteNames.sameSite("www.shop.example", "api.shop.example")).isTrue();
        assertThat(SiteNames.sameSite("www.clone.example", "api.shop.example")).isFalse();
        assertThat(SiteNames.sameSite("clone.github.io", "shop.github.io")).isFalse();
        assertThat(SiteNames.sameSite("evil.co.uk", "shop.co.uk")).isFalse();
        assertThat(SiteNames.sameSite("203.0.113.7", "203.0.113.8")).isFalse();
    }
}
