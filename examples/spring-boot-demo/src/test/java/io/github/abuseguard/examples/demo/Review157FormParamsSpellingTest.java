package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.RateLimit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.PathMatchConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * review157 F1: under a case-insensitive PathPatternParser the filter asks Spring MVC's mappings for the route of
 * every request (MultipartHandlers.spelling) with the request as it is: the mappings see its query string only. A
 * handler with a {@code params} condition met by a field of a POST form (or a multipart part), which the dispatch
 * sees, is no handler to that look-up: the spelling is null, the path is judged as sent ({@code /API/...}), matches
 * no route of the table, and the handler's @RateLimit never applies.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {Operator.NAME, Operator.PASSWORD, Operator.ROLES})
@Import({
    Review157FormParamsSpellingTest.CaseInsensitiveRoutes.class,
    Review157FormParamsSpellingTest.Votes.class,
    Review157FormParamsSpellingTest.Ballots.class
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Review157FormParamsSpellingTest {
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

    /** A form's submit button picks the handler (params), once a minute per address. */
    @RestController
    static class Votes {
        @RateLimit(name = "review157-vote", capacity = 1, period = "1m")
        @PostMapping(path = "/api/review157/votes", params = "choice")
        Map<String, String> vote(@RequestParam String choice) {
            return Map.of("vote", choice);
        }

        /** review157 F6: a search, once a minute per address. */
        @RateLimit(name = "review157-search", capacity = 1, period = "1m")
        @org.springframework.web.bind.annotation.GetMapping("/api/review157/search/{q}")
        Map<String, String> search(@org.springframework.web.bind.annotation.PathVariable String q) {
            return Map.of("search", "[" + q + "]");
        }
    }

    @RestController
    static class Ballots {
        @RateLimit(name = "review158-ballot", capacity = 1, period = "1m")
        @PostMapping(path = "/api/review158/ballots", params = "choice")
        Map<String, String> ballot(@RequestParam String choice) {
            return Map.of("ballot", choice);
        }

        /** Any other page of the section: unlimited. */
        @PostMapping("/api/review158/{page}")
        Map<String, String> page(@PathVariable String page) {
            return Map.of("page", page);
        }
    }

    @LocalServerPort
    int port;

    private static String address() {
        int n = CLIENTS.getAndIncrement();
        return "127.157." + (n / 200) + "." + (10 + n % 200);
    }

    @ParameterizedTest
    @CsvSource({
        // control: the path as declared, the field in the form
        "/api/review157/votes, choice=a, application/x-www-form-urlencoded",
        // control: capitals, the field in the query string (the look-up sees it)
        "/API/REVIEW157/VOTES?choice=a, x=1, application/x-www-form-urlencoded",
        // capitals, the field in the form: Spring runs the handler, the guard judges no route
        "/API/REVIEW157/VOTES, choice=a, application/x-www-form-urlencoded",
    })
    void theSecondVoteWithinTheMinuteIsRefusedHoweverThePathIsSpelt(String path, String form, String type)
            throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        String address = address();
        LoopbackClient.Answer first = client.send(address, "POST", path, form, "Content-Type", type);
        assertThat(first.status())
                .as("the handler answers " + path + ": " + first.body())
                .isEqualTo(200);
        LoopbackClient.Answer second = client.send(address, "POST", path, form, "Content-Type", type);
        assertThat(second.status())
                .as("the second vote within the minute at " + path + " (" + form + "), which Spring MVC runs with the"
                        + " once-a-minute handler: " + second.body())
                .isEqualTo(429);
    }

    /**
     * review157 F6: RouteSpelling trims a variable's value, as the legacy matcher with trimTokens gives it, whatever
     * the matcher: under the case-insensitive PathPatternParser, Spring runs /api/review157/search/{q} with q = " ",
     * while the path is spelt /api/review157/search/ (the blank trimmed away), which the route table takes for a
     * trailing slash of /api/review157/search, no route: the search's limit never applies. Without the spelling (case-
     * sensitive matching) the table's {q} takes the blank and the limit holds; the path needs no capitals.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {"/api/review157/search/x", "/api/review157/search/%20", "/API/REVIEW157/SEARCH/%09"})
    void theSecondSearchWithinTheMinuteIsRefused(String path) throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        String address = address();
        LoopbackClient.Answer first = client.send(address, "GET", path, null);
        assertThat(first.body()).as("the search handler answers " + path).contains("\"search\"");
        LoopbackClient.Answer second = client.send(address, "GET", path, null);
        assertThat(second.status())
                .as("the second search within the minute at " + path + ": " + second.body())
                .isEqualTo(429);
    }

    @org.junit.jupiter.api.Test
    void theSecondMultipartVoteWithinTheMinuteIsRefusedInCapitals() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        String address = address();
        String boundary = "review157";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"choice\"\r\n\r\na\r\n--" + boundary
                + "--\r\n";
        String type = "multipart/form-data; boundary=" + boundary;
        LoopbackClient.Answer first = client.send(address, "POST", "/API/REVIEW157/VOTES", body, "Content-Type", type);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        LoopbackClient.Answer second = client.send(address, "POST", "/API/REVIEW157/VOTES", body, "Content-Type", type);
        assertThat(second.status())
                .as("the second multipart vote within the minute in capitals: " + second.body())
                .isEqualTo(429);
    }

    /**
     * review158 F1: where the mappings, shown no body, choose a route with a variable ({@code /api/review158/{page}})
     * beside a literal one a form's field selects ({@code params = "choice"}), the capitals were spelt by the variable's
     * route and passed the ballots' limit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/api/review158/ballots", "/API/REVIEW158/BALLOTS", "/api/review158/Ballots"})
    void theSecondBallotWithinTheMinuteIsRefusedHoweverThePathIsSpelt(String path) throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        String address = address();
        String type = "application/x-www-form-urlencoded";
        LoopbackClient.Answer first = client.send(address, "POST", path, "choice=a", "Content-Type", type);
        assertThat(first.body()).as("the ballot handler answers " + path).contains("\"ballot\"");
        LoopbackClient.Answer second = client.send(address, "POST", path, "choice=a", "Content-Type", type);
        assertThat(second.status())
                .as("the second ballot within the minute at " + path + ", which Spring MVC runs with the"
                        + " once-a-minute handler: " + second.body())
                .isEqualTo(429);
    }
}
