package io.github.abuseguard.store;

/**
 * The clients of one namespace that earned a history (a successful answer on a watched route, or the
 * browser proof): a history lasts the namespace's time to live from when it was earned. Only its presence
 * matters, so a store may keep it more compactly than a count, and bound it so that a flood of new keys
 * cannot push out the histories earned before it ({@link LocalStateStore} does).
 */
public interface Histories {

    /** Whether the key earned a history that has not expired. One look-up. */
    boolean has(String key);

    /**
     * Gives the key a history for the namespace's time to live from now, unless it has one: an existing
     * history is not renewed.
     */
    void earn(String key);
}
