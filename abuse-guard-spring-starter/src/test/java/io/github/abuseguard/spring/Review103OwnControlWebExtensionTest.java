package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * review103: an application that shapes the control endpoint's HTTP answers with a web extension of its own (Actuator's
 * documented way to adapt an endpoint to HTTP) started before the starter shipped its own extension; Actuator allows
 * one web extension per endpoint, so it must still start, its own extension serving the endpoint.
 */
class Review103OwnControlWebExtensionTest {

    @Test
    void anApplicationsOwnWebExtensionOfTheControlEndpointStillStarts() throws Exception {
        try (var context = SpringApplication.run(
                App.class,
                "--server.port=0",
                "--management.endpoint.abuseguardcontrol.access=unrestricted",
                "--management.endpoints.web.exposure.include=abuseguardcontrol")) {
            String port = context.getEnvironment().getProperty("local.server.port");
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + port + "/actuator/abuseguardcontrol"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("ops-view");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
        @Bean
        OpsControlExtension opsControlExtension(AbuseGuardControlEndpoint endpoint) {
            return new OpsControlExtension(endpoint);
        }
    }

    @EndpointWebExtension(endpoint = AbuseGuardControlEndpoint.class)
    static class OpsControlExtension {
        private final AbuseGuardControlEndpoint endpoint;

        OpsControlExtension(AbuseGuardControlEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        @ReadOperation
        public Map<String, Object> changes() {
            Map<String, Object> changes = endpoint.changes();
            changes.put("ops-view", true);
            return changes;
        }
    }
}
