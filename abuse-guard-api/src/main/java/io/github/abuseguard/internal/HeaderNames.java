package io.github.abuseguard.internal;

import io.github.abuseguard.GuardRequest;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * A fixed set of header names, compiled once, that a guard asks about together with {@link
 * #presentIn(GuardRequest)}: an adapter that is a {@link Source} then answers in one pass over the
 * request's headers instead of one look-up per name. Names compare case-insensitively; looking one up
 * allocates nothing. Immutable and thread-safe.
 */
public final class HeaderNames {

    /**
     * A request that tells which of a set of headers it carries in one pass over its headers (the servlet
     * adapter on Tomcat), answered as {@link #presentIn(GuardRequest)} describes.
     */
    public interface Source {

        /** Which of {@code names} the request carries, bit {@code i} standing for {@code names.get(i)}. */
        long presentHeaders(HeaderNames names);
    }

    /** The most names one set holds: each is a bit of a {@code long}. */
    public static final int MAX_NAMES = 64;

    private final String[] names;
    /** Indices of the names, by name length: a header of another length is rejected in one step. */
    private final int[][] byLength;

    private HeaderNames(String[] names) {
        this.names = names;
        int longest = 0;
        for (String name : names) {
            longest = Math.max(longest, name.length());
        }
        int[][] index = new int[longest + 1][];
        for (int i = 0; i < names.length; i++) {
            int length = names[i].length();
            int[] existing = index[length] == null ? new int[0] : index[length];
            int[] grown = Arrays.copyOf(existing, existing.length + 1);
            grown[existing.length] = i;
            index[length] = grown;
        }
        this.byLength = index;
    }

    /**
     * A set of header names, bit {@code i} of an answer standing for {@code names[i]}.
     *
     * @throws IllegalArgumentException if there are none, more than {@value #MAX_NAMES}, a name is empty
     *     or not an HTTP token, or a name is given twice (ignoring case)
     */
    public static HeaderNames of(String... names) {
        Objects.requireNonNull(names, "names");
        if (names.length == 0 || names.length > MAX_NAMES) {
            throw new IllegalArgumentException(
                    "a header-name set holds 1 to " + MAX_NAMES + " names, was " + names.length);
        }
        String[] copy = names.clone();
        for (int i = 0; i < copy.length; i++) {
            String name = Objects.requireNonNull(copy[i], "name");
            if (name.isEmpty() || !name.chars().allMatch(HeaderNames::isTokenChar)) {
                throw new IllegalArgumentException("'" + name + "' is not a header name");
            }
            for (int j = 0; j < i; j++) {
                if (copy[j].equalsIgnoreCase(name)) {
                    throw new IllegalArgumentException("header name '" + name + "' given twice");
                }
            }
            copy[i] = name.toLowerCase(Locale.ROOT);
        }
        return new HeaderNames(copy);
    }

    /** How many names the set holds. */
    public int size() {
        return names.length;
    }

    /** The name at {@code index}, in lower case. */
    public String get(int index) {
        return names[index];
    }

    /**
     * Which of these headers the request carries, bit {@code i} standing for {@link #get(int) get(i)}: a
     * header sent with an empty value counts as present. A {@link Source} answers for itself; any other
     * request is asked {@link GuardRequest#header(String)} once per name.
     */
    public long presentIn(GuardRequest request) {
        return request instanceof Source source ? source.presentHeaders(this) : lookedUpIn(request);
    }

    /** What {@link #presentIn(GuardRequest)} answers, found with one {@link GuardRequest#header(String)} per name. */
    public long lookedUpIn(GuardRequest request) {
        long present = 0;
        for (int i = 0; i < names.length; i++) {
            if (request.header(names[i]) != null) {
                present |= 1L << i;
            }
        }
        return present;
    }

    /** The index of a header name in this set, ignoring case, or -1. */
    public int indexOf(String name) {
        if (name == null || name.length() >= byLength.length) {
            return -1;
        }
        int[] candidates = byLength[name.length()];
        if (candidates == null) {
            return -1;
        }
        for (int candidate : candidates) {
            if (names[candidate].equalsIgnoreCase(name)) {
                return candidate;
            }
        }
        return -1;
    }

    /** RFC 9110 token characters. */
    private static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    @Override
    public String toString() {
        return "HeaderNames" + Arrays.toString(names);
    }
}
