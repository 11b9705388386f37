package io.github.abuseguard;

import io.github.abuseguard.internal.IpAddresses;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonPointer;

/**
 * Tells which client a request counts against: the key of its bucket, counter or ban.
 *
 * <p>Only {@link #ip()} is hard to forge. Headers, sessions and body fields are chosen by the client,
 * so combine them with the address ({@code ip+body:/username}) or use them only where the client is
 * authenticated. Keys longer than {@value #MAX_KEY_LENGTH} characters are replaced by a digest, so a
 * client cannot inflate the memory its key takes.
 */
@FunctionalInterface
public interface KeyResolver {

    /** The longest key kept as it is. */
    int MAX_KEY_LENGTH = 128;

    /**
     * The key of a request.
     *
     * @return the key, or {@code null} when this request does not carry what the key needs
     */
    @Nullable
    String resolve(GuardRequest request);

    /**
     * Why this request's key cannot be told although the request has one, such as a body too large to
     * read for a {@code body:} key; {@code null} when it can. A guard refuses such a request rather than
     * fall back to a shared key.
     */
    default BodyField.@Nullable Unreadable unreadable(GuardRequest request) {
        return null;
    }

    /** The client address key, IPv6 by prefix: {@link ClientIdentity#key()}. Never {@code null}. */
    static KeyResolver ip() {
        return KeySpec.IP;
    }

    /**
     * The client's network, coarser than {@link #ip()}: its IPv4 /24 or IPv6 /48 (an IPv6 address embedding an
     * IPv4 host counts as that host's /24), for a second, higher limit that a client holding many addresses of
     * one network cannot multiply. Never {@code null}.
     */
    static KeyResolver network() {
        return KeySpec.NETWORK;
    }

    /**
     * The value of a request header, such as an API key. A header sent several times with different
     * values (two {@code Authorization} headers) yields an {@link BodyField.Unreadable#AMBIGUOUS_HEADER}
     * reason: one application stack reads the first, another the last or all, so no copy may stand for
     * the client.
     */
    static KeyResolver header(String name) {
        return new HeaderKey(name);
    }

    /**
     * A cookie's value, from the {@code Cookie} header. A cookie named twice (set on different paths or
     * domains, which RFC 6265 allows) yields the first value, the most specific path, as servlet containers
     * and Spring's {@code @CookieValue} bind it; unlike a repeated {@link #header(String) header} it is not
     * refused as ambiguous, since honest browsers send it after a site moves a cookie.
     */
    static KeyResolver cookie(String name) {
        return new CookieKey(name);
    }

    /** The session id the client presented. */
    static KeyResolver session() {
        return request -> bounded(request.sessionId());
    }

    /** The authenticated principal's name. */
    static KeyResolver principal() {
        return request -> bounded(request.principal());
    }

    /**
     * A request parameter, as the application's {@code getParameter} and Spring's {@code @RequestParam} bind
     * it: from the query string, and from a form or multipart body ({@link GuardRequest#parameterField}), so
     * that moving the value into the body does not move the request to another key. A body that cannot be
     * read, or a parameter given several different values (which a binder joins, or of which it takes one),
     * yields no key and an {@link #unreadable(GuardRequest) unreadable} reason, as a {@link #bodyField body
     * field} does; the value is keyed as it is, case and all.
     */
    static KeyResolver queryParameter(String name) {
        return new ParameterKey(name);
    }

    /**
     * A body field: a JSON Pointer into a JSON body or a form field name, read as the application binds
     * it (see {@link GuardRequest#bodyField(String)}). Values are keyed as user names: NFKC, without invisible
     * (default-ignorable) characters and edge white space, case-folded, so {@code Alice}, full-width {@code ａlice}
     * and {@code alice} with a zero-width space share a key. A body that cannot be read, or that gives the field
     * several different values, yields no key and an {@link #unreadable(GuardRequest) unreadable}
     * reason, so a limit per user name cannot be dodged by padding or repeating the field.
     *
     * @throws IllegalArgumentException if the pointer is malformed
     */
    static KeyResolver bodyField(String pointer) {
        return new BodyFieldKey(pointer);
    }

    /**
     * The user name of HTTP Basic authentication ({@code Authorization: Basic base64(user:password)}), keyed as
     * a {@link #bodyField(String) body field's} user name is; never the password. {@code null} for a request
     * without Basic credentials, or with credentials an authenticator refuses unread (not Base64, no colon).
     * Two different {@code Authorization} headers are {@link BodyField.Unreadable#AMBIGUOUS_HEADER ambiguous}.
     * Only the first {@value BasicUserKey#MAX_DECODED_CHARS} characters of the credentials are decoded: a name
     * longer than that is no one's, and the password after it is never read.
     */
    static KeyResolver basicUser() {
        return BasicUserKey.INSTANCE;
    }

