package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.AbuseGuardExempt;
import io.github.abuseguard.spring.annotation.AbuseGuardMonitor;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

class RouteMarkerReaderTest {

    @RestController
    @RequestMapping("/ops")
    static class Ops {
        @AbuseGuardExempt
        @GetMapping({"/health", "/ready"})
        String health() {
            return "";
        }

        @GetMapping("/info")
        String info() {
            return "";
        }
    }

    @RestController
    @RequestMapping("/beta")
    @AbuseGuardMonitor
    static class Beta {
        @GetMapping("/a")
        String a() {
            return "";
        }

        @GetMapping("/b")
        String b() {
            return "";
        }
    }

    @Test
    void anExemptHandlerMarksEachOfItsRoutesAndNoOther() {
        assertThat(RouteMarkerReader.exempt().read(Handlers.of(Ops.class)))
                .as("with the handler's method: the other methods of the path stay guarded (probe45a F4)")
                .containsExactlyInAnyOrder("GET /ops/health", "GET /ops/ready");
    }

    @Test
    void aMonitoredControllerMarksEveryRouteItServes() {
        assertThat(RouteMarkerReader.monitor().read(Handlers.of(Beta.class)))
                .containsExactlyInAnyOrder("GET /beta/a", "GET /beta/b");
    }

    @Test
    void aReaderSeesOnlyItsOwnMarker() {
        assertThat(RouteMarkerReader.monitor().read(Handlers.of(Ops.class))).isEmpty();
        assertThat(RouteMarkerReader.exempt().read(Handlers.of(Beta.class))).isEmpty();
    }
}
