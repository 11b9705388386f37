package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/**
 * user65 F4: the warning that the control endpoint is open recommends "a port only operators reach"; management on a
 * port of its own bound to a loopback address is that, and is not warned about. Any other address, the application's
 * own port, or a host name (which would have to be resolved) is still warned about.
 */
class ControlOnLoopbackManagementPortTest {

    private static boolean quiet(String... properties) {
        MockEnvironment environment = new MockEnvironment();
        for (String property : properties) {
            int equals = property.indexOf('=');
            environment.setProperty(property.substring(0, equals), property.substring(equals + 1));
        }
        return AbuseGuardControlAutoConfiguration.Control.onALoopbackManagementPort(environment);
    }

    @Test
    void aManagementPortOnLoopbackIsWhatTheWarningRecommends() {
        assertThat(quiet("management.server.port=9001", "management.server.address=127.0.0.1"))
                .isTrue();
        assertThat(quiet("management.server.port=9001", "management.server.address=::1"))
                .isTrue();
        assertThat(quiet("management.server.port=9001", "management.server.address=localhost"))
                .isTrue();
    }

    @Test
    void anyOtherManagementServerIsStillWarnedAbout() {
        assertThat(quiet()).as("no management port").isFalse();
        assertThat(quiet("management.server.port=9001")).as("every interface").isFalse();
        assertThat(quiet("management.server.port=9001", "management.server.address=0.0.0.0"))
                .isFalse();
        assertThat(quiet("management.server.port=9001", "management.server.address=10.0.0.5"))
                .isFalse();
        assertThat(quiet("management.server.port=9001", "management.server.address=ops.example"))
                .as("a name is not resolved")
                .isFalse();
        assertThat(quiet("server.port=9001", "management.server.port=9001", "management.server.address=127.0.0.1"))
                .as("the application's own port")
                .isFalse();
        assertThat(quiet("management.server.port=-1", "management.server.address=127.0.0.1"))
                .as("management switched off over HTTP")
                .isFalse();
    }
}
