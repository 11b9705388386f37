package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class ForwardHeadersCheckTest {

    @Test
    void theNativeStrategyWithTomcatsDefaultInternalProxiesIsWarnedAbout() {
        MockEnvironment environment = new MockEnvironment().withProperty("server.forward-headers-strategy", "native");
        assertThat(ForwardHeadersCheck.warnIfTheContainerBelievesPrivatePeers(environment))
                .isTrue();
    }

    @Test
    void aCloudPlatformThatTurnsTheValveOnByItselfIsWarnedAbout() {
        MockEnvironment kubernetes = new MockEnvironment().withProperty("spring.main.cloud-platform", "kubernetes");
        assertThat(ForwardHeadersCheck.warnIfTheContainerBelievesPrivatePeers(kubernetes))
                .isTrue();
    }

    /**
     * review77 F9: on Jetty the strategy's customizer believes any peer, but the filter reads the connection's own end
     * point under it; a WARN naming {@code server.tomcat.remoteip.internal-proxies} there sent users to a property
     * Jetty never reads.
     */
    @Test
    void onJettyTheNativeStrategyIsNotWarnedAbout() {
        MockEnvironment environment = new MockEnvironment().withProperty("server.forward-headers-strategy", "native");
        assertThat(ForwardHeadersCheck.warnIfTheContainerBelievesPrivatePeers(environment, false))
                .isFalse();
        assertThat(ForwardHeadersCheck.warnIfTheContainerBelievesPrivatePeers(environment, true))
                .isTrue();
    }

    @Test
    void namedInternalProxiesOrAnotherStrategyAreNot() {
        assertThat(ForwardHeadersCheck.warnIfTheContainerBelievesPrivatePeers(new MockEnvironment()
                        .withProperty("server.forward-headers-strategy", "native")
                        .withProperty("server.tomcat.remoteip.internal-proxies", "10\\.0\\.0\\.5")))
                .isFalse();
        assertThat(ForwardHeadersCheck.warnIfTheContainerBelievesPrivatePeers(
                        new MockEnvironment().withProperty("server.forward-headers-strategy", "framework")))
                .isFalse();
        assertThat(ForwardHeadersCheck.warnIfTheContainerBelievesPrivatePeers(new MockEnvironment()))
                .isFalse();
        assertThat(ForwardHeadersCheck.warnIfTheContainerBelievesPrivatePeers(new MockEnvironment()
                        .withProperty("spring.main.cloud-platform", "kubernetes")
                        .withProperty("server.forward-headers-strategy", "none")))
                .isFalse();
    }
}
