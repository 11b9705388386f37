package io.github.abuseguard.spring;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Guard;
import io.github.abuseguard.config.GuardContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Closes, when the context closes, what the starter built and no engine closes: an engine closes the
 * guards it holds and the resources handed to it, so the starter's guard beans and the resources their
 * factories opened are closed here only where no engine took them, such as when the application
 * declares its own {@link AbuseGuard} bean. Each is closed once.
 */
final class StarterGuards implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(StarterGuards.class);

    private final ListableBeanFactory beans;
    private final List<Guard> built = Collections.synchronizedList(new ArrayList<>());
    private final Set<Guard> heldByEngines = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile @Nullable AbuseGuard resourcesTaken;
    private volatile @Nullable GuardContext context;

    StarterGuards(ListableBeanFactory beans) {
        this.beans = beans;
    }

    /** Records a guard the starter built; {@code null} (nothing to check) is passed through. */
    @Nullable
    Guard built(@Nullable Guard guard) {
        if (guard != null) {
            built.add(guard);
        }
        return guard;
    }

    /** The starter's engine took the context's resources and closes them. */
    void resourcesClosedBy(AbuseGuard engine) {
        this.resourcesTaken = engine;
    }

    /** Notes which guards the engine beans hold, once every singleton exists. */
    @Override
    public void afterSingletonsInstantiated() {
        for (AbuseGuard engine :
                beans.getBeansOfType(AbuseGuard.class, false, false).values()) {
            heldByEngines.addAll(engine.guards());
        }
        context = beans.getBeanProvider(GuardContext.class).getIfAvailable();
    }

    void destroy() {
        List<AutoCloseable> closing = new ArrayList<>();
        synchronized (built) {
            for (Guard guard : built) {
                if (guard instanceof AutoCloseable closeable && !heldByEngines.contains(guard)) {
                    closing.add(closeable);
                }
            }
        }
        GuardContext shared = context;
        if (resourcesTaken == null && shared != null) {
            closing.addAll(shared.resources());
        }
        for (AutoCloseable closeable : closing) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("Closing {} failed", closeable, e);
            }
        }
    }
}
