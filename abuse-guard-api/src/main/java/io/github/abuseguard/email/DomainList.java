package io.github.abuseguard.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An immutable set of domains read from the one-domain-per-line format of the public blocklists
 * ({@code #} comments, blank lines ignored). {@link #match(String)} checks a domain and each of its
 * parents, so the cost is one hash look-up per label, whatever the list's size.
 */
final class DomainList {
    private static final DomainList EMPTY = new DomainList(Set.of());

    /** The most entries one list holds. */
    public static final int MAX_ENTRIES = 1_000_000;

    /*
     * An open-addressing table keyed by a hash of each name computed from its last character to its
     * first, so a look-up hashes the asked name once, right to left, and at each label boundary has the
     * hash of that suffix at hand: no substring, no allocation, whatever the number of labels.
     */
    private final long[] hashes;
    private final String[] entries;
    private final int mask;
    private final int size;

    private DomainList(Set<String> domains) {
        int capacity = Integer.highestOneBit(Math.max(4, (int) (domains.size() / 0.6)) - 1) << 1;
        this.hashes = new long[capacity];
        this.entries = new String[capacity];
        this.mask = capacity - 1;
        this.size = domains.size();
        for (String domain : domains) {
            long hash = SEED;
            for (int i = domain.length() - 1; i >= 0; i--) {
                hash = step(hash, domain.charAt(i));
            }
            int slot = slot(hash);
            while (entries[slot] != null) {
                slot = (slot + 1) & mask;
            }
            hashes[slot] = hash;
            entries[slot] = domain;
        }
    }

    private static final long SEED = 0xcbf29ce484222325L;

    private static long step(long hash, char c) {
        return (hash ^ c) * 0x100000001b3L;
    }

    private int slot(long hash) {
        return Long.hashCode(hash * 0x9E3779B97F4A7C15L) & mask;
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
        return new DomainList(set);
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
        return new DomainList(set);
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
    public @Nullable String match(String domain) {
        if (domain == null || size == 0) {
            return null;
        }
        String closest = null;
        long hash = SEED;
        int length = domain.length();
        for (int i = length - 1; i >= 0; i--) {
            hash = step(hash, domain.charAt(i));
            if (i == 0 || domain.charAt(i - 1) == '.') {
                String entry = find(hash, domain, i, length - i);
                if (entry != null) {
                    closest = entry;
                }
            }
        }
        return closest;
    }

    private String find(long hash, String domain, int offset, int length) {
        int slot = slot(hash);
        String entry;
        while ((entry = entries[slot]) != null) {
            if (hashes[slot] == hash && entry.length() == length && domain.regionMatches(offset, entry, 0, length)) {
                return entry;
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    public int size() {
        return size;
    }

    /** This list without its entries of one label ({@link #topLevelEntry}); this list itself when it has none. */
    DomainList withoutTopLevelEntries() {
        if (topLevelEntry() == null) {
            return this;
        }
        Set<String> kept = new HashSet<>();
        for (String entry : entries) {
            if (entry != null && entry.indexOf('.') >= 0) {
                kept.add(entry);
            }
        }
        return new DomainList(kept);
    }

    /** An entry of one label ({@code com}): a whole top-level domain; {@code null} when there is none. */
    @org.jspecify.annotations.Nullable
    String topLevelEntry() {
        for (String entry : entries) {
            if (entry != null && entry.indexOf('.') < 0) {
                return entry;
            }
        }
        return null;
    }
}