    /**
     * All parts joined, such as address and user name. A part that is missing counts as empty; the key
     * is {@code null} only when every part is missing.
     */
    static KeyResolver all(List<KeyResolver> parts) {
        List<KeyResolver> copy = List.copyOf(parts);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("a combined key needs at least one part");
        }
        if (copy.size() == 1) {
            return copy.get(0);
        }
        return new CombinedKey(copy);
    }

    /**
     * Parses a key specification, as configuration writes it: {@code ip}, {@code network}, {@code header:NAME},
     * {@code cookie:NAME}, {@code session}, {@code principal}, {@code query:NAME}, {@code body:/json/pointer}, {@code basic-user}, or several of
     * them joined by {@code +}, such as {@code ip+body:/username}.
     *
     * @throws IllegalArgumentException if a part is none of these
     */
    static KeyResolver parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        List<KeyResolver> parts = new ArrayList<>();
        for (String raw : spec.split("\\+")) {
            String part = raw.trim();
            int colon = part.indexOf(':');
            String kind = (colon < 0 ? part : part.substring(0, colon)).toLowerCase(Locale.ROOT);
            String argument = colon < 0 ? "" : part.substring(colon + 1).trim();
            KeyResolver resolver = switch (kind) {
                case "ip" -> ip();
                case "network" -> network();
                case "session" -> session();
                case "principal" -> principal();
                case "basic-user" -> basicUser();
                case "header" -> header(requireArgument(spec, kind, argument));
                case "query" -> queryParameter(requireArgument(spec, kind, argument));
                case "cookie" -> cookie(requireArgument(spec, kind, argument));
                case "body" -> bodyField(requireArgument(spec, kind, argument));
                default ->
                    throw new IllegalArgumentException(
                            "key '" + spec + "' has an unknown part '" + part
                                    + "'; use ip, network, session, principal, basic-user, header:NAME, cookie:NAME, query:NAME or body:/pointer");
            };
            parts.add(resolver);
        }
        return all(parts);
    }

    private static String requireArgument(String spec, String kind, String argument) {
        if (argument.isEmpty()) {
            throw new IllegalArgumentException(
                    "key '" + spec + "': '" + kind + "' needs a name, as in " + kind + ":NAME");
        }
        return argument;
    }

    /** The value itself when short, otherwise a digest of it marked with {@code #}. */
    static String bounded(String value) {
        if (value == null || value.length() <= MAX_KEY_LENGTH) {
            return value;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "#" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM has SHA-256", impossible);
        }
    }
}

/** A key of several parts; a part that is missing counts as empty. */
final class CombinedKey implements KeyResolver {
    private final List<KeyResolver> parts;

    CombinedKey(List<KeyResolver> parts) {
        this.parts = parts;
    }

    @Override
    public @Nullable String resolve(GuardRequest request) {
        StringBuilder key = new StringBuilder(64);
        boolean any = false;
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i).resolve(request);
            if (i > 0) {
                key.append('|');
            }
            if (part != null) {
                key.append(part);
                any = true;
            }
        }
        return any ? key.toString() : null;
    }

    @Override
    public BodyField.@Nullable Unreadable unreadable(GuardRequest request) {
        for (KeyResolver part : parts) {
            BodyField.Unreadable reason = part.unreadable(request);
            if (reason != null) {
                return reason;
            }
        }
        return null;
    }
}

/** A key read from a request header; repeated with different values, it is ambiguous. */
final class HeaderKey implements KeyResolver {
    private final String name;

