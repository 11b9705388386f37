package io.github.abuseguard.discovery;

/**
 * The settings of the endpoint inventory, implemented by the settings section whose properties
 * configure it: the sequence guard's, so that the documented {@code abuse-guard.sequence.inventory},
 * {@code .cardinality-threshold} and {@code .max-endpoints} keep their names while the inventory runs
 * whether or not the sequence guard does. The assembly finds the one section implementing this
 * interface; without one, the inventory runs with its defaults.
 */
public interface InventorySettings {

    /** The default of the cardinality threshold; the documenting section's default names it. */
    int DEFAULT_CARDINALITY_THRESHOLD = 20;

    /** The default of the most templates tracked; the documenting section's default names it. */
    int DEFAULT_MAX_ENDPOINTS = 2000;

    /** Whether the inventory observes every answered request and is listed in reports. */
    boolean inventory();

    /** Distinct values at a path segment position before the inventory folds it into a variable; at least 1. */
    int cardinalityThreshold();

    /** The most templates the inventory tracks; at least 1. */
    int maxEndpoints();
}
