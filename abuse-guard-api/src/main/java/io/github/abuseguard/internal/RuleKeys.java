package io.github.abuseguard.internal;

import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.KeyResolver;

/**
 * The key a rule counts a request by. A request that does not carry what the rule's key names (no such
 * header, cookie or field, no session) is counted by its client's address, so that leaving the key out never
 * escapes the rule (probe38b F2). That stand-in lives apart from every value a client can send: it starts
 * with a NUL, and a read value that starts with one gets one more, so no header, cookie or field can name
 * another client's address and spend, or ban, what that client is counted by (review38b F3).
 */
public final class RuleKeys {

    private static final String STAND_IN = "\u0000client:";

    private RuleKeys() {}

    /** The rule key of {@code request}; never {@code null}. */
    public static String of(KeyResolver key, GuardRequest request) {
        String value = key.resolve(request);
        return value == null ? standIn(request.client().key()) : ofValue(value);
    }

    /** The rule key of a request of the client {@code clientKey} that did not carry what the rule's key names. */
    public static String standIn(String clientKey) {
        return STAND_IN + clientKey;
    }

    /** The rule key of a request whose key resolver gave {@code value}. */
    public static String ofValue(String value) {
        return !value.isEmpty() && value.charAt(0) == '\u0000' ? '\u0000' + value : value;
    }

    /**
     * A rule key as an operator reads it: a stand-in as its client's key, a value as it was read (without the NUL
     * {@link #ofValue} put in front of one that started with a NUL), any other as it is.
     */
    public static String shown(String key) {
        if (key.startsWith(STAND_IN)) {
            return key.substring(STAND_IN.length());
        }
        return key.startsWith("\u0000") ? key.substring(1) : key;
    }

    /** The client key a stand-in ({@link #standIn}) stands for, or {@code null} when {@code key} is none. */
    public static @org.jspecify.annotations.Nullable String clientOfStandIn(String key) {
        return key.startsWith(STAND_IN) ? key.substring(STAND_IN.length()) : null;
    }

    /** Whether {@code key} is the stand-in {@link #of} gives a request of the client {@code clientKey}. */
    public static boolean standsFor(String key, String clientKey) {
        return key.length() == STAND_IN.length() + clientKey.length()
                && key.startsWith(STAND_IN)
                && key.endsWith(clientKey);
    }
}
