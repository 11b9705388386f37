package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * probe73b: two instances of one application on one Redis, behind one load balancer, as README's "Live control"
 * has them: an operator's change reaches one of them.
 */
class Probe73bControlTwoInstancesTest {

    private static final String REDIS = System.getenv().getOrDefault("ABUSE_GUARD_REDIS_URI", "redis://127.0.0.1:6379");
    private static final String PREFIX = "probe73b:" + UUID.randomUUID() + ":";

    private final HttpClient http = HttpClient.newHttpClient();

    static ConfigurableApplicationContext instance() {
        return new SpringApplicationBuilder(App.class)
                .properties(
                        "server.port=0",
                        "management.endpoint.abuseguardcontrol.access=unrestricted",
                        "management.endpoints.web.exposure.include=abuseguardcontrol",
                        "abuse-guard.client.trusted-proxies=127.0.0.1/32",
                        "abuse-guard.store.type=redis",
                        "abuse-guard.store.redis.uri=" + REDIS,
                        "abuse-guard.store.redis.key-prefix=" + PREFIX,
                        "abuse-guard.rate-limit.rules.api.paths=/api/**",
                        "abuse-guard.rate-limit.rules.api.limits[0].capacity=2",
                        "abuse-guard.rate-limit.rules.api.limits[0].period=1h")
                .run();
    }

    static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    int get(int port, String client) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/x"))
                                .header("X-Forwarded-For", client)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    HttpResponse<String> control(int port, String action, String json) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/abuseguardcontrol/" + action))
                        .header("Content-Type", "application/json")
                        .header("X-Forwarded-For", "198.51.100.1")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String listing(int port) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/abuseguardcontrol"))
                                .header("X-Forwarded-For", "198.51.100.1")
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void aBanOnOneInstanceHoldsOnTheOther() throws Exception {
        try (ConfigurableApplicationContext a = instance();
                ConfigurableApplicationContext b = instance()) {
            assertThat(control(port(a), "ban", "{\"key\":\"203.0.113.50\",\"duration\":\"PT1H\"}")
                            .statusCode())
                    .isEqualTo(200);
            assertThat(get(port(b), "203.0.113.50"))
                    .as("banned on A, asked of B")
                    .isEqualTo(403);
            assertThat(listing(port(b))).contains("203.0.113.50");
            assertThat(control(port(b), "unban", "{\"key\":\"203.0.113.50\"}").statusCode())
                    .isEqualTo(200);
            assertThat(get(port(a), "203.0.113.50"))
                    .as("lifted on B, asked of A")
                    .isNotEqualTo(403);
        }
    }

    /**
     * An operator behind the load balancer switches a rule that refuses real users to monitor (a false alarm): the
     * switch is answered 200 and listed by the instance that took it, and the other instance goes on refusing, its
     * listing showing no switch. README's Live control says bans, unbans and end-attack hold on every instance, and
     * says nothing of a mode switch's reach.
     */
    @AfterAll
    static void forget() {
        try (RedisClient client = RedisClient.create(REDIS);
                StatefulRedisConnection<String, String> connection = client.connect()) {
            var keys = connection.sync().keys(PREFIX + "*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {}
}
