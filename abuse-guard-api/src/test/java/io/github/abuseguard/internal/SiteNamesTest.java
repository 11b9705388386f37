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

    /**
     * review134 F2, review136 F2: the public suffixes a short list missed are the Public Suffix List's, as browsers
     * read them: a registry's own second levels, open-registration names under a generic name, dynamic-DNS zones and
     * city zones are each the suffix of their users' sites.
     */
    @Test
    void suffixesAreThePublicSuffixListsAsBrowsersReadThem() {
        assertThat(SiteNames.site("www.clone.uk.com")).isEqualTo("clone.uk.com");
        assertThat(SiteNames.site("relay.clone.duckdns.org")).isEqualTo("clone.duckdns.org");
        assertThat(SiteNames.site("www.clone.waw.pl")).isEqualTo("clone.waw.pl");
        assertThat(SiteNames.site("www.clone.spb.ru")).isEqualTo("clone.spb.ru");
        assertThat(SiteNames.site("www.clone.me.uk")).isEqualTo("clone.me.uk");
        assertThat(SiteNames.sameSite("www.clone.uk.com", "shop.uk.com")).isFalse();
        // a name under no rule has its top-level name for suffix (the list's * rule)
        assertThat(SiteNames.site("a.b.shop.nosuchtld")).isEqualTo("shop.nosuchtld");
        // a country's name that is a registrable domain of its own, not a suffix (review134 F3)
        assertThat(SiteNames.site("www.nic.ch")).isEqualTo("nic.ch");
    }

    @Test
    void wildcardAndExceptionRulesAndInternationalNamesAreRead() {
        // *.ck: every name under ck is a suffix; !www.ck: but www.ck is a registrable domain
        assertThat(SiteNames.site("a.shop.gov.ck")).isEqualTo("shop.gov.ck");
        assertThat(SiteNames.site("a.www.ck")).isEqualTo("www.ck");
        assertThat(SiteNames.isPublicSuffix("shop.ck")).isTrue();
        // *.kobe.jp with !city.kobe.jp
        assertThat(SiteNames.site("www.city.kobe.jp")).isEqualTo("city.kobe.jp");
        assertThat(SiteNames.site("www.shop.ward.kobe.jp")).isEqualTo("shop.ward.kobe.jp");
        // 公司.cn, listed in Unicode, read as origins spell it (punycode)
        assertThat(SiteNames.site("www.shop.xn--55qx5d.cn")).isEqualTo("shop.xn--55qx5d.cn");
    }

    @Test
    void aPublicSuffixIsNoOnesSite() {
        assertThat(SiteNames.isPublicSuffix("co.uk")).isTrue();
        assertThat(SiteNames.isPublicSuffix("github.io")).isTrue();
        assertThat(SiteNames.isPublicSuffix("com")).isTrue();
        assertThat(SiteNames.isPublicSuffix("shop.co.uk")).isFalse();
        assertThat(SiteNames.isPublicSuffix("203.0.113.7")).isFalse();
        assertThat(SiteNames.site("github.io")).isEqualTo("github.io");
    }
}
