package io.github.abuseguard.spring;

/** The starter's per-guard auto-configurations, for tests that run the starter as an application does. */
final class GuardAutoConfigurations {

    /** Each bundled guard's auto-configuration, in the order AutoConfiguration.imports lists them. */
    static final Class<?>[] ALL = {
        IpListAutoConfiguration.class,
        ClientSignalsAutoConfiguration.class,
        OriginAutoConfiguration.class,
        EmailAutoConfiguration.class,
        SequenceAutoConfiguration.class,
        FailureAutoConfiguration.class,
        VolumeAutoConfiguration.class,
        RateLimitAutoConfiguration.class
    };

    private GuardAutoConfigurations() {}
}
