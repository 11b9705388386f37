package io.github.abuseguard.config;

import java.util.function.Supplier;

/**
 * A {@link GuardFactory} given by its section name, settings type and constructor, and order; only
 * {@link #create} is left to write.
 *
 * @param <S> the settings type
 */
public abstract class AbstractGuardFactory<S> extends AbstractSettingsSection<S> implements GuardFactory<S> {

    private final int order;

    /**
     * @param name the section's path under {@code abuse-guard.}, in kebab-case, such as {@code rate-limit}
     * @param type the settings type
     * @param defaults makes a settings object holding the defaults
     * @param order where the guard stands in the engine, see {@link GuardFactory#order()}
     */
    protected AbstractGuardFactory(String name, Class<S> type, Supplier<S> defaults, int order) {
        super(name, type, defaults);
        this.order = order;
    }

    @Override
    public final int order() {
        return order;
    }
}
