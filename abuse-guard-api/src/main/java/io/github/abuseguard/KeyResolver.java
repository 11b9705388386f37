package io.github.abuseguard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

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
    String resolve(GuardRequest request);

    /** The client address key, IPv6 by prefix: {@link ClientIdentity#key()}. Never {@code null}. */
    static KeyResolver ip() {
        return KeySpec.IP;
    }

    /** The value of a request header, such as an API key. */
    static KeyResolver header(String name) {
        Objects.requireNonNull(name, "name");
        return request -> bounded(request.header(name));
    }

    /** A cookie's value, from the {@code Cookie} header. */
    static KeyResolver cookie(String name) {
        Objects.requireNonNull(name, "name");
        return request -> {
            for (String header : request.headers("Cookie")) {
                for (String pair : header.split(";")) {
                    int equals = pair.indexOf('=');
                    if (equals > 0 && pair.substring(0, equals).trim().equals(name)) {
                        return bounded(pair.substring(equals + 1).trim());
                    }
                }
            }
            return null;
        };
    }

    /** The session id the client presented. */
    static KeyResolver session() {
        return request -> bounded(request.sessionId());
    }

    /** The authenticated principal's name. */
    static KeyResolver principal() {
        return request -> bounded(request.principal());
    }

    /** A query parameter. */
    static KeyResolver queryParameter(String name) {
        Objects.requireNonNull(name, "name");
        return request -> bounded(request.queryParameter(name));
    }

    /**
     * A body field: a JSON Pointer into a JSON body or a form field name, read from the bounded body
     * capture. Values are compared in lower case, so {@code Alice} and {@code alice} share a key.
     */
    static KeyResolver bodyField(String pointer) {
        Objects.requireNonNull(pointer, "pointer");
        return request -> {
            String value = request.body().field(pointer);
            return value == null ? null : bounded(value.trim().toLowerCase(Locale.ROOT));
        };
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
        return request -> {
            StringBuilder key = new StringBuilder(64);
            boolean any = false;
            for (int i = 0; i < copy.size(); i++) {
                String part = copy.get(i).resolve(request);
                if (i > 0) {
                    key.append('|');
                }
                if (part != null) {
                    key.append(part);
                    any = true;
                }
            }
            return any ? key.toString() : null;
        };
    }

    /**
     * Parses a key specification, as configuration writes it: {@code ip}, {@code header:NAME},
     * {@code cookie:NAME}, {@code session}, {@code principal}, {@code query:NAME}, {@code body:/json/pointer}, or several of
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
                case "session" -> session();
                case "principal" -> principal();
                case "header" -> header(requireArgument(spec, kind, argument));
                case "query" -> queryParameter(requireArgument(spec, kind, argument));
                case "cookie" -> cookie(requireArgument(spec, kind, argument));
                case "body" -> bodyField(requireArgument(spec, kind, argument));
                default ->
                    throw new IllegalArgumentException("key '" + spec + "' has an unknown part '" + part
                            + "'; use ip, session, principal, header:NAME, cookie:NAME, query:NAME or body:/pointer");
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

/** Named key resolvers, so they print and compare well. */
enum KeySpec implements KeyResolver {
    IP {
        @Override
        public String resolve(GuardRequest request) {
            return request.client().key();
        }
    }
}
