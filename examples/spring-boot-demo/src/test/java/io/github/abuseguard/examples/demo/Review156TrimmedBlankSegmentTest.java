package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.servlet.config.annotation.PathMatchConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.util.UrlPathHelper;

/**
 * review156 F2: under the legacy AntPathMatcher with trimmed tokens, a segment of blanks (/%20/) is trimmed to
 * nothing and then dropped (AntPathMatcher ignores empty tokens): POST /api/accounts/{id}/%20/payment-methods runs the
 * payment-methods handler, but its path has one segment more than the route's template, so RouteSpelling leaves it as
 * sent and the guards find no route: @RequiresPrior does not apply.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {Operator.NAME, Operator.PASSWORD, Operator.ROLES})
@Import(Review156TrimmedBlankSegmentTest.TrimmedTokens.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Review156TrimmedBlankSegmentTest {
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

    @LocalServerPort
    int port;

    private static String address() {
        int n = CLIENTS.getAndIncrement();
        return "127.157." + (n / 200) + "." + (10 + n % 200);
    }

    private String[] signUp(LoopbackClient client) throws Exception {
        LoopbackClient.Answer created = client.send(
                address(), "POST", "/api/accounts", "{\"email\":\"review156.t" + CLIENTS.get() + "@gmail.com\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new String[] {field(created.body(), "id"), field(created.body(), "token")};
    }

    @ParameterizedTest
    @ValueSource(strings = {"/payment-methods", "/%20/payment-methods", "/%09/payment-methods", "/payment-methods/%20"})
    void aCardToTheRouteWithABlankSegmentIsRefusedByTheRequiresPriorRule(String suffix) throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        String[] account = signUp(client);
        LoopbackClient.Answer card = client.send(
                address(),
                "POST",
                "/api/accounts/" + account[0] + suffix,
                "{\"card\":\"4111 1111 1111 1111\"}",
                "Authorization",
                "Bearer " + account[1]);
        assertThat(card.body())
                .as("POST /api/accounts/{id}" + suffix + ", which the payment-methods handler answers")
                .contains("\"reason\":\"missing-prerequisite\"");
    }

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(matcher.find()).as(json).isTrue();
        return matcher.group(1);
    }
}
