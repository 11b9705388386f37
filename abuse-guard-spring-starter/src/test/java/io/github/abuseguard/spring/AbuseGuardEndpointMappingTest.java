package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/**
 * The {@code abuseguard} endpoint served from the starter's own handler mapping ({@link AbuseGuardEndpointMapping}):
 * the Actuator's mapping, which Spring MVC matches every application request against, no longer holds it, and the
 * endpoint answers as the Actuator answered it (its content types, 405 for another method, 406 for a type it cannot
 * write, its link on {@code /actuator}).
 */
@SpringBootTest(
        classes = AbuseGuardEndpointMappingTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoints.web.exposure.include=health,abuseguard",
            "abuse-guard.rate-limit.rules.items.paths=/api/items/*",
            "abuse-guard.rate-limit.rules.items.limits[0].capacity=1000",
            "abuse-guard.rate-limit.rules.items.limits[0].period=1m",
        })
class AbuseGuardEndpointMappingTest {
    private static final String V3 = "application/vnd.spring-boot.actuator.v3+json";

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The path patterns of every handler mapping of the Actuator's kind. */
    private List<String> actuatorMappingPaths() throws Exception {
        Class<?> actuator = Class.forName(AbuseGuardEndpointMapping.ACTUATOR_MAPPING);
        return context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values().stream()
                .filter(actuator::isInstance)
                .flatMap(mapping -> mapping.getHandlerMethods().keySet().stream())
                .flatMap(info -> info.getPatternValues().stream())
                .toList();
    }

    @Test
    void applicationRequestsAreNoLongerMatchedAgainstTheEndpointInTheActuatorsMapping() throws Exception {
        assertThat(actuatorMappingPaths()).contains("/actuator/health").doesNotContain("/actuator/abuseguard");
        assertThat(context.getBean(AbuseGuardEndpointMapping.class).getHandlerMethods().keySet().stream()
                        .map(RequestMappingInfo::getPatternValues)
                        .flatMap(java.util.Set::stream))
                .containsExactly("/actuator/abuseguard");
        HttpResponse<String> item = get("/api/items/7", "application/json");
        assertThat(item.statusCode()).isEqualTo(200);
        assertThat(item.body()).isEqualTo("item 7");
    }

    @Test
    void theEndpointAnswersAsTheActuatorAnsweredIt() throws Exception {
        HttpResponse<String> plain = get("/actuator/abuseguard", null);
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith(V3));
        assertThat(plain.body()).contains("\"guards\"", "\"rate-limit\"");

        HttpResponse<String> json = get("/actuator/abuseguard", "application/json");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));

        assertThat(get("/actuator/abuseguard", "text/plain").statusCode()).isEqualTo(406);
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/abuseguard"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(get("/actuator/abuseguardx", null).statusCode()).isEqualTo(404);

        HttpResponse<String> links = get("/actuator", null);
        assertThat(links.statusCode()).isEqualTo(200);
        assertThat(links.body()).contains("/actuator/abuseguard\"");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Items.class)
    static class App {}

    @RestController
    static class Items {
        @GetMapping("/api/items/{id}")
        String item(@PathVariable String id) {
            return "item " + id;
        }
    }
}
