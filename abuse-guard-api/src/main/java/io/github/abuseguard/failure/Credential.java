package io.github.abuseguard.failure;

import io.github.abuseguard.BodyField;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.KeyResolver;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a request must carry for its failure to count: a request header ({@code header:Authorization}) or a
 * body field ({@code body:/password}) with a non-blank value. A 401 for a request that carried no credential
 * tested no password, and anyone can make a victim's browser send such requests (an {@code <img>} on another
 * site), so they must not lock the victim out. A junk credential is still an attempt and counts.
 */
final class Credential {
    private final String spec;
    private final boolean header;
    private final String name;
    /** The credential as a key: an {@code Authorization} value by its credentials, a body field as keys read it. */
    private final KeyResolver key;

    private Credential(String spec, boolean header, String name) {
        this.spec = spec;
        this.header = header;
        this.name = name;
        this.key = KeyResolver.parse(spec);
    }

    /**
     * The credential the request carries, as a key ({@code Authorization} spellings of one credential are one
     * key); {@code null} when it cannot be read.
     */
    @Nullable
    String keyOf(GuardRequest request) {
        return key.resolve(request);
    }

    /** Whether the credential is a body field. */
    boolean inBody() {
        return !header;
    }

    /**
     * Parses {@code header:NAME} or {@code body:/json/pointer} (a form field is named by its pointer, as in
     * body keys).
     *
     * @throws IllegalArgumentException if the specification is neither
     */
    static Credential parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        String trimmed = spec.trim();
        int colon = trimmed.indexOf(':');
        String kind = colon < 0 ? "" : trimmed.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String argument = colon < 0 ? "" : trimmed.substring(colon + 1).trim();
        if (kind.equals("header") && !argument.isEmpty() && argument.chars().allMatch(Credential::isTokenChar)) {
            return new Credential("header:" + argument, true, argument);
        }
        if (kind.equals("body") && argument.startsWith("/")) {
            io.github.abuseguard.internal.JsonPointers.compile(argument); // a malformed pointer fails at start-up
            return new Credential("body:" + argument, false, argument);
        }
        throw new IllegalArgumentException("credential '" + spec
                + "' must be header:NAME (such as header:Authorization) or body:/pointer (such as body:/password)");
    }

    /**
     * Whether the request carries the credential. A body that cannot be read, or that gives the field several
     * values, counts as carrying it: a client must not dodge the count by making its body unreadable.
     * Looking at a header allocates nothing.
     */
    boolean carriedBy(GuardRequest request) {
        if (header) {
            String value = request.header(name);
            return value != null && !value.isBlank();
        }
        BodyField field = request.bodyField(name);
        if (field.isUnreadable() || field.isAmbiguous()) {
            return true;
        }
        List<String> values = field.values();
        return !values.isEmpty() && !values.get(0).isBlank();
    }

    private static boolean isTokenChar(int c) {
        // RFC 9110 token characters: a header name
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    @Override
    public String toString() {
        return spec;
    }
}
