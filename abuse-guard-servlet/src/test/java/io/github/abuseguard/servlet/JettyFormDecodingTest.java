package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * probe59c F3: on a route where a guard reads a form field, the filter hands the application the parameters of
 * its own form parser, which must keep the container's bound on the number of fields. (Where they still differ, and
 * README says so: bytes that are not UTF-8, {@code name=x%ff}, become U+FFFD as on Tomcat, where Jetty refuses the
 * form.)
 */
class JettyFormDecodingTest {

    /** A per-name limit keyed by the form's {@code name} field: a guard that reads the form, as a login's does. */
    private static AbuseGuardFilter readingName() {
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

    private static AbuseGuardFilter none() {
        return AbuseGuardFilter.builder().engine(AbuseGuard.builder().build()).build();
    }

    private static String post(TestServer server, String form) throws Exception {
        return server.exchange("POST /api/form HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + form.length() + "\r\n\r\n" + form);
    }

    private static String status(String response) {
        return response.substring(0, response.indexOf("\r\n"));
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
        try (TestServer server = new TestServer(none())) {
            plain = status(post(server, form.toString()));
        }
        String guarded;
        try (TestServer server = new TestServer(readingName())) {
            guarded = status(post(server, form.toString()));
        }
        assertThat(plain).as("Jetty alone").contains(" 400 ");
        assertThat(guarded).as("the same form on a guarded route").contains(" 400 ");
    }
}
