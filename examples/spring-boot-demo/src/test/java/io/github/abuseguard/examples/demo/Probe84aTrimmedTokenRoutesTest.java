package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.springframework.util.AntPathMatcher;
import org.springframework.web.servlet.config.annotation.PathMatchConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.util.UrlPathHelper;

/**
 * probe84a F1 (the legacy matcher): an application on Spring MVC's {@link AntPathMatcher} with {@code
 * setTrimTokens(true)} has {@code /api/accounts/{id}/payment-methods%20} (and {@code /%20payment-methods}) served by
 * the payment-methods handler, while the guards' route table finds no route for the path with the space: the
 * {@code @RequiresPrior} rule of the handler does not apply, and the card reaches the handler (whose own check
 * refuses it in the demo). Start-up says nothing.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {Operator.NAME, Operator.PASSWORD, Operator.ROLES})
@Import(Probe84aTrimmedTokenRoutesTest.TrimmedTokens.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Probe84aTrimmedTokenRoutesTest {
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
        return "127.85." + (n / 200) + "." + (10 + n % 200);
    }

    private String[] signUp(LoopbackClient client) throws Exception {
        LoopbackClient.Answer created = client.send(
                address(), "POST", "/api/accounts", "{\"email\":\"probe84a.t" + CLIENTS.get() + "@gmail.com\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new String[] {field(created.body(), "id"), field(created.body(), "token")};
    }

    @Test
    void aCardToTheRouteWithASpaceAfterItIsRefusedByTheRequiresPriorRule() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        for (String suffix : new String[] {"/payment-methods", "/payment-methods%20", "/%20payment-methods"}) {
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
    }

    /**
     * review156 F2: a segment of blanks ({@code /%20/}) is trimmed to nothing and dropped by the matcher, so the path
     * had one segment more than the route's template and was left as sent: {@code @RequiresPrior} did not apply.
     */
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
