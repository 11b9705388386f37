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
import org.springframework.util.AntPathMatcher;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.PathMatchConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.util.UrlPathHelper;

/**
 * review157 F4: RouteSpelling drops the segments that trim to nothing only where the path has more segments than the
 * template (or another number, without a final **). Under the legacy matcher with trimTokens, a template ending in **
 * that takes zero segments has as many segments as a path with one blank segment: GET /api/%20/review157/docs is the
 * listing handler's (/api/review157/docs/**: Spring drops the blank, ** takes nothing) while nothing is dropped in
 * the spelling, every segment shifts by one, and the path is spelt /api/review157/docs/docs, which the route table
 * gives to the sibling /api/review157/docs/{id}: the listing's once-a-minute limit never applies.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {Operator.NAME, Operator.PASSWORD, Operator.ROLES})
@Import({Review157TrimmedRestRoutesTest.TrimmedTokens.class, Review157TrimmedRestRoutesTest.Docs.class})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Review157TrimmedRestRoutesTest {
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);

    @TestConfiguration(proxyBeanMethods = false)
    static class TrimmedTokens implements WebMvcConfigurer {
        @Override
        public void configurePathMatch(PathMatchConfigurer configurer) {
            AntPathMatcher matcher = new AntPathMatcher();
            matcher.setTrimTokens(true);
            configurer.setPathMatcher(matcher);
            configurer.setUrlPathHelper(new UrlPathHelper());
        }
    }

    /** A listing of every document, once a minute per address; one document, unlimited. */
    @RestController
    static class Docs {
        @RateLimit(name = "review157-listing", capacity = 1, period = "1m")
        @GetMapping("/api/review157/docs/**")
        Map<String, String> listing() {
            return Map.of("listing", "all");
        }

        @GetMapping("/api/review157/docs/{id}")
        Map<String, String> doc(@PathVariable String id) {
            return Map.of("doc", id);
        }
    }

    @LocalServerPort
    int port;

    private static String address() {
        int n = CLIENTS.getAndIncrement();
        return "127.157." + (n / 200) + "." + (100 + n % 100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/review157/docs", "/api/review157/docs/%20", "/api/%20/review157/docs"})
    void theSecondListingWithinTheMinuteIsRefused(String path) throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        String address = address();
        LoopbackClient.Answer first = client.send(address, "GET", path, null);
        assertThat(first.body()).as("the listing handler answers " + path).contains("\"listing\"");
        LoopbackClient.Answer second = client.send(address, "GET", path, null);
        assertThat(second.status())
                .as("the second listing within the minute at " + path + ": " + second.body())
                .isEqualTo(429);
    }
}
