package io.github.abuseguard.store;

import java.util.List;

/** Per-key trails of one namespace; see {@link StateStore#trails}. */
public interface Trails {

    /**
     * Appends an entry to the key's trail, dropping the oldest entry when the trail is full.
     *
     * @return the trail after the append, oldest first
     */
    List<String> append(String key, String entry);

    /** The key's trail, oldest first; empty when it has none. */
    List<String> get(String key);
}
