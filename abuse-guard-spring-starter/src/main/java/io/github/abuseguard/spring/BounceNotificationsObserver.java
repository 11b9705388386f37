package io.github.abuseguard.spring;

/**
 * Told after each accepted bounce notification; the seam between the endpoint and the optional
 * Micrometer gauges, so the endpoint never names a Micrometer type.
 */
interface BounceNotificationsObserver {
    void accepted();
}
