package io.github.abuseguard.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The site of a host, as browsers tell {@code Sec-Fetch-Site: same-site} from {@code cross-site}: its registrable
 * domain, the public suffix and one label more ({@code www.shop.example} and {@code api.shop.example} are both {@code
 * shop.example}). The suffix is found as browsers find it, by the Public Suffix List (its ICANN and private sections:
 * {@code co.uk}, {@code me.uk}, {@code uk.com}, {@code github.io}), bundled as {@value #LIST} and read on first use; a
 * name under no listed suffix has its top-level name for suffix (the list's {@code *} rule). A few zones where anyone
 * has a name of their own that the list lacks are suffixes too ({@link #UNLISTED_ZONES}). An address is its own site.
 * Not part of the public API.
 */
public final class SiteNames {

    /** The bundled Public Suffix List (Mozilla Public License 2.0), as published at publicsuffix.org. */
    static final String LIST = "public_suffix_list.dat";

    /** The most rules read from the list: the bundled one holds about 10,400. */
    static final int MAX_RULES = 50_000;

    /**
     * Zones where anyone deploys a page or takes a free name of their own that the list does not name (Glitch's
     * projects, WordPress.com's blogs, Railway's and AWS's host names, FreeDNS's shared domains): each name under one
     * is a site of its own, as under a listed suffix (review141 F1: a clone at {@code evil-clone.glitch.me} was the
     * same site as {@code shop.glitch.me} once the list replaced a hand-written one that named both; review137 F10).
     */
    static final Set<String> UNLISTED_ZONES = Set.of(
            "glitch.me", "wordpress.com", "railway.app", "amazonaws.com", "mooo.com", "us.to", "chickenkiller.com");

    private SiteNames() {}

    /** The site of {@code host} (lower case, as an origin spells it): its registrable domain, or the address itself. */
    public static String site(String host) {
        String name = normalized(host);
        if (isAddress(name) || name.indexOf('.') < 0) {
            return name; // an address, or a single label (localhost): itself
        }
        int suffix = suffixStart(name);
        if (suffix == 0) {
            return name; // a public suffix alone is its own site
        }
        return name.substring(name.lastIndexOf('.', suffix - 2) + 1);
    }

    /** Whether the two hosts are one site ({@link #site}). */
    public static boolean sameSite(String host, String other) {
        return site(host).equals(site(other));
    }

    /**
     * Whether {@code host} is a public suffix, under which anyone can have a name of their own by registering it or by
     * deploying a page there ({@code co.uk}, {@code github.io}); a top-level name is one too.
     */
    public static boolean isPublicSuffix(String host) {
        String name = normalized(host);
        return !name.isEmpty() && !isAddress(name) && suffixStart(name) == 0;
    }

    /**
     * Whether every name under {@code host} is someone else's site: {@code host} is a {@linkplain #isPublicSuffix public
     * suffix}, or the list makes each of its children one ({@code *.platformsh.site}, {@code *.compute-1.amazonaws.com}).
     */
    public static boolean holdsOthersSites(String host) {
        String name = normalized(host);
        return isPublicSuffix(host) || (!isAddress(name) && Rules.LOADED.wildcards.contains(name));
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

    private static String normalized(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static boolean isAddress(String name) {
        return name.indexOf(':') >= 0 || name.startsWith("[") || isDottedQuad(name);
    }

    /**
     * Where the public suffix of {@code name} (lower case, two labels or more) starts: the list's longest matching
     * rule, an exception rule ({@code !city.kobe.jp}) taking the label it names off its wildcard's suffix, and the
     * top-level name where no rule matches.
     */
    private static int suffixStart(String name) {
        Rules rules = Rules.LOADED;
        for (int start = 0; start >= 0; start = next(name, start)) {
            String candidate = start == 0 ? name : name.substring(start);
            if (rules.exceptions.contains(candidate)) {
                return next(name, start);
            }
            if (rules.names.contains(candidate)) {
                return start;
            }
            int parent = next(name, start);
            if (parent > 0 && rules.wildcards.contains(name.substring(parent))) {
                return start;
            }
        }
        return name.lastIndexOf('.') + 1;
    }

    /** Where the label after the one at {@code start} starts, or -1 at the last label. */
    private static int next(String name, int start) {
        int dot = name.indexOf('.', start);
        return dot < 0 ? -1 : dot + 1;
    }

    /** The list's rules, in ASCII (IDN names as punycode, as origins spell them). */
    private static final class Rules {
        static final Rules LOADED = load();

        /** Suffixes named as they are ({@code co.uk}). */
        final Set<String> names = new HashSet<>();

        /** Names whose every child is a suffix ({@code ck} for {@code *.ck}). */
        final Set<String> wildcards = new HashSet<>();

        /** Names that are no suffix although a wildcard covers them ({@code www.ck} for {@code !www.ck}). */
        final Set<String> exceptions = new HashSet<>();

        private static Rules load() {
            Rules rules = new Rules();
            InputStream in = SiteNames.class.getResourceAsStream(LIST);
            if (in == null) {
                throw new IllegalStateException("The Public Suffix List " + LIST + " is missing from abuse-guard-api");
            }
            int count = 0;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    String rule = line.strip();
                    int space = indexOfWhitespace(rule);
                    rule = space < 0 ? rule : rule.substring(0, space); // a rule ends at white space
                    if (rule.isEmpty() || rule.startsWith("//")) {
                        continue;
                    }
                    if (++count > MAX_RULES) {
                        throw new IllegalStateException(
                                "The Public Suffix List " + LIST + " holds more than " + MAX_RULES + " rules");
                    }
                    if (rule.startsWith("!")) {
                        rules.exceptions.add(ascii(rule.substring(1)));
                    } else if (rule.startsWith("*.")) {
                        rules.wildcards.add(ascii(rule.substring(2)));
                    } else {
                        rules.names.add(ascii(rule));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("The Public Suffix List " + LIST + " could not be read", e);
            }
            rules.names.addAll(UNLISTED_ZONES);
            return rules;
        }

        private static int indexOfWhitespace(String rule) {
            for (int i = 0; i < rule.length(); i++) {
                if (Character.isWhitespace(rule.charAt(i))) {
                    return i;
                }
            }
            return -1;
        }

        private static String ascii(String rule) {
            for (int i = 0; i < rule.length(); i++) {
                if (rule.charAt(i) >= 0x80) {
                    return IDN.toASCII(rule, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
                }
            }
            return rule.toLowerCase(Locale.ROOT);
        }
    }
}
