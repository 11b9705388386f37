package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.RateLimit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
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
 * probe84a F1: an application that lets Spring MVC match its routes case-insensitively (a {@link PathPatternParser}
 * with {@code setCaseSensitive(false)}, a standard {@code configurePathMatch} option) runs {@code POST
 * /API/accounts/{id}/payment-methods} with the payment-methods handler, while the guards' route table matches
 * case-sensitively: the request is no route of theirs, and no rule of that handler applies. A card is then added
 * without the verify step the handler's {@code @RequiresPrior} asks for (the demo's handler still refuses it, by its
 * own check), and a route that requires the browser proof is answered 200 to a script that never ran the page.
 * Start-up says nothing.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {Operator.NAME, Operator.PASSWORD, Operator.ROLES})
@Import({Probe84aCaseInsensitiveRoutesTest.CaseInsensitiveRoutes.class, Probe84aCaseInsensitiveRoutesTest.Limited.class
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Probe84aCaseInsensitiveRoutesTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);

    /** Spring MVC's own case-insensitive matching, as an application migrating from a case-blind server sets it. */
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

    /** A loopback address of its own per request, so that no per-address limit of the demo is reached. */
    private static String address() {
        int n = CLIENTS.getAndIncrement();
        return "127.84." + (n / 200) + "." + (10 + n % 200);
    }

    private String[] signUp(LoopbackClient client) throws Exception {
        LoopbackClient.Answer created = client.send(
                address(), "POST", "/api/accounts", "{\"email\":\"probe84a." + CLIENTS.get() + "@gmail.com\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new String[] {field(created.body(), "id"), field(created.body(), "token")};
    }

    @Test
    void aCardToTheRouteSpeltInCapitalsIsRefusedByTheRequiresPriorRule() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        String[] lower = signUp(client);
        LoopbackClient.Answer asDeclared = client.send(
                address(),
                "POST",
                "/api/accounts/" + lower[0] + "/payment-methods",
                "{\"card\":\"4111 1111 1111 1111\"}",
                "Authorization",
                "Bearer " + lower[1]);
        assertThat(asDeclared.body()).as("the route as declared").contains("\"reason\":\"missing-prerequisite\"");

        String[] upper = signUp(client);
        LoopbackClient.Answer inCapitals = client.send(
                address(),
                "POST",
                "/API/accounts/" + upper[0] + "/Payment-Methods",
                "{\"card\":\"4111 1111 1111 1111\"}",
                "Authorization",
                "Bearer " + upper[1]);
        assertThat(inCapitals.body())
                .as("the same handler, which Spring MVC runs for the path in capitals: the guard must judge it too")
                .contains("\"reason\":\"missing-prerequisite\"");
    }

    @Test
    void aProofRequiredRouteSpeltInCapitalsStillNeedsTheProof() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        LoopbackClient.Answer asDeclared = client.send(address(), "GET", "/api/scores/chess", null);
        assertThat(asDeclared.status()).as(asDeclared.body()).isEqualTo(403);

        LoopbackClient.Answer inCapitals = client.send(address(), "GET", "/API/SCORES/chess", null);
        assertThat(inCapitals.status())
                .as("the scores handler, run for the path in capitals, by a client that never ran the page's proof: "
                        + inCapitals.body())
                .isEqualTo(403);
    }

    /**
     * review156 F1: a route with a regex variable, a suffix variable ({name}.json) or a capturing wildcard ({*path}),
     * which the route table writes as wildcards: in capitals, its @RateLimit applies as in lower case.
     */
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

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(matcher.find()).as(json).isTrue();
        return matcher.group(1);
    }
}
