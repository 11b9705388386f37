package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
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
@Import(Probe84aCaseInsensitiveRoutesTest.CaseInsensitiveRoutes.class)
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

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(matcher.find()).as(json).isTrue();
        return matcher.group(1);
    }
}
