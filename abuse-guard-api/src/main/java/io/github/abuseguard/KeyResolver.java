package io.github.abuseguard;

import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.internal.UnseenBodyField;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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

    /**
     * Whether resolving this key may read the request's body ({@code body:} and {@code query:} keys, and keys
     * joining one). The engine asks the guards whose rules need no body first, so that a request one of them
     * refuses (a client over its rate limit) is refused before its body is read. {@code false} by default: a
     * key of your own that reads the body is still read, in the guard's place in the order.
     */
    default boolean readsBody() {
        return false;
    }

    /**
     * Whether any client may send the value the key is read from for someone else: a user name, a mailbox, a
     * code in the query ({@code body:}, {@code mailbox:}, {@code query:}, {@code basic-user}, and keys joining
     * only such parts). The state of such a key is then another person's, and a rate limit does not tell it in
     * the {@code RateLimit} fields of the requests it lets through (probe45b F2: a refused sign-up naming an inbox
     * read how many accounts that inbox opened that day, and when). {@code false} by default: the client's
     * address, session, principal, cookie or header (an API key) is the client's own.
     */
    default boolean namesOthers() {
        return false;
    }

    /**
     * Whether the key holds other clients' requests besides this client's: a network or an allocation, alone or as a
     * part. Its state is then the neighbours' traffic too, and a rate limit does not tell it in the {@code RateLimit}
     * fields (probe82b F1: a client's {@code sign-up-network} figure went 29 to 26 between its own two sign-ups, its
     * neighbours' two counted in; joined to a user name, anyone in the /24 could count the guesses at {@code alice}).
     */
    default boolean sharedWithNeighbours() {
        return this == network() || this == allocation();
    }

    /**
     * Whether the key is an inbox ({@code mailbox:}, alone or joined only to values any client may send): the value a
     * sign-up or a password reset names, which a stranger spends without knowing any password. {@code false} by
     * default.
     */
    default boolean namesMailbox() {
        return false;
    }

    /**
     * The key this resolver gives a request that carries {@code value} where the resolver reads it (a user name in
     * the body, an API key's header): how an operator names a key by hand, to lift its ban. {@code null} when a
     * value alone names no key of this resolver: a key of several parts, the global key, the principal, and, by
     * default, a resolver written elsewhere. The address key ({@link #ip()}) takes a client key as {@link
     * ClientIdentity#key()} spells it; the network key ({@link #network()}) an address, or a network as it spells
     * it, and gives the network.
     */
    default @Nullable String keyOfValue(String value) {
        return null;
    }

    /**
     * The key this resolver gives the requests of client {@code clientKey} that carry {@code value}, for an operator's
     * lift: {@link #keyOfValue} by default; a key of several parts joins each part's, the address and network parts
     * read from {@code clientKey} (user61 F1: a rule keyed {@code ip+body:/username} listed its ban of {@code
     * 127.0.6.2|alice}, and no lift could name it). {@code null} when some part cannot be named so.
     */
    default @Nullable String keyOfValue(String value, @Nullable String clientKey) {
        return keyOfValue(value);
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
     * The client's allocation, coarser than {@link #network()}: its IPv4 /16 or IPv6 /32, the smallest block a registry
     * gives a provider (an IPv6 address embedding an IPv4 host counts as that host's /16), for a third limit that a
     * holder of many networks cannot multiply: a tunnel broker's free /48s, a hosting customer's /44 (probe73a F5:
     * nothing grouped addresses above /48, so a /32's 65,536 /48s each had a network's budget). Never {@code null}.
     */
    static KeyResolver allocation() {
        return KeySpec.ALLOCATION;
    }

    /**
     * One key for every request: a rule keyed so holds one bucket that all clients share, a cap on the
     * route for everyone together ("at most 100 sign-ups a minute site-wide"), as a Bucket4j bucket or a
     * Resilience4j rate limiter is. Only rate-limit rules take it, and only alone: it cannot be combined
     * with another part ({@code ip+global} would be {@code ip}). Its key is {@value #GLOBAL_KEY}; it is
     * never a client's, so logs and events keep naming the request's own client. {@link #isGlobal()}
     * tells it apart.
     */
    static KeyResolver global() {
        return KeySpec.GLOBAL;
    }

    /** The one key of {@link #global()}. */
    String GLOBAL_KEY = "global";

    /**
     * Whether this key is {@link #global()}: the same for every request, so whatever counts by it counts
     * every client together. A guard that would hold every client to what one of them did (a ban, a
     * sequence) refuses such a key at start-up.
     */
    default boolean isGlobal() {
        return false;
    }

    /**
     * The value of a request header, such as an API key. A header sent several times with different
     * values (two {@code Authorization} headers) yields an {@link BodyField.Unreadable#AMBIGUOUS_HEADER}
     * reason: one application stack reads the first, another the last or all, so no copy may stand for
     * the client. An {@code Authorization} or {@code Proxy-Authorization} header is keyed by the credentials it
     * carries, not by their spelling: the scheme in any letter case, the separator after it skipped as
     * authenticators skip it, Basic credentials by a digest of what they decode to (the user name keyed as a
     * user name), so that one credential is one key (see {@code AuthorizationValue}).
     */
    static KeyResolver header(String name) {
        return new HeaderKey(name);
    }

    /**
     * A cookie's value, from the {@code Cookie} header. A cookie named twice with different values yields an
     * {@link BodyField.Unreadable#AMBIGUOUS_HEADER} reason, as a repeated {@link #header(String) header} does:
     * Tomcat and Spring Session take the first <em>valid</em> session cookie, so a made-up value in front of
     * the real one would otherwise be a new key for the same session (probe23 F3). Named twice with one value,
     * it is that value.
     */
    static KeyResolver cookie(String name) {
        return new CookieKey(name);
    }

    /** The session id the client presented; always the same resolver, so a guard can tell it from others. */
    static KeyResolver session() {
        return Sessions.PRESENTED;
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
     * field} does; the value is keyed as it is, case and all (a code's case is its own): a user name is keyed by
     * {@code body:}, which folds it.
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
     * A body field read as {@link #bodyField(String)} reads it (a JSON Pointer into a JSON body, or a form field
     * name), keyed with its case and accents: a code, a voucher, a token, whose case is its own. A {@code body:}
     * key folds values as user names, so {@code AbC7} and {@code aBc7}, two gift-card codes to an application that
     * compares them exactly, would be one distinct value to a {@code distinct:} count, and an enumerator would try
     * every case spelling of a code for the price of one. Edge white space, invisible characters and compatibility
     * forms (full-width letters) are still folded ({@link UserNames#codeKey}): an application that trims takes those
     * spellings for one code, so each must not be a budget of its own. A blank value is no key (the request counts
     * against its address). Unreadable and ambiguous bodies are refused as a body field's are.
     *
     * @throws IllegalArgumentException if the pointer is malformed
     */
    static KeyResolver bodyFieldExact(String pointer) {
        return new ExactBodyFieldKey(pointer);
    }

    /**
     * The mailbox of an e-mail address in a body field (a JSON Pointer, or a form field name, read as {@link
     * #bodyField(String)} reads it), or with {@code query:NAME} in the request parameter (read as {@link
     * #queryParameter(String)} reads it, as {@code @RequestParam} binds it): the spellings that one inbox
     * receives share a key, {@code Ann.Smith+shop@GMail.com}, {@code annsmith@googlemail.com} and {@code
     * annsmith@gmail.com} among them (see {@link Mailboxes#key}), so that one inbox cannot open an account, or
     * ask for a password reset, per spelling. A value that is no address is keyed as a user name. A body that
     * cannot be read, or a field given several different values, yields no key and an {@link
     * #unreadable(GuardRequest) unreadable} reason, as a body field does.
     *
     * @throws IllegalArgumentException if the pointer is malformed, or {@code query:} has no name
     */
    static KeyResolver mailbox(String field) {
        return new MailboxKey(field);
    }

    /**
     * The user name of HTTP Basic authentication ({@code Authorization: Basic base64(user:password)}), keyed as
     * a {@link #bodyField(String) body field's} user name is; never the password. The credentials are read as
     * the most lenient authenticators read them (Spring Security: the scheme in any letter case, any one
     * character after it; Commons Codec: characters outside Base64 skipped), so every spelling that names a
     * user to one of them names that user here; credentials without a colon are all user name. {@code null}
     * only for a request without an {@code Authorization} header or with one of another scheme.
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
     * Parses a key specification, as configuration writes it: {@code ip}, {@code network}, {@code allocation},
     * {@code header:NAME},
     * {@code cookie:NAME}, {@code session}, {@code principal}, {@code query:NAME}, {@code body:/json/pointer},
     * {@code body-exact:/json/pointer}, {@code mailbox:/json/pointer}, {@code basic-user}, or several of
     * them joined by {@code +}, such as {@code ip+body:/username}; or {@code global} alone, one key shared by
     * every client ({@link #global()}).
     *
     * @throws IllegalArgumentException if a part is none of these, or {@code global} is combined with another
     */
    static KeyResolver parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        UserNames.requireTable(); // a jar without it fails at start-up, not at a sign-in (review159 F5)
        List<KeyResolver> parts = new ArrayList<>();
        String[] raws = spec.split("\\+");
        for (String raw : raws) {
            String part = raw.trim();
            int colon = part.indexOf(':');
            String kind = (colon < 0 ? part : part.substring(0, colon)).toLowerCase(Locale.ROOT);
            String argument = colon < 0 ? "" : part.substring(colon + 1).trim();
            KeyResolver resolver = switch (kind) {
                case "ip" -> ip();
                case "network" -> network();
                case "allocation" -> allocation();
                case "session" -> session();
                case "principal" -> principal();
                case "basic-user" -> basicUser();
                case "header" -> header(requireArgument(spec, kind, argument));
                case "query" -> queryParameter(requireArgument(spec, kind, argument));
                case "cookie" -> cookie(requireArgument(spec, kind, argument));
                case "body" -> bodyField(requirePointer(spec, kind, argument));
                case "body-exact" -> bodyFieldExact(requirePointer(spec, kind, argument));
                case "mailbox" ->
                    mailbox(
                            argument.startsWith("query:")
                                    ? requireArgument(spec, kind, argument) // the mailbox of a query parameter
                                    : requirePointer(spec, kind, argument));
                case "global" -> {
                    if (raws.length > 1 || !argument.isEmpty() || colon >= 0) {
                        // Joined to a client's part, the key would be that client's: no cap at all.
                        throw new IllegalArgumentException("key '" + spec
                                + "': 'global' counts every client together and stands alone; give it a rule"
                                + " of its own next to the per-client rule");
                    }
                    yield global();
                }
                default ->
                    throw new IllegalArgumentException("key '" + spec + "' has an unknown part '" + part
                            + "'; use ip, network, allocation, session, principal, basic-user, header:NAME, cookie:NAME,"
                            + " query:NAME,"
                            + " body:/pointer, body-exact:/pointer or mailbox:/pointer"
                            + " (or global alone)");
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

    /**
     * A body field's JSON Pointer, which starts with {@code /}: written as a form field's name ({@code body:username})
     * it is named with the spelling that works, not left to the pointer parser's own message (user71 F3).
     */
    private static String requirePointer(String spec, String kind, String argument) {
        requireArgument(spec, kind, argument);
        if (!argument.startsWith("/")) {
            throw new IllegalArgumentException("key '" + spec + "': '" + kind + ":" + argument
                    + "' names a body field by a JSON Pointer, which starts with '/': write " + kind + ":/" + argument
                    + " (a form field is named the same way)");
        }
        return argument;
    }

    /** The value itself when short, otherwise a digest of it marked with {@code #}. */
    static String bounded(String value) {
        if (value == null || value.length() <= MAX_KEY_LENGTH) {
            return value;
        }
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(io.github.abuseguard.internal.Utf8.bytes(value));
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

    @Override
    public boolean readsBody() {
        for (KeyResolver part : parts) {
            if (part.readsBody()) {
                return true;
            }
        }
        return false;
    }

    /**
     * When some part does and no part is the client's own: joined to the client's address, session, principal,
     * a cookie or its credentials, a user name's state is that client's; joined to a header any client can copy
     * ({@code User-Agent}, a tenant id) it is still the name's (probe45c F7).
     */
    @Override
    public boolean namesMailbox() {
        if (!namesOthers()) {
            return false;
        }
        for (KeyResolver part : parts) {
            if (part.namesMailbox()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public @Nullable String keyOfValue(String value, @Nullable String clientKey) {
        StringBuilder key = new StringBuilder(64);
        for (int i = 0; i < parts.size(); i++) {
            KeyResolver part = parts.get(i);
            String named;
            if (part == KeySpec.IP) {
                named = clientKey;
            } else if (part == KeyResolver.network() || part == KeyResolver.allocation()) {
                named = clientKey == null ? null : part.keyOfValue(clientKey);
            } else {
                named = part.keyOfValue(value);
            }
            if (named == null) {
                return null;
            }
            if (i > 0) {
                key.append('|');
            }
            key.append(named);
        }
        return key.toString();
    }

    @Override
    public boolean sharedWithNeighbours() {
        for (KeyResolver part : parts) {
            if (part.sharedWithNeighbours()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean namesOthers() {
        boolean others = false;
        for (KeyResolver part : parts) {
            if (part.namesOthers()) {
                others = true;
            } else if (!(part instanceof HeaderKey header) || header.isAuthorization()) {
                return false;
            }
        }
        return others;
    }
}

/**
 * A key read from a request header; repeated with different values, it is ambiguous. An {@code Authorization}
 * or {@code Proxy-Authorization} value is keyed by its credentials ({@link AuthorizationValue}), so that the
 * spellings an authenticator takes as one credential are one key.
 */
final class HeaderKey implements KeyResolver {
    private final String name;
    private final boolean authorization;

    /** Whether it reads credentials ({@code Authorization}, {@code Proxy-Authorization}): the client's own. */
    boolean isAuthorization() {
        return authorization;
    }

    HeaderKey(String name) {
        this.name = Objects.requireNonNull(name, "name");
        this.authorization = AuthorizationValue.isAuthorization(name);
    }

    @Override
    public @Nullable String resolve(GuardRequest request) {
        String value = Placeholders.given(request.header(name));
        if (value == null) {
            return null;
        }
        return keyOfValue(value);
    }

    @Override
    public @Nullable String keyOfValue(String value) {
        return authorization ? AuthorizationValue.key(value) : KeyResolver.bounded(value);
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
 * A key read from a cookie. A browser sends two cookies of one name when they were set on different paths or
 * domains (RFC 6265 section 5.4 sends the longer path first), but the session an application uses is the first
 * <em>valid</em> one (Tomcat's {@code parseSessionCookiesId}, Spring Session's {@code SessionRepositoryFilter}),
 * not the first: a made-up cookie in front of the real one is the same session to the application. So a cookie
 * named with different values is ambiguous, as a repeated header is; a browser still holding a moved cookie is
 * refused until the stale one expires (a session cookie at the browser's close).
 */
final class CookieKey implements KeyResolver {
    private final String name;

    CookieKey(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public @Nullable String resolve(GuardRequest request) {
        String value = Placeholders.given(first(request));
        return value == null ? null : KeyResolver.bounded(value);
    }

    @Override
    public @Nullable String keyOfValue(String value) {
        return KeyResolver.bounded(value);
    }

    private @Nullable String first(GuardRequest request) {
        for (String header : request.headers("Cookie")) {
            for (String pair : header.split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).trim().equals(name)) {
                    return pair.substring(equals + 1).trim();
                }
            }
        }
        return null;
    }

    @Override
    public BodyField.@Nullable Unreadable unreadable(GuardRequest request) {
        String first = null;
        for (String header : request.headers("Cookie")) {
            for (String pair : header.split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).trim().equals(name)) {
                    String value = pair.substring(equals + 1).trim();
                    if (first == null) {
                        first = value;
                    } else if (!first.equals(value)) {
                        return BodyField.Unreadable.AMBIGUOUS_HEADER;
                    }
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
    @Override
    public boolean namesOthers() {
        return true;
    }

    private final String name;

    ParameterKey(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public @Nullable String resolve(GuardRequest request) {
        // keyed as sent: a parameter is as often a code or a token, whose case is its own (review54 F2: folded,
        // 64 case spellings of one gift-card code were one distinct value, and none counted toward a ban); a user
        // name is keyed folded by `body:` (probe52c F2)
        return KeyResolver.bounded(
                Placeholders.givenParameter(request.parameterField(name).single()));
    }

    @Override
    public @Nullable String keyOfValue(String value) {
        return KeyResolver.bounded(value);
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
    public boolean readsBody() {
        return true;
    }

    @Override
    public String toString() {
        return "query:" + name;
    }
}

/** A key read from a body field. */
final class BodyFieldKey implements KeyResolver {
    @Override
    public boolean namesOthers() {
        return true;
    }

    private final String pointer;
    private final UnseenBodyField unseen;

    BodyFieldKey(String pointer) {
        this(pointer, "body:");
    }

    /** @param spelling how the key names the field before its pointer, for the warning of a field never seen */
    BodyFieldKey(String pointer, String spelling) {
        Objects.requireNonNull(pointer, "pointer");
        io.github.abuseguard.internal.JsonPointers.compile(pointer); // a malformed pointer fails at start-up
        this.pointer = pointer;
        this.unseen = new UnseenBodyField(
                "field " + pointer + " of key " + spelling + pointer,
                "a request without it is keyed as if it had none");
    }

    @Override
    public @Nullable String resolve(GuardRequest request) {
        return field(request).userNameKey();
    }

    /** The field in the request's body, its look-up recorded for the warning of a field never seen. */
    BodyField field(GuardRequest request) {
        BodyField field = request.bodyField(pointer);
        unseen.looked(field, request.body());
        return field;
    }

    @Override
    public @Nullable String keyOfValue(String value) {
        return UserNames.key(value);
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
    public boolean readsBody() {
        return true;
    }

    String pointer() {
        return pointer;
    }

    @Override
    public String toString() {
        return "body:" + pointer;
    }
}

/** A body field keyed with its case kept; see {@link KeyResolver#bodyFieldExact(String)}. */
final class ExactBodyFieldKey implements KeyResolver {
    private final BodyFieldKey field;

    ExactBodyFieldKey(String pointer) {
        this.field = new BodyFieldKey(pointer, "body-exact:");
    }

    @Override
    public boolean namesOthers() {
        return true;
    }

    @Override
    public @Nullable String resolve(GuardRequest request) {
        String value = Placeholders.givenParameter(field.field(request).single());
        return value == null ? null : UserNames.codeKey(value);
    }

    @Override
    public @Nullable String keyOfValue(String value) {
        return UserNames.codeKey(value);
    }

    @Override
    public BodyField.@Nullable Unreadable unreadable(GuardRequest request) {
        return field.unreadable(request);
    }

    @Override
    public boolean readsBody() {
        return true;
    }

    @Override
    public String toString() {
        return "body-exact:" + field.pointer();
    }
}

/** The mailbox of an address in a body field; see {@link KeyResolver#mailbox(String)}. */
final class MailboxKey implements KeyResolver {
    @Override
    public boolean namesOthers() {
        return true;
    }

    @Override
    public boolean namesMailbox() {
        return true;
    }

    private final String field;
    /** The request parameter of a {@code query:NAME} field; {@code null} for a body field. */
    private final @Nullable String parameter;

    private final KeyResolver source;

    /** @param field a JSON Pointer, or {@code query:NAME} for the request parameter */
    MailboxKey(String field) {
        this.field = field;
        this.parameter = field.startsWith("query:") ? field.substring(6) : null;
        if (parameter != null && parameter.isBlank()) {
            throw new IllegalArgumentException(
                    "key 'mailbox:query:' needs a parameter name, as in mailbox:query:email");
        }
        this.source = parameter != null ? new ParameterKey(parameter) : new BodyFieldKey(field, "mailbox:");
    }

    @Override
    public @Nullable String resolve(GuardRequest request) {
        BodyField values =
                parameter != null ? request.parameterField(parameter) : ((BodyFieldKey) source).field(request);
        String value = values.single();
        return value == null ? null : keyOfValue(value);
    }

    @Override
    public @Nullable String keyOfValue(String value) {
        Mailboxes.Reading mailbox = Mailboxes.read(value);
        if (mailbox.severalAddresses()) {
            return null; // refused as ambiguous: see unreadable
        }
        return mailbox.key() == null ? UserNames.key(value) : mailbox.key();
    }

    @Override
    public BodyField.@Nullable Unreadable unreadable(GuardRequest request) {
        BodyField.Unreadable unreadable = source.unreadable(request);
        if (unreadable != null) {
            return unreadable;
        }
        String value = (parameter != null ? request.parameterField(parameter) : request.bodyField(field)).single();
        return value != null && Mailboxes.read(value).severalAddresses() ? BodyField.Unreadable.AMBIGUOUS : null;
    }

    @Override
    public boolean readsBody() {
        return true;
    }

    @Override
    public String toString() {
        return "mailbox:" + field;
    }
}

/** The session id the client presented; see {@link KeyResolver#session()}. */
final class Sessions {
    static final KeyResolver PRESENTED = new KeyResolver() {
        @Override
        public @Nullable String resolve(GuardRequest request) {
            String id = request.sessionId();
            return id == null ? null : KeyResolver.bounded(id);
        }

        @Override
        public @Nullable String keyOfValue(String value) {
            return KeyResolver.bounded(value);
        }

        @Override
        public String toString() {
            return "session";
        }
    };

    private Sessions() {}
}

/** The user name of HTTP Basic credentials; see {@link KeyResolver#basicUser()}. */
final class BasicUserKey implements KeyResolver {
    @Override
    public boolean namesOthers() {
        return true;
    }

    static final BasicUserKey INSTANCE = new BasicUserKey();

    /** Base64 characters decoded at most: a multiple of 4, about {@link UserNames#MAX_NORMALIZED_CHARS} bytes. */
    static final int MAX_DECODED_CHARS = 4 * (UserNames.MAX_NORMALIZED_CHARS / 3 + 1);

    private static final HeaderKey AUTHORIZATION = new HeaderKey("Authorization");

    private BasicUserKey() {}

    @Override
    public @Nullable String resolve(GuardRequest request) {
        String header = request.header("Authorization");
        return header == null ? null : AuthorizationValue.basicUser(header, MAX_DECODED_CHARS);
    }

    /** The user name itself, keyed as the credentials' user name is. */
    @Override
    public @Nullable String keyOfValue(String value) {
        return UserNames.key(value);
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

        /** A client key, as {@link ClientIdentity#key()} spells it, is its own key. */
        @Override
        public @Nullable String keyOfValue(String value) {
            return value;
        }
    },
    NETWORK {
        @Override
        public String resolve(GuardRequest request) {
            ClientIdentity client = request.client();
            byte[] address = IpAddresses.parse(client.address());
            return address == null ? client.key() : IpAddresses.network(address);
        }

        /**
         * The network of an address, or of a network as this key spells it ({@code 203.0.113.0/24}): an unban of an
         * address lifts its network's ban too (review56 F5: it answered no failure rule for a network-keyed one).
         */
        @Override
        public @Nullable String keyOfValue(String value) {
            int slash = value.indexOf('/');
            byte[] address = IpAddresses.parse(slash < 0 ? value : value.substring(0, slash));
            return address == null ? null : IpAddresses.network(address);
        }
    },
    ALLOCATION {
        @Override
        public String resolve(GuardRequest request) {
            ClientIdentity client = request.client();
            byte[] address = IpAddresses.parse(client.address());
            return address == null ? client.key() : IpAddresses.allocation(address);
        }

        /** The allocation of an address, or of a block as this key spells it ({@code 203.0.0.0/16}). */
        @Override
        public @Nullable String keyOfValue(String value) {
            int slash = value.indexOf('/');
            byte[] address = IpAddresses.parse(slash < 0 ? value : value.substring(0, slash));
            return address == null ? null : IpAddresses.allocation(address);
        }
    },
    GLOBAL {
        @Override
        public String resolve(GuardRequest request) {
            return GLOBAL_KEY;
        }

        @Override
        public boolean isGlobal() {
            return true;
        }
    }
}
