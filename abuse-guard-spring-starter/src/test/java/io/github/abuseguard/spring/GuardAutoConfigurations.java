package io.github.abuseguard.spring;

/** The starter's per-guard auto-configurations, for tests that run the starter as an application does. */
final class GuardAutoConfigurations {

    /** The auto-configurations of the bundled guards' beans, one per guard. */
    static final Class<?>[] ALL = {
        IpListGuardAutoConfiguration.class,
        ClientSignalsGuardAutoConfiguration.class,
        OriginGuardAutoConfiguration.class,
        EmailGuardAutoConfiguration.class,
        SequenceGuardAutoConfiguration.class,
        FailureGuardAutoConfiguration.class,
        VolumeGuardAutoConfiguration.class,
        RateLimitGuardAutoConfiguration.class
    };

    private GuardAutoConfigurations() {}
}
