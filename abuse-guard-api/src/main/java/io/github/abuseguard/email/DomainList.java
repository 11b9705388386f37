package io.github.abuseguard.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.HashSet;
import java.util.Set;

/**
 * An immutable set of domains read from the one-domain-per-line format of the public blocklists
 * ({@code #} comments, blank lines ignored). {@link #match(String)} checks a domain and each of its
 * parents, so the cost is one hash look-up per label, whatever the list's size.
 */
public final class DomainList {
    private static final DomainList EMPTY = new DomainList(Set.of());

    /** The most entries one list holds. */
    public static final int MAX_ENTRIES = 1_000_000;

    private final Set<String> domains;

    private DomainList(Set<String> domains) {
        this.domains = domains;
    }

    public static DomainList empty() {
        return EMPTY;
    }

    /** A list of the given domains, normalised; names that cannot be domains are skipped. */
    public static DomainList of(Iterable<String> domains) {
        Set<String> set = new HashSet<>();
        for (String domain : domains) {
            add(set, domain);
        }
        return new DomainList(Set.copyOf(set));
    }

    /**
     * Reads a list in the one-domain-per-line format.
     *
     * @throws IOException if reading fails, or the list holds more than {@value #MAX_ENTRIES} entries
     */
    public static DomainList read(Reader reader) throws IOException {
        Set<String> set = new HashSet<>();
        BufferedReader lines = new BufferedReader(reader);
        String line;
        while ((line = lines.readLine()) != null) {
            int hash = line.indexOf('#');
            String entry = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!entry.isEmpty()) {
                if (set.size() >= MAX_ENTRIES) {
                    throw new IOException("the list holds more than " + MAX_ENTRIES + " entries");
                }
                add(set, entry);
            }
        }
        return new DomainList(Set.copyOf(set));
    }

    private static void add(Set<String> set, String domain) {
        String normal = EmailDomain.normalise(domain);
        if (normal != null) {
            set.add(normal);
        }
    }

    /**
     * The entry that covers a normalised domain: the domain itself or its closest listed parent.
     *
     * @return the entry, or {@code null}
     */
    public String match(String domain) {
        if (domain == null || domains.isEmpty()) {
            return null;
        }
        String candidate = domain;
        while (true) {
            if (domains.contains(candidate)) {
                return candidate;
            }
            int dot = candidate.indexOf('.');
            if (dot < 0) {
                return null;
            }
            candidate = candidate.substring(dot + 1);
        }
    }

    public int size() {
        return domains.size();
    }
}
