package io.github.abuseguard.config;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.store.StateStore;

/**
 * Makes a {@link StateStore} of one {@code abuse-guard.store.type} from settings. Store modules
 * register theirs with {@link java.util.ServiceLoader}, so {@code abuse-guard.store.type=redis} works
 * wherever {@code abuse-guard-redis} is on the class path.
 */
public interface StateStoreProvider {

    /** The type name, such as {@code redis}. */
    String type();

    /**
     * @throws InvalidSettingException naming the property of a bad value
     */
    StateStore create(AbuseGuardSettings settings, TimeSource timeSource);
}
