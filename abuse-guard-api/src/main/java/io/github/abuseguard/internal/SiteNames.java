package io.github.abuseguard.internal;

import java.util.Locale;
import java.util.Set;

/**
 * The site of a host, as browsers tell {@code Sec-Fetch-Site: same-site} from {@code cross-site}: its registrable
 * domain, the public suffix and one label more ({@code www.shop.example} and {@code api.shop.example} are both {@code
 * shop.example}). Without the whole Public Suffix List the suffix is found from {@link #SHARED_SUFFIXES}, then as a
 * country's second level ({@code co.uk}, {@code com.au}: a two-letter top-level name under one of {@link
 * #SECOND_LEVELS}), else the top-level name alone. An address is its own site. Not part of the public API.
 */
public final class SiteNames {

    /**
     * Domains under which anyone can have a host of their own, by registering it or by deploying a page there
     * (public suffixes such as {@code co.uk}, and shared hosting platforms). Not the whole Public Suffix List; the ones
     * most often met.
     */
    public static final Set<String> SHARED_SUFFIXES = Set.of(
            "co.uk",
            "org.uk",
            "ac.uk",
            "gov.uk",
            "me.uk",
            "ltd.uk",
            "plc.uk",
            "net.uk",
            "sch.uk",
            "nhs.uk",
            "police.uk",
            "mod.uk",
            "id.au",
            "asn.au",
            "org.au",
            "edu.au",
            "gov.au",
            "gouv.fr",
            "gob.mx",
            "gob.es",
            "gob.ar",
            "gv.at",
            "or.at",
            "ac.at",
            "co.at",
            "gov.br",
            "org.br",
            "net.br",
            "com.au",
            "net.au",
            "co.nz",
            "co.jp",
            "co.in",
            "co.za",
            "com.br",
            "com.cn",
            "com.mx",
            "com.tr",
            "com.sg",
            "co.kr",
            "github.io",
            "gitlab.io",
            "vercel.app",
            "netlify.app",
            "pages.dev",
            "workers.dev",
            "herokuapp.com",
            "web.app",
            "firebaseapp.com",
            "appspot.com",
            "azurewebsites.net",
            "azurestaticapps.net",
            "cloudfront.net",
            "amazonaws.com",
            "onrender.com",
            "fly.dev",
            "glitch.me",
            "replit.app",
            "repl.co",
            "surge.sh",
            "ngrok.io",
            "ngrok-free.app",
            "ngrok.app",
            "trycloudflare.com",
            "blogspot.com",
            "wordpress.com",
            "myshopify.com",
            "webflow.io",
            "wixsite.com",
            "carrd.co",
            "deno.dev",
            "railway.app");

    /**
     * Second-level names under which many countries' registries sell domains ({@code co.uk}, {@code com.au}, {@code
     * ac.jp}); only the common ones, as a name like {@code nic.ch} is a registrable domain of its own (review134 F3).
     */
    private static final Set<String> SECOND_LEVELS =
            Set.of("co", "com", "net", "org", "gov", "edu", "ac", "ne", "or", "go");

    private SiteNames() {}

    /** The site of {@code host} (lower case, as an origin spells it): its registrable domain, or the address itself. */
    public static String site(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.indexOf(':') >= 0 || name.startsWith("[") || isDottedQuad(name)) {
            return name; // an address is its own site
        }
        int last = name.lastIndexOf('.');
        if (last < 0) {
            return name;
        }
        int second = name.lastIndexOf('.', last - 1);
        if (second < 0) {
            return name; // two labels: the registrable domain itself, or a public suffix alone
        }
        String lastTwo = name.substring(second + 1);
        boolean countrySecondLevel =
                name.length() - last - 1 == 2 && SECOND_LEVELS.contains(name.substring(second + 1, last));
        if (!SHARED_SUFFIXES.contains(lastTwo) && !countrySecondLevel) {
            return lastTwo;
        }
        int third = name.lastIndexOf('.', second - 1);
        return name.substring(third + 1);
    }

    /**
     * Whether {@link #site} of the host is known to be no public suffix: decided by a listed suffix, or under a generic
     * top-level name ({@code .com}, {@code .shop}). Under a country's top-level name, two labels may be a registry's
     * own second level this class does not know ({@code me.uk}, {@code id.au}: review134 F2): such a site is uncertain.
     */
    public static boolean certain(String host) {
        String site = site(host);
        int dot = site.indexOf('.');
        if (dot < 0 || site.indexOf(':') >= 0 || site.startsWith("[") || isDottedQuad(site)) {
            return true; // a single label (localhost) or an address: itself
        }
        boolean threeLabels = site.indexOf('.', dot + 1) >= 0;
        return threeLabels || site.length() - site.lastIndexOf('.') - 1 > 2;
    }

    /** Whether the two hosts are one site ({@link #site}). */
    public static boolean sameSite(String host, String other) {
        return site(host).equals(site(other));
    }

    /** Whether {@code host} is an IPv4 literal: four dot-separated runs of one to three digits. */
    public static boolean isDottedQuad(String host) {
        int dots = 0;
        int digits = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                if (digits == 0) {
                    return false;
                }
                dots++;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                digits++;
            } else {
                return false;
            }
        }
        return dots == 3 && digits > 0;
    }
}
