package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.RateLimit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.PathMatchConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * review156 F1: the fix of probe84a F1 spells a path as its route only where the route's template has no wildcard:
 * but a variable with a regular expression ({id:\d+}), a variable with a suffix ({name}.json) and a capturing
 * wildcard ({*path}) all reach RouteSpelling as wildcards (HandlerRoutes.template turns them into * and **), so
 * under a case-insensitive PathPatternParser such a route in capitals is still no route of the guards: its
 * @RateLimit never applies, however often the client calls it.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {Operator.NAME, Operator.PASSWORD, Operator.ROLES})
@Import({Review156SpellingTest.CaseInsensitiveRoutes.class, Review156SpellingTest.Limited.class})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Review156SpellingTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);

    @TestConfiguration(proxyBeanMethods = false)
    static class CaseInsensitiveRoutes implements WebMvcConfigurer {
        @Override
        public void configurePathMatch(PathMatchConfigurer configurer) {
            PathPatternParser parser = new PathPatternParser();
            parser.setCaseSensitive(false);
            configurer.setPatternParser(parser);
        }
    }

    /** Three routes of one request per minute per address each. */
    @RestController
    static class Limited {
        @RateLimit(name = "review156-regex", capacity = 1, period = "1m")
        @GetMapping("/api/review156/orders/{id:\\d+}")
        Map<String, String> order(@PathVariable String id) {
            return Map.of("order", id);
        }

        @RateLimit(name = "review156-suffix", capacity = 1, period = "1m")
        @GetMapping("/api/review156/reports/{name}.json")
        Map<String, String> report(@PathVariable String name) {
            return Map.of("report", name);
        }

        @RateLimit(name = "review156-rest", capacity = 1, period = "1m")
        @GetMapping("/api/review156/files/{*path}")
        Map<String, String> file(@PathVariable String path) {
            return Map.of("file", path);
        }
    }

    @LocalServerPort
    int port;

    private static String address() {
        int n = CLIENTS.getAndIncrement();
        return "127.156." + (n / 200) + "." + (10 + n % 200);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/review156/orders/7",
                "/API/REVIEW156/ORDERS/7",
                "/api/review156/reports/q1.json",
                "/API/REVIEW156/REPORTS/q1.json",
                "/api/review156/files/a/b",
                "/API/REVIEW156/FILES/a/b"
            })
    void theSecondCallOfAOnceAMinuteRouteIsRefusedHoweverTheRouteIsSpelt(String path) throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        String address = address();
        LoopbackClient.Answer first = client.send(address, "GET", path, null);
        assertThat(first.status())
                .as("the handler answers " + path + ": " + first.body())
                .isEqualTo(200);
        LoopbackClient.Answer second = client.send(address, "GET", path, null);
        assertThat(second.status())
                .as("the second call of " + path + " within the minute, which Spring MVC runs with the same handler: "
                        + second.body())
                .isEqualTo(429);
    }

    /** Control: the proof of /api/scores/** holds for the route in capitals under every method Spring runs it for. */
    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD"})
    void theProofRequiredRouteInCapitalsNeedsTheProofUnderEveryMethod(String method) throws Exception {
        LoopbackClient.Answer inCapitals = new LoopbackClient(port).send(address(), method, "/API/SCORES/chess", null);
        assertThat(inCapitals.status())
                .as(method + " /API/SCORES/chess: " + inCapitals.body())
                .isEqualTo(403);
    }
}
