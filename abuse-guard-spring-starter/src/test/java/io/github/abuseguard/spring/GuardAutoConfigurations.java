package io.github.abuseguard.spring;

/** The starter's per-guard auto-configurations, for tests that run the starter as an application does. */
final class GuardAutoConfigurations {

    /** The auto-configuration of the bundled guards' beans. */
    static final Class<?>[] ALL = {GuardBeansAutoConfiguration.class};

    private GuardAutoConfigurations() {}
}
