package io.github.abuseguard.servlet;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.internal.Durations;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proof that a client ran the page's script: a challenge bound to the client's address, signed and
 * short-lived, and a nonce the script found for it, such that SHA-256 of {@code challenge + ":" + nonce}
 * starts with {@code difficulty} zero bits. Stateless: any instance that shares the secret verifies what
 * another issued.
 *
 * <p>A challenge is {@code 1.<expiry epoch seconds>.<difficulty>.<16 random bytes, base64url>.<MAC>}, the
 * MAC an HMAC-SHA256 over everything before it and the client's key, cut to 16 bytes.
 */
final class BrowserProof {

    /** The longest challenge {@link #verify} reads; one it issues is about 80 characters. */
    static final int MAX_CHALLENGE_CHARS = 160;

    /** The longest nonce {@link #verify} reads: decimal digits only. */
    static final int MAX_NONCE_DIGITS = 16;

    /** The fewest and most leading zero bits a proof can ask for. */
    static final int MIN_DIFFICULTY = 1;

    static final int MAX_DIFFICULTY = 22;

    private static final String VERSION = "1";
    private static final int MAC_BYTES = 16;
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64_DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    private final int difficulty;
    private final long ttlSeconds;
    private final TimeSource time;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param secret the HMAC key; every instance that verifies another's challenges needs the same
     * @throws IllegalArgumentException if the secret is shorter than 16 bytes, the difficulty is not
     *     between {@value #MIN_DIFFICULTY} and {@value #MAX_DIFFICULTY} (about 4 million hashes, tens of
     *     seconds of a browser's script), or the lifetime is under 10 seconds or over a day
     */
    BrowserProof(byte[] secret, int difficulty, Duration ttl, TimeSource time) {
        checkSecret(secret);
        checkDifficulty(difficulty);
        checkChallengeTtl(ttl);
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.difficulty = difficulty;
        this.ttlSeconds = ttl.getSeconds();
        this.time = Objects.requireNonNull(time, "time");
    }

    /** @throws IllegalArgumentException if the secret is shorter than 16 bytes */
    static void checkSecret(byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the secret must have at least 16 bytes, had " + secret.length);
        }
    }

    /** @throws IllegalArgumentException if not between {@value #MIN_DIFFICULTY} and {@value #MAX_DIFFICULTY} */
    static void checkDifficulty(int difficulty) {
        if (difficulty < MIN_DIFFICULTY || difficulty > MAX_DIFFICULTY) {
            throw new IllegalArgumentException(
                    "difficulty must be " + MIN_DIFFICULTY + " to " + MAX_DIFFICULTY + ", was " + difficulty);
        }
    }

    /** @throws IllegalArgumentException if under 10 seconds or over a day */
    static void checkChallengeTtl(Duration ttl) {
        if (ttl.getSeconds() < 10 || ttl.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("challenge-ttl must be 10s to 1d, was " + Durations.written(ttl));
        }
    }

    int difficulty() {
        return difficulty;
    }

    /** A fresh challenge for the client of this key, at the proof's difficulty. */
    String challenge(String client) {
        return challenge(client, difficulty);
    }

    /**
     * A fresh challenge for the client of this key that asks {@code difficulty} bits; the difficulty is signed
     * with the rest, so a client cannot ask for less.
     */
    String challenge(String client, int difficulty) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        long expiry = time.epochMillis() / 1000 + ttlSeconds;
        String payload = VERSION + "." + expiry + "." + difficulty + "." + BASE64.encodeToString(nonce);
        return payload + "." + BASE64.encodeToString(mac(payload, client));
    }

    /** Why a proof was refused, or {@link #VALID}. */
    enum Verdict {
        VALID(null),
        MALFORMED("The proof is not a challenge of this site and a nonce."),
        FORGED("The challenge was not issued to this client."),
        EXPIRED("The challenge has expired; ask for a new one."),
        UNSOLVED("The nonce does not solve the challenge.");

        final String detail;

        Verdict(String detail) {
            this.detail = detail;
        }
    }

    /** Checks a client's answer to a challenge. Never throws on what a client sent. */
    Verdict verify(String challenge, String nonce, String client) {
        if (challenge == null
                || nonce == null
                || challenge.length() > MAX_CHALLENGE_CHARS
                || nonce.isEmpty()
                || nonce.length() > MAX_NONCE_DIGITS
                || !digits(nonce)) {
            return Verdict.MALFORMED;
        }
        int macAt = challenge.lastIndexOf('.');
        String[] parts = challenge.split("\\.", -1);
        if (parts.length != 5 || !VERSION.equals(parts[0])) {
            return Verdict.MALFORMED;
        }
        byte[] sent;
        long expiry;
        int asked;
        try {
            sent = BASE64_DECODER.decode(parts[4]);
            expiry = Long.parseLong(parts[1]);
            asked = Integer.parseInt(parts[2]);
        } catch (IllegalArgumentException e) { // NumberFormatException included
            return Verdict.MALFORMED;
        }
        if (!MessageDigest.isEqual(sent, mac(challenge.substring(0, macAt), client))) {
            return Verdict.FORGED;
        }
        if (time.epochMillis() / 1000 > expiry) {
            return Verdict.EXPIRED;
        }
        return ProofSolver.leadingZeroBits(sha256(challenge + ":" + nonce)) >= asked ? Verdict.VALID : Verdict.UNSOLVED;
    }

    private static boolean digits(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private byte[] mac(String payload, String client) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(payload.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            byte[] full = mac.doFinal(client.getBytes(StandardCharsets.UTF_8));
            byte[] cut = new byte[MAC_BYTES];
            System.arraycopy(full, 0, cut, 0, MAC_BYTES);
            return cut;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    static byte[] sha256(String text) {
        return ProofSolver.sha256().digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
