package io.github.abuseguard.store;

import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** Hears a ban another instance lifted everywhere; see {@link StateStore#listenForLifts}. */
@FunctionalInterface
public interface LiftListener {

    /**
     * A ban of {@code namespace} was lifted everywhere.
     *
     * @param namespace the bans' namespace
     * @param key the key lifted, when the store tells it (an address, which a shared store's listing holds as it is),
     *     so a listener finds it with one look-up; {@code null} when the store tells only a digest
     * @param matches whether a key is the one lifted, for a listener that must walk its keys to find it
     */
    void lifted(String namespace, @Nullable String key, Predicate<String> matches);
}
