package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The bounds of the forms the filter parses for a guard and hands the application on a guarded route, against the
 * containers': Jetty's {@code maxFormKeys} bounds a form body's names (probe59c F3: all 5,001 fields were handed on;
 * review77 F3: a multi-select of 1,500 values under one name was refused), Tomcat's {@code maxParameterCount} the
 * query string's and the body's together (review77 F4), and a query string is read whole, as Jetty reads it (review77
 * F2: a throw-away address after pair 1,000 was bound unjudged).
 */
class FormBoundsTest {

    private static String get(TestServer server, String query) throws Exception {
        return server.exchange("GET /api/lookup?" + query + " HTTP/1.1\r\n\r\n");
    }

    private static String padding(int pairs) {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < pairs; i++) {
            query.append('k').append(i).append("=&");
        }
        return query.toString();
    }

    private static AbuseGuardFilter perNameOfBody() {
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(RateLimitGuard.builder()
                                .rule(RateLimitRule.builder("per-name")
                                        .path("/api/**")
                                        .key("body:/name")
                                        .limit(Limit.of(100, Duration.ofMinutes(5)))
                                        .build())
                                .build())
                        .build())
                .build();
    }

    private static String status(String response) {
        return response.substring(0, response.indexOf("\r\n"));
    }

    private static String post(TestServer server, String form) throws Exception {
        return server.exchange("POST /api/form HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + form.length() + "\r\n\r\n" + form);
    }

    /**
     * Jetty bounds a form by its keys (distinct names, maxFormKeys), not its pairs: a multi-select of 1,500 ids under
     * one name is a form Jetty takes; the guard's parser counted pairs, and on a guarded route the same honest form was
     * refused.
     */
    @Test
    void anHonestFormOfOneRepeatedFieldIsTakenAsJettyTakesIt() throws Exception {
        StringBuilder form = new StringBuilder("name=alice");
        for (int i = 0; i < 1500; i++) {
            form.append("&ids=").append(i);
        }
        String plain;
        try (TestServer server = new TestServer(
                AbuseGuardFilter.builder().engine(AbuseGuard.builder().build()).build())) {
            plain = status(post(server, form.toString()));
        }
        String guarded;
        try (TestServer server = new TestServer(perNameOfBody())) {
            guarded = status(post(server, form.toString()));
        }
        assertThat(guarded).as("guarded route, plain Jetty answered: " + plain).isEqualTo(plain);
    }

    private static AbuseGuardFilter disposableInQueryName() {
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(io.github.abuseguard.email.DisposableEmailGuard.of(
                                io.github.abuseguard.email.DisposableDomains.bundled(),
                                java.util.List.of(io.github.abuseguard.email.EmailRule.builder("lookup")
                                        .path("/api/**")
                                        .methods("GET")
                                        .field("query:name")
                                        .build())))
                        .build())
                .build();
    }

    /**
     * A throw-away address in the query string after pair 1,000: Jetty hands the application every pair of a query
     * string (maxFormKeys bounds form bodies), the guard's query parser stops at 1,000 and says nothing.
     */
    @Test
    void aDisposableAddressAfterPairOneThousandOfTheQueryIsJudgedOnJetty() throws Exception {
        try (TestServer server = new TestServer(disposableInQueryName())) {
            String near = get(server, "name=x@mailinator.com");
            String far = get(server, padding(1000) + "name=x@mailinator.com");
            assertThat(status(near)).as("the address as the first pair").doesNotContain(" 200 ");
            assertThat(status(far))
                    .as("the same address after pair 1,000, which Jetty hands the application: %s", far)
                    .doesNotContain(" 200 ");
        }
    }

    /**
     * Tomcat counts the query string and the body together against maxParameterCount (1,000) and refuses the rest; on a
     * guarded route the filter's parser stops there too, the query string's names counted, and a guard that reads the
     * form refuses it, where the application got all 1,201.
     */
    @Test
    void onTomcatAGuardedFormHandsTheApplicationWhatTomcatWould() throws Exception {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            query.append(i == 0 ? "" : "&").append('q').append(i).append('=');
        }
        StringBuilder body = new StringBuilder("email=ann@gmail.com");
        for (int i = 0; i < 600; i++) {
            body.append("&b").append(i).append('=');
        }
        TestTomcat tomcat = new TestTomcat();
        tomcat.filter(
                "guard",
                AbuseGuardFilter.builder()
                        .engine(AbuseGuard.builder()
                                .guard(io.github.abuseguard.email.DisposableEmailGuard.of(
                                        io.github.abuseguard.email.DisposableDomains.bundled(),
                                        java.util.List.of(io.github.abuseguard.email.EmailRule.builder("signup")
                                                .path("/guarded")
                                                .build())))
                                .build())
                        .build());
        tomcat.servlet("app", "/*", new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void service(
                    jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response)
                    throws java.io.IOException {
                String answer;
                try {
                    answer = "parameters=" + request.getParameterMap().size();
                } catch (RuntimeException e) {
                    answer = "refused " + e;
                }
                response.getWriter().print(answer);
            }
        });
        try (tomcat) {
            tomcat.start();
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            String[] seen = new String[2];
            int i = 0;
            for (String path : java.util.List.of("/plain", "/guarded")) {
                java.net.http.HttpResponse<String> response = client.send(
                        java.net.http.HttpRequest.newBuilder(tomcat.uri(path + "?" + query))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                seen[i++] = response.statusCode() + " " + response.body();
            }
            assertThat(seen[0]).as("plain Tomcat").contains("More than the maximum number of request parameters");
            assertThat(seen[1])
                    .as("guarded (a guard reads the form): refused as Tomcat refuses its parameters; plain Tomcat: "
                            + seen[0])
                    .startsWith("400 ")
                    .contains("unreadable-body:malformed");
        }
    }

    /**
     * Jetty refuses a form of more than 1,000 fields ({@code maxFormKeys}, its defence against hash-collision
     * floods); on a guarded route the filter's own parser hands the application all 5,001 of a 34 KB form.
     */
    @Test
    void aFormOfMoreFieldsThanJettyTakesIsNotHandedOnWhole() throws Exception {
        StringBuilder form = new StringBuilder("name=alice");
        for (int i = 0; i < 5000; i++) {
            form.append("&k").append(i).append('=');
        }
        String plain;
        try (TestServer server = new TestServer(
                AbuseGuardFilter.builder().engine(AbuseGuard.builder().build()).build())) {
            plain = status(post(server, form.toString()));
        }
        String guarded;
        try (TestServer server = new TestServer(perNameOfBody())) {
            guarded = status(post(server, form.toString()));
        }
        assertThat(plain).as("Jetty alone").contains(" 400 ");
        assertThat(guarded).as("the same form on a guarded route").contains(" 400 ");
    }
}
