package io.github.abuseguard.servlet;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Solves the browser proof ({@code abuse-guard.proof.*}) the way the filter's {@code proof.js} does in a
 * browser, for clients that are not one: a JVM app or API integration that needs its history, and tests.
 * The work is the same in any language: the first decimal nonce from 0 for which SHA-256 of {@code
 * challenge + ":" + nonce} (UTF-8) starts with {@code difficulty} zero bits.
 */
public final class ProofSolver {
    private static final JsonFactory JSON = new JsonFactory();

    private ProofSolver() {}

    /**
     * The nonce that solves {@code challenge}.
     *
     * @throws IllegalArgumentException if the difficulty is not 1 to 22
     */
    public static String nonce(String challenge, int difficulty) {
        if (difficulty < BrowserProof.MIN_DIFFICULTY || difficulty > BrowserProof.MAX_DIFFICULTY) {
            throw new IllegalArgumentException("difficulty must be " + BrowserProof.MIN_DIFFICULTY + " to "
                    + BrowserProof.MAX_DIFFICULTY + ", was " + difficulty);
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
     * @throws IllegalArgumentException if {@code json} is not such an answer, or asks for a difficulty not 1 to 22
     */
    public static String form(String json) {
        String challenge = null;
        int difficulty = 0;
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a challenge of the browser proof: " + json);
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("challenge") && value == JsonToken.VALUE_STRING) {
                    challenge = parser.getString();
                } else if (name.equals("difficulty") && value == JsonToken.VALUE_NUMBER_INT) {
                    difficulty = parser.getIntValue();
                } else {
                    parser.skipChildren();
                }
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a challenge of the browser proof: " + json, e);
        }
        if (challenge == null) {
            throw new IllegalArgumentException("not a challenge of the browser proof: " + json);
        }
        return "challenge=" + URLEncoder.encode(challenge, StandardCharsets.UTF_8) + "&nonce="
                + nonce(challenge, difficulty);
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
