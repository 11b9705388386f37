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
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.PathMatchConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * review158 F1: the review157 F1 fix spells a request by method and path only when the mappings REFUSE it for a
 * parameter. Where a less specific handler of the same method takes the path without the parameter ({@code POST
 * /api/review158/{page}} beside {@code POST /api/review158/ballots params=choice}), the look-up (which sees the query
 * string alone) answers that handler, so {@code /API/REVIEW158/BALLOTS} is spelt {@code /api/review158/BALLOTS}
 * ({page} keeps the client's text): the guards judge the {page} route, while Spring MVC, which sees the form's
 * {@code choice}, runs the ballot handler, whose once-a-minute limit never applies.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {Operator.NAME, Operator.PASSWORD, Operator.ROLES})
@Import({
    Review158FormParamsBesideAVariableTest.CaseInsensitiveRoutes.class,
    Review158FormParamsBesideAVariableTest.Ballots.class
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Review158FormParamsBesideAVariableTest {
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
        return "127.158." + (n / 200) + "." + (10 + n % 200);
    }

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
