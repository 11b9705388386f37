package io.github.abuseguard.redis;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The fixed-length name a client key is stored under in Redis. Client keys come from requests: a user
 * name from a body, an API key, a cookie, a session id; verbatim they would put personal data and
 * secrets into a store many services can read, and any byte (NUL, the {@code :} separator, a megabyte of
 * padding cut down only by the key resolver) into key names. The name is the first 128 bits of the key's
 * SHA-256, or of its HMAC-SHA256 under a per-deployment secret when one is configured, so that a user name
 * cannot be found by hashing a list of names; encoded as 22 characters of unpadded base64url.
 *
 * <p>Ban listings ({@code :bans}) need a name an operator can read: a key that is an IP address or
 * network, what the Actuator's bans are keyed by, is listed as it is; any other key as {@code #} and its
 * digest.
 */
final class KeyDigest {
    /** The bytes of a digest kept: 128 bits, beyond the reach of a birthday collision among keys. */
    private static final int KEPT_BYTES = 16;
    /** The characters of a digest's name: {@value #KEPT_BYTES} bytes in unpadded base64url. */
    private static final int DIGEST_CHARACTERS = (KEPT_BYTES * 4 + 2) / 3;
    /** The fewest bytes of a secret: below this an HMAC adds little over a plain digest. */
    static final int MIN_SECRET_BYTES = 16;
    /** The longest key that can be an address or network, {@code ffff:...:255.255.255.255/128}. */
    private static final int MAX_ADDRESS = 49;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final ThreadLocal<MessageDigest> sha256;
    private final ThreadLocal<Mac> hmac;

    private KeyDigest(byte[] secret) {
        if (secret == null) {
            this.sha256 = ThreadLocal.withInitial(() -> {
                try {
                    return MessageDigest.getInstance("SHA-256");
                } catch (GeneralSecurityException impossible) {
                    throw new IllegalStateException("every JVM has SHA-256", impossible);
                }
            });
            this.hmac = null;
        } else {
            SecretKeySpec key = new SecretKeySpec(secret.clone(), "HmacSHA256");
            this.sha256 = null;
            this.hmac = ThreadLocal.withInitial(() -> {
                try {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(key);
                    return mac;
                } catch (GeneralSecurityException impossible) {
                    throw new IllegalStateException("every JVM has HmacSHA256", impossible);
                }
            });
        }
    }

    /** Plain SHA-256: the same key has the same name in every deployment. */
    static KeyDigest unkeyed() {
        return new KeyDigest(null);
    }

    /**
     * HMAC-SHA256 under a secret shared by the instances of one deployment.
     *
     * @throws IllegalArgumentException if the secret has fewer than {@value #MIN_SECRET_BYTES} bytes
     */
    static KeyDigest keyed(byte[] secret) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the key secret must have at least " + MIN_SECRET_BYTES + " bytes, had "
                    + (secret == null ? 0 : secret.length));
        }
        return new KeyDigest(secret);
    }

    /** The 22-character name of a client key. */
    String of(String key) {
        byte[] bytes = io.github.abuseguard.internal.Utf8.bytes(key);
        byte[] digest;
        if (hmac != null) {
            digest = hmac.get().doFinal(bytes); // doFinal resets the Mac for the next key
        } else {
            digest = sha256.get().digest(bytes);
        }
        return ENCODER.encodeToString(java.util.Arrays.copyOf(digest, KEPT_BYTES));
    }

    /** The digest a ban's listing ({@code #} and 22 characters, see {@link #listed}) names, or {@code null} if it is none. */
    static @Nullable String fromListing(String listing) {
        if (listing.length() != DIGEST_CHARACTERS + 1 || listing.charAt(0) != '#') {
            return null;
        }
        for (int i = 1; i < listing.length(); i++) {
            char c = listing.charAt(i);
            boolean base64Url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c) || c == '-' || c == '_';
            if (!base64Url) {
                return null;
            }
        }
        return listing.substring(1);
    }

    /**
     * How a banned key is listed: an address or network as it is, and so the stand-in a rule counts a request without
     * its key by (its client's address: review56 F4, listed by digest, the operator could not tell whose it was);
     * anything else as {@code #} and its digest.
     */
    String listed(String key) {
        String standsFor = io.github.abuseguard.internal.RuleKeys.clientOfStandIn(key);
        return isAddress(key) || (standsFor != null && isAddress(standsFor)) ? key : "#" + of(key);
    }

    /**
     * Whether a key reads as an IPv4 or IPv6 address or network ({@code 203.0.113.7},
     * {@code 2001:db8:0:1::/64}): dotted decimal with four parts, or hexadecimal groups with at least two
     * colons, and an optional prefix length. A name that merely looks like one is listed readably too,
     * which is no leak: it could as well be an address.
     */
    static boolean isAddress(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_ADDRESS) {
            return false;
        }
        int end = key.length();
        int slash = key.indexOf('/');
        if (slash >= 0) {
            if (slash == end - 1 || end - slash > 4) {
                return false;
            }
            for (int i = slash + 1; i < end; i++) {
                if (!isDigit(key.charAt(i))) {
                    return false;
                }
            }
            end = slash;
        }
        int colons = 0;
        int dots = 0;
        for (int i = 0; i < end; i++) {
            char c = key.charAt(i);
            if (c == ':') {
                colons++;
            } else if (c == '.') {
                dots++;
            } else if (!isDigit(c) && !((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        if (colons >= 2) {
            return dots == 0 || dots == 3;
        }
        if (colons > 0 || dots != 3) {
            return false;
        }
        for (String part : key.substring(0, end).split("\\.", -1)) {
            if (part.isEmpty()
                    || part.length() > 3
                    || !part.chars().allMatch(KeyDigest::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
