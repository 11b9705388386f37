package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * With Spring MVC's default path matching (case-sensitive path patterns) the filter asks the mappings for no route
 * beyond what the route table cannot tell: the spelling of a path is the client's, and nothing is asked per request
 * (probe84a F1's fix is paid only by applications that match otherwise).
 */
@SpringBootTest(classes = DefaultPathMatchingTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DefaultPathMatchingTest {

    @LocalServerPort
    int port;

    @Autowired
    MultipartHandlers handlers;

    @Test
    void theDefaultMappingsMatchPathsAsWritten() throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/items/7"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        Field known = MultipartHandlers.class.getDeclaredField("allAsWritten");
        known.setAccessible(true);
        assertThat(known.get(handlers))
                .as("every mapping of a default application matches paths as written")
                .isEqualTo(Boolean.TRUE);
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
