package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * review137: {@link SiteNames} against the Public Suffix List's own test cases (publicsuffix.org test_psl.txt,
 * {@code checkPublicSuffix(host, registrable)}), in the form origins send them (ASCII). A registrable domain of
 * {@code null} is a public suffix: {@link SiteNames#isPublicSuffix} and its own site.
 */
class Review137SiteNamesTest {

    private static final String[][] CASES = {
        {"COM", null},
        {"example.COM", "example.com"},
        {"WwW.example.COM", "example.com"},
        {"example", null},
        {"example.example", "example.example"},
        {"b.example.example", "example.example"},
        {"a.b.example.example", "example.example"},
        {"biz", null},
        {"domain.biz", "domain.biz"},
        {"b.domain.biz", "domain.biz"},
        {"a.b.domain.biz", "domain.biz"},
        {"com", null},
        {"example.com", "example.com"},
        {"b.example.com", "example.com"},
        {"a.b.example.com", "example.com"},
        {"uk.com", null},
        {"example.uk.com", "example.uk.com"},
        {"b.example.uk.com", "example.uk.com"},
        {"a.b.example.uk.com", "example.uk.com"},
        {"test.ac", "test.ac"},
        {"mm", null},
        {"c.mm", null},
        {"b.c.mm", "b.c.mm"},
        {"a.b.c.mm", "b.c.mm"},
        {"jp", null},
        {"test.jp", "test.jp"},
        {"www.test.jp", "test.jp"},
        {"ac.jp", null},
        {"test.ac.jp", "test.ac.jp"},
        {"www.test.ac.jp", "test.ac.jp"},
        {"kyoto.jp", null},
        {"test.kyoto.jp", "test.kyoto.jp"},
        {"ide.kyoto.jp", null},
        {"b.ide.kyoto.jp", "b.ide.kyoto.jp"},
        {"a.b.ide.kyoto.jp", "b.ide.kyoto.jp"},
        {"c.kobe.jp", null},
        {"b.c.kobe.jp", "b.c.kobe.jp"},
        {"a.b.c.kobe.jp", "b.c.kobe.jp"},
        {"city.kobe.jp", "city.kobe.jp"},
        {"www.city.kobe.jp", "city.kobe.jp"},
        {"ck", null},
        {"test.ck", null},
        {"b.test.ck", "b.test.ck"},
        {"a.b.test.ck", "b.test.ck"},
        {"www.ck", "www.ck"},
        {"www.www.ck", "www.ck"},
        {"us", null},
        {"test.us", "test.us"},
        {"www.test.us", "test.us"},
        {"ak.us", null},
        {"test.ak.us", "test.ak.us"},
        {"www.test.ak.us", "test.ak.us"},
        {"k12.ak.us", null},
        {"test.k12.ak.us", "test.k12.ak.us"},
        {"www.test.k12.ak.us", "test.k12.ak.us"},
        {"xn--85x722f.com.cn", "xn--85x722f.com.cn"},
        {"xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"},
        {"www.xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"},
        {"shishi.xn--55qx5d.cn", "shishi.xn--55qx5d.cn"},
        {"xn--55qx5d.cn", null},
        {"xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"},
        {"www.xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"},
        {"shishi.xn--fiqs8s", "shishi.xn--fiqs8s"},
        {"xn--fiqs8s", null},
        // trailing dot, as a Host may carry it
        {"www.example.co.uk.", "example.co.uk"},
        {"github.io", null},
        {"evil.github.io", "evil.github.io"},
        {"a.evil.github.io", "evil.github.io"},
    };

    @Test
    void thePublicSuffixListsOwnTestCases() {
        List<String> wrong = new ArrayList<>();
        for (String[] c : CASES) {
            String host = c[0];
            String expected = c[1];
            boolean suffix = SiteNames.isPublicSuffix(host);
            String site = SiteNames.site(host);
            String want = expected == null ? host.toLowerCase(java.util.Locale.ROOT) : expected;
            if (suffix != (expected == null) || !site.equals(want)) {
                wrong.add(host + ": site " + site + " suffix " + suffix + ", expected " + want + " suffix "
                        + (expected == null));
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** Hosts unlike any name: no exception, and no two strangers made one site by an empty label. */
    @Test
    void oddHostsAreTheirOwnSites() {
        StringBuilder longHost = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            longHost.append("a.");
        }
        longHost.append("example.com");
        assertThat(SiteNames.site(longHost.toString())).isEqualTo("example.com");
        assertThat(SiteNames.site("")).isEqualTo("");
        assertThat(SiteNames.site(".")).isNotNull();
        assertThat(SiteNames.site("..")).isNotNull();
    }
}
