package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;

/** With {@code abuse-guard.enabled=false} the same application runs without the filter. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "abuse-guard.enabled=false")
class DisabledGuardTest {

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Test
    void nothingIsLimited() throws Exception {
        assertThat(context.getBeansOfType(FilterRegistrationBean.class))
                .doesNotContainKey("abuseGuardFilterRegistration");
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/transform"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"a@b.co\",\"image\":\"aGVsbG8=\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(response.headers().firstValue("RateLimit")).isEmpty();
        }
    }
}