    HeaderKey(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public @Nullable String resolve(GuardRequest request) {
        return KeyResolver.bounded(request.header(name));
    }

    @Override
    public BodyField.@Nullable Unreadable unreadable(GuardRequest request) {
        if (request.header(name) == null) {
            return null; // the common case costs no list
        }
        List<String> values = request.headers(name);
        for (int i = 1; i < values.size(); i++) {
            if (!values.get(i).equals(values.get(0))) {
                return BodyField.Unreadable.AMBIGUOUS_HEADER;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "header:" + name;
    }
}

/**
 * A key read from a cookie: the first cookie of that name. A browser sends two cookies of one name when they
 * were set on different paths or domains (RFC 6265 section 5.4 sends the longer path first), which is legal
 * and common after a site moves a cookie, so a repeated cookie is not ambiguous. Servlet containers and
 * Spring's {@code @CookieValue} also bind the first.
 */
final class CookieKey implements KeyResolver {
    private final String name;

    CookieKey(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public @Nullable String resolve(GuardRequest request) {
        for (String header : request.headers("Cookie")) {
            for (String pair : header.split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).trim().equals(name)) {
                    return KeyResolver.bounded(pair.substring(equals + 1).trim());
                }
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "cookie:" + name;
    }
}

/** A key read from a request parameter; see {@link KeyResolver#queryParameter(String)}. */
final class ParameterKey implements KeyResolver {
    private final String name;

    ParameterKey(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public @Nullable String resolve(GuardRequest request) {
        return KeyResolver.bounded(request.parameterField(name).single());
    }

    @Override
    public BodyField.@Nullable Unreadable unreadable(GuardRequest request) {
        BodyField field = request.parameterField(name);
        if (field.isUnreadable()) {
            return field.unreadableReason();
        }
        return field.isAmbiguous() ? BodyField.Unreadable.AMBIGUOUS : null;
    }

    @Override
    public String toString() {
        return "query:" + name;
    }
}

/** A key read from a body field. */
final class BodyFieldKey implements KeyResolver {
    private final String pointer;

    BodyFieldKey(String pointer) {
        Objects.requireNonNull(pointer, "pointer");
        JsonPointer.compile(pointer); // a malformed pointer fails at start-up, not on a request
        this.pointer = pointer;
    }

    @Override
    public @Nullable String resolve(GuardRequest request) {
        String value = request.bodyField(pointer).single();
        return value == null ? null : UserNames.key(value);
    }

    @Override
    public BodyField.@Nullable Unreadable unreadable(GuardRequest request) {
        BodyField field = request.bodyField(pointer);
        if (field.isUnreadable()) {
            return field.unreadableReason();
        }
        return field.isAmbiguous() ? BodyField.Unreadable.AMBIGUOUS : null;
    }

    @Override
    public String toString() {
        return "body:" + pointer;
    }
}

/** The user name of HTTP Basic credentials; see {@link KeyResolver#basicUser()}. */
final class BasicUserKey implements KeyResolver {
    static final BasicUserKey INSTANCE = new BasicUserKey();

    /** Base64 characters decoded at most: a multiple of 4, about {@link UserNames#MAX_NORMALIZED_CHARS} bytes. */
    static final int MAX_DECODED_CHARS = 4 * (UserNames.MAX_NORMALIZED_CHARS / 3 + 1);

    private static final String SCHEME = "Basic";
    private static final HeaderKey AUTHORIZATION = new HeaderKey("Authorization");

    private BasicUserKey() {}

    @Override
    public @Nullable String resolve(GuardRequest request) {
        String header = request.header("Authorization");
        if (header == null) {
            return null;
        }
        int start = 0;
        while (start < header.length() && header.charAt(start) == ' ') {
            start++;
        }
        int end = start + SCHEME.length();
        if (end >= header.length()
                || !header.regionMatches(true, start, SCHEME, 0, SCHEME.length())
                || header.charAt(end) != ' ') {
            return null;
        }
        String credentials = header.substring(end).strip();
        boolean cut = credentials.length() > MAX_DECODED_CHARS;
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(cut ? credentials.substring(0, MAX_DECODED_CHARS) : credentials);
        } catch (IllegalArgumentException notBase64) {
            return null; // refused by the authenticator before any password is checked
        }
        int colon = 0;
        while (colon < decoded.length && decoded[colon] != ':') {
            colon++;
        }
        if (colon == decoded.length && !cut) {
            return null; // no password part: refused unread
        }
        return UserNames.key(new String(decoded, 0, colon, StandardCharsets.UTF_8));
    }

    @Override
    public BodyField.@Nullable Unreadable unreadable(GuardRequest request) {
        return AUTHORIZATION.unreadable(request);
    }

    @Override
    public String toString() {
        return "basic-user";
    }
}

/** Named key resolvers, so they print and compare well. */
enum KeySpec implements KeyResolver {
    IP {
        @Override
        public String resolve(GuardRequest request) {
            return request.client().key();
        }
    },
    NETWORK {
        @Override
        public String resolve(GuardRequest request) {
            ClientIdentity client = request.client();
            byte[] address = IpAddresses.parse(client.address());
            return address == null ? client.key() : IpAddresses.network(address);
        }
    }
}
