package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The filter's place around Spring Security decides what a {@code principal} key can mean. Before
 * security (the default, -110) no request is authenticated yet, so a per-user limit counts per address;
 * after it ({@code abuse-guard.filter.order=-90}) the limit follows the authenticated user across
 * addresses, and anonymous requests fall back to their address.
 */
class SecurityOrderTest {
    private static final String USER = "ann";
    private static final String PASSWORD = "correct-horse-battery";
    private static final String RULE = "abuse-guard.rate-limit.rules.per-user.";
    private static final String PROXY = "abuse-guard.client.trusted-proxies=127.0.0.1";
    private static final String PATH = RULE + "paths[0]=/api/scores/{game}";
    private static final String KEY = RULE + "key=principal";
    private static final String CAPACITY = RULE + "limits[0].capacity=3";
    private static final String PERIOD = RULE + "limits[0].period=1h";
    private static final String NAME = "spring.security.user.name=" + USER;
    private static final String SECRET = "spring.security.user.password=" + PASSWORD;

    /**
     * An application whose API signs its users in (the demo's API is anonymous, so that no path but the
     * counted Actuator answers whether a password is right): HTTP Basic on {@code /api/**}, anyone allowed.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class SignedInApi {
        @Bean
        @Order(0)
        SecurityFilterChain signedInApi(HttpSecurity http) throws Exception {
            return http.securityMatcher("/api/**")
                    .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .httpBasic(Customizer.withDefaults())
                    .csrf(csrf -> csrf.disable())
                    .build();
        }
    }

    /** An API only a signed-in user may read: whether HTTP Basic ran shows in the status. */
    @TestConfiguration(proxyBeanMethods = false)
    static class SignedInOnlyApi {
        @Bean
        @Order(0)
        SecurityFilterChain signedInOnlyApi(HttpSecurity http) throws Exception {
            return http.securityMatcher("/api/**")
                    .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                    .httpBasic(Customizer.withDefaults())
                    .csrf(csrf -> csrf.disable())
                    .build();
        }
    }

    /** The client addresses (per server port) that ran the page's proof script: the scores require it. */
    private static final java.util.Set<String> PROVED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static HttpResponse<String> scores(int port, String address, boolean signedIn) throws Exception {
        if (PROVED.add(port + " " + address)) {
            DemoProof.prove(DemoProof.forwarded(port, address));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/scores/final"))
                .header("X-Forwarded-For", address);
        if (signedIn) {
            request.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Nested
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {PROXY, PATH, KEY, CAPACITY, PERIOD, NAME, SECRET, "abuse-guard.filter.order=-90"})
    @Import(SignedInApi.class)
    class AfterSpringSecurity {
        @LocalServerPort
        int port;

        @Test
        void aPerUserLimitFollowsTheSignedInUserAcrossAddressesAndLeavesOthersAlone() throws Exception {
            for (int i = 1; i <= 3; i++) {
                assertThat(scores(port, "198.51.100." + i, true).statusCode()).isEqualTo(200);
            }
            assertThat(scores(port, "198.51.100.4", true).statusCode())
                    .as("the same user from a fourth address")
                    .isEqualTo(429);
            assertThat(scores(port, "198.51.100.4", false).statusCode())
                    .as("an anonymous client at that address counts against its address")
                    .isEqualTo(200);
        }
    }

    @Nested
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {PROXY, PATH, KEY, CAPACITY, PERIOD, NAME, SECRET})
    @Import(SignedInApi.class)
    class BeforeSpringSecurity {
        @LocalServerPort
        int port;

        @Test
        void noRequestIsAuthenticatedYetSoAPrincipalKeyCountsPerAddress() throws Exception {
            for (int i = 1; i <= 4; i++) {
                assertThat(scores(port, "192.0.2." + i, true).statusCode())
                        .as("the user from address %d: a fresh bucket each", i)
                        .isEqualTo(200);
            }
        }
    }

    @Nested
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {
                PROXY,
                PATH,
                CAPACITY,
                PERIOD,
                NAME,
                SECRET,
                RULE + "action=tarpit",
                "abuse-guard.tarpit.delay=200ms",
                "abuse-guard.tarpit.then=pass"
            })
    @Import(SignedInOnlyApi.class)
    class TarpitPassingOnBeforeSpringSecurity {
        @LocalServerPort
        int port;

        @Test
        void aHeldRequestThatGoesOnIsSignedInByHttpBasicLikeAnyOther() throws Exception {
            for (int i = 1; i <= 3; i++) {
                assertThat(scores(port, "203.0.113.9", true).statusCode())
                        .as("request %d, within the limit", i)
                        .isEqualTo(200);
            }
            HttpResponse<String> held = scores(port, "203.0.113.9", true);
            assertThat(held.statusCode())
                    .as("over the limit: held by the tarpit, then passed on to Spring Security and the handler")
                    .isEqualTo(200);
            assertThat(scores(port, "203.0.113.9", false).statusCode())
                    .as("held too, then refused by Spring Security without a password")
                    .isEqualTo(401);
        }
    }
}
