package io.github.abuseguard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The key of an {@code Authorization} or {@code Proxy-Authorization} value: one key for all the spellings of
 * one credential that an authenticator takes as that credential, so that a client cannot turn one credential
 * into many sessions or buckets (probe23 F1: {@code Basic T}, {@code basic T}, {@code BasicXT}, {@code
 * Basic:T} were 199 of 200 passes of a once-only rule for one account).
 *
 * <p>The reading is the most lenient an authenticator on the JVM uses, so that every spelling any of them
 * accepts lands on the key of the spelling the others accept; a spelling only a lenient one accepts can
 * merge with a strict one's key, never split from it. Merged keys are harmless: only a client that knows a
 * credential can spell it.
 *
 * <ul>
 *   <li>The value is trimmed ({@link String#trim()}, as Spring Security does) and its scheme compared in any
 *       letter case (RFC 9110 section 11.1).
 *   <li>{@code Basic}: Spring Security's {@code BasicAuthenticationConverter} checks the value starts with
 *       {@code basic} in any case and decodes from the seventh character, whatever the sixth is ({@code
 *       BasicXT}, {@code Basic:T}, {@code Basic<TAB>T} are {@code Basic T}); the sixth is skipped here too,
 *       and the token read as {@link #decode lenient decoders} read it, which skips the white space of a
 *       separator run. The key is a digest of the decoded credentials, the user name keyed as a user name
 *       ({@link UserNames#key}, as Spring's in-memory user store lower-cases it) and the password as its
 *       bytes: two Base64 spellings of one credential are one key, and no password is kept in a store.
 *   <li>{@code Bearer}: matched as a prefix in any case, one character after it skipped (a separator, as for
 *       Basic) and then a run of white space; the token kept as it is but for {@code =} padding at its end,
 *       and for a JSON Web Token ({@code header.payload.signature}) its signature re-encoded from the bytes
 *       it decodes to (the signing input is the first two parts as sent; the signature is checked as bytes).
 *   <li>Any other scheme: lower-cased, then one separator character and a run of white space skipped, the
 *       credentials kept as they are. A value that is one token, with no separator, is kept as it is (an
 *       API key sent without a scheme).
 * </ul>
 *
 * There is no undecodable Basic token: every character outside the Base64 alphabets is skipped and a
 * trailing character that makes no byte dropped, so a token a strict decoder refuses has the key of the
 * bytes a lenient one would read from it. Refusing such tokens would be no safer (an attacker spells the
 * credential validly instead) and giving each its own key would give a lenient authenticator's spellings a
 * key each.
 */
final class AuthorizationValue {

    private static final String BASIC = "basic";
    private static final String BEARER = "bearer";

    private AuthorizationValue() {}

    /** Whether a header of this name carries credentials whose spellings {@link #key} folds. */
    static boolean isAuthorization(String headerName) {
        return headerName.equalsIgnoreCase("Authorization") || headerName.equalsIgnoreCase("Proxy-Authorization");
    }

    /** The key of an authorization value, at most {@link KeyResolver#MAX_KEY_LENGTH} characters. */
    static String key(String value) {
        String trimmed = value.trim();
        if (startsWithIgnoreCase(trimmed, BASIC)) {
            return "basic " + digest(credentials(decode(trimmed, BASIC.length() + 1, Integer.MAX_VALUE)));
        }
        if (startsWithIgnoreCase(trimmed, BEARER)) {
            return KeyResolver.bounded(
                    "bearer " + bearerToken(trimmed.substring(afterSeparator(trimmed, BEARER.length()))));
        }
        int scheme = 0;
        while (scheme < trimmed.length() && isTokenChar(trimmed.charAt(scheme))) {
            scheme++;
        }
        if (scheme == 0 || scheme == trimmed.length()) {
            return KeyResolver.bounded(trimmed);
        }
        return KeyResolver.bounded(trimmed.substring(0, scheme).toLowerCase(Locale.ROOT)
                + ' '
                + trimmed.substring(afterSeparator(trimmed, scheme)));
    }

    /**
     * The user name key of Basic credentials ({@link KeyResolver#basicUser()}), or {@code null} when the value is
     * of another scheme. Read as {@link #key} reads them, so every spelling of one user's credentials names
     * that user: credentials without a colon are all user name (as Tomcat's Basic authenticator reads them),
     * empty ones the empty name. At most {@code maxChars} Base64 characters are decoded: a name cut there is
     * keyed as far as it was read.
     */
    static @Nullable String basicUser(String value, int maxChars) {
        String trimmed = value.trim();
        if (!startsWithIgnoreCase(trimmed, BASIC)) {
            return null;
        }
        Decoded decoded = decode(trimmed, BASIC.length() + 1, maxChars);
        int colon = colon(decoded);
        return UserNames.key(new String(decoded.bytes(), 0, colon, StandardCharsets.UTF_8));
    }

    /** Bytes decoded from Base64, and whether characters were left unread. */
    record Decoded(byte[] bytes, int length, boolean cut) {}

    /**
     * Decodes Base64 from {@code from} the way the most lenient decoders do (Apache Commons Codec's, which
     * Tomcat's Basic authenticator uses): characters of the standard and the URL-safe alphabet ({@code -} and
     * {@code _} read as {@code +} and {@code /}), ending at the first {@code =}, every other character skipped,
     * the bits that make no whole byte dropped. A token a strict decoder ({@link Base64#getDecoder()}) accepts
     * decodes to the same bytes. At most {@code maxChars} alphabet characters are read.
     */
    static Decoded decode(String text, int from, int maxChars) {
        int available = Math.max(0, text.length() - from);
        byte[] out = new byte[(int) (Math.min(available, (long) maxChars) * 3 / 4 + 1)];
        int length = 0;
        int bits = 0;
        int pending = 0;
        int read = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '=') {
                break;
            }
            int sextet = sextet(c);
            if (sextet < 0) {
                continue;
            }
            if (read == maxChars) {
                return new Decoded(out, length, true);
            }
            read++;
            bits = bits << 6 | sextet;
            pending += 6;
            if (pending >= 8) {
                pending -= 8;
                out[length++] = (byte) (bits >> pending);
                bits &= (1 << pending) - 1;
            }
        }
        return new Decoded(out, length, false);
    }

    private static int sextet(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        if (c == '+' || c == '-') {
            return 62;
        }
        if (c == '/' || c == '_') {
            return 63;
        }
        return -1;
    }

    /** The index of the first colon of the decoded bytes, or their length. */
    private static int colon(Decoded decoded) {
        int colon = 0;
        while (colon < decoded.length() && decoded.bytes()[colon] != ':') {
            colon++;
        }
        return colon;
    }

    /**
     * The bytes the key of Basic credentials digests: the user name's key, then, when there is a password
     * part, a zero (which a user name key never holds: it has no control characters) and the password's
     * bytes as the authenticator reads them: decoded as UTF-8, where every malformed byte is the same
     * U+FFFD (review14: a password holding U+FFFD matched by any invalid byte gave one credential as many
     * keys as its owner liked). {@code ops} and {@code ops:} differ, as an authenticator tells them apart.
     */
    private static byte[] credentials(Decoded decoded) {
        int colon = colon(decoded);
        byte[] user = UserNames.key(new String(decoded.bytes(), 0, colon, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        if (colon == decoded.length()) {
            return user;
        }
        byte[] password = new String(decoded.bytes(), colon + 1, decoded.length() - colon - 1, StandardCharsets.UTF_8)
                .getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[user.length + 1 + password.length];
        System.arraycopy(user, 0, all, 0, user.length);
        System.arraycopy(password, 0, all, user.length + 1, password.length);
        return all;
    }

    /**
     * A bearer token as a resource server takes it: without the {@code =} padding Spring Security's token
     * pattern allows at its end, and, for a JSON Web Token, with the signature re-encoded from its bytes, so
     * that its standard and URL-safe alphabets, its padding and the unused bits of its last character make
     * one key.
     */
    private static String bearerToken(String token) {
        int end = token.length();
        while (end > 0 && token.charAt(end - 1) == '=') {
            end--;
        }
        String unpadded = token.substring(0, end);
        int first = unpadded.indexOf('.');
        int second = first < 0 ? -1 : unpadded.indexOf('.', first + 1);
        if (second < 0 || unpadded.indexOf('.', second + 1) >= 0) {
            return unpadded;
        }
        Decoded signature = decode(unpadded, second + 1, Integer.MAX_VALUE);
        byte[] bytes = java.util.Arrays.copyOf(signature.bytes(), signature.length());
        return unpadded.substring(0, second + 1)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The index after the separator that follows a scheme ending at {@code schemeEnd}: one character, whatever
     * it is (as Spring Security skips the sixth of {@code Basic}), then any run of spaces and tabs.
     */
    private static int afterSeparator(String value, int schemeEnd) {
        int i = Math.min(schemeEnd + 1, value.length());
        while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean startsWithIgnoreCase(String value, String prefix) {
        return value.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private static boolean isTokenChar(char c) {
        // RFC 9110 token characters: an auth scheme
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    private static String digest(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM has SHA-256", impossible);
        }
    }
}
