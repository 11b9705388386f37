package io.github.abuseguard.servlet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Solves the browser proof ({@code abuse-guard.proof.*}) the way the filter's {@code proof.js} does in a
 * browser, for clients that are not one: a JVM app or API integration that needs its history, and tests.
 * The work is the same in any language: the first decimal nonce from 0 for which SHA-256 of {@code
 * challenge + ":" + nonce} (UTF-8) starts with {@code difficulty} zero bits.
 */
public final class ProofSolver {
    private static final Pattern CHALLENGE = Pattern.compile("\"challenge\":\"([^\"]+)\",\"difficulty\":(\\d+)");

    private ProofSolver() {}

    /**
     * The nonce that solves {@code challenge}.
     *
     * @throws IllegalArgumentException if the difficulty is not 1 to 28
     */
    public static String nonce(String challenge, int difficulty) {
        if (difficulty < BrowserProof.MIN_DIFFICULTY || difficulty > BrowserProof.MAX_DIFFICULTY) {
            throw new IllegalArgumentException("difficulty must be 1 to 28, was " + difficulty);
        }
        MessageDigest sha256 = sha256();
        for (long nonce = 0; ; nonce++) {
            String candidate = Long.toString(nonce);
            if (leadingZeroBits(sha256.digest((challenge + ":" + candidate).getBytes(StandardCharsets.UTF_8)))
                    >= difficulty) {
                return candidate;
            }
        }
    }

    /**
     * The form to {@code POST} back ({@code application/x-www-form-urlencoded}) for what {@code GET} on the
     * proof's path answered.
     *
     * @throws IllegalArgumentException if {@code json} is not such an answer
     */
    public static String form(String json) {
        Matcher asked = CHALLENGE.matcher(json);
        if (!asked.find()) {
            throw new IllegalArgumentException("not a challenge of the browser proof: " + json);
        }
        String challenge = asked.group(1);
        return "challenge=" + challenge + "&nonce=" + nonce(challenge, Integer.parseInt(asked.group(2)));
    }

    static int leadingZeroBits(byte[] hash) {
        int bits = 0;
        for (byte b : hash) {
            if (b != 0) {
                return bits + Integer.numberOfLeadingZeros(b & 0xff) - 24;
            }
            bits += 8;
        }
        return bits;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
