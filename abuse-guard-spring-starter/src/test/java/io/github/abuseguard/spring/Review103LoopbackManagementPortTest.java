package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/**
 * review103: the loopback test compares the two ports as text, where Spring Boot's ManagementPortType compares them
 * as numbers and treats a management port of 0 as a port of its own whatever server.port is.
 */
class Review103LoopbackManagementPortTest {

    private static boolean quiet(String... properties) {
        MockEnvironment environment = new MockEnvironment();
        for (String property : properties) {
            int equals = property.indexOf('=');
            environment.setProperty(property.substring(0, equals), property.substring(equals + 1));
        }
        return AbuseGuardControlAutoConfiguration.Control.onALoopbackManagementPort(environment);
    }

    @Test
    void aRandomManagementPortBesideARandomServerPortIsAPortOfItsOwn() {
        // Spring Boot: management.server.port=0 is DIFFERENT (a second server on a random port), on 127.0.0.1 here
        assertThat(quiet("server.port=0", "management.server.port=0", "management.server.address=127.0.0.1"))
                .isTrue();
    }

    @Test
    void theApplicationsOwnPortWrittenAnotherWayIsStillTheApplicationsPort() {
        // Spring Boot reads both as Integers: 08080 and 0x1F90 are 8080, so management is served on the application's
        // port, on every interface, and management.server.address is not used
        assertThat(quiet("management.server.port=08080", "management.server.address=127.0.0.1"))
                .isFalse();
        assertThat(quiet("server.port=9000", "management.server.port=0x2328", "management.server.address=127.0.0.1"))
                .isFalse();
    }
}
