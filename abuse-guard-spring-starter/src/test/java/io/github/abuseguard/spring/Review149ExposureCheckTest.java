package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.mock.env.MockEnvironment;

/**
 * review149 F3: the exposure check takes {@code management.server.port=0} beside {@code server.port=0} for the same
 * port, while Spring Boot serves the Actuator on a port of its own then (ManagementPortType: a management port of 0 is
 * always DIFFERENT): the anonymous-report WARN is given where the report is on a separate port, and every test or
 * ephemeral deployment that asks for two random ports is told to secure what is not on the application's port.
 */
class Review149ExposureCheckTest {

    @Test
    void aRandomManagementPortBesideARandomServerPortIsAnotherPort() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("server.port", "0")
                .withProperty("management.server.port", "0")
                .withProperty("management.endpoints.web.exposure.include", "abuseguard");
        assertThat(AbuseGuardEndpointAutoConfiguration.readableByAnyone(
                        environment, new DefaultListableBeanFactory(), "abuseguard"))
                .as("management on its own random port")
                .isFalse();
    }

    @Test
    void theSamePortIsStillWarnedOf() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("server.port", "9090")
                .withProperty("management.server.port", "9090")
                .withProperty("management.endpoints.web.exposure.include", "abuseguard");
        assertThat(AbuseGuardEndpointAutoConfiguration.readableByAnyone(
                        environment, new DefaultListableBeanFactory(), "abuseguard"))
                .isTrue();
    }
}
