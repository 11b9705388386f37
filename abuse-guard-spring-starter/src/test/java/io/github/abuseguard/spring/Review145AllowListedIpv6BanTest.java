package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * review145 F1: probe80a F3's fix (a ban of an allow-listed address is refused 400) asks the allow list about the
 * client key as if it were one address, and skips any key holding a '/'. An IPv6 client is keyed by its /64, so a
 * ban of an IPv6 client whose network the allow list names is answered 200 and listed, and the client goes on being
 * served: the class probe80a F3 closed for IPv4.
 */
@SpringBootTest(
        classes = Review145AllowListedIpv6BanTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoint.abuseguardcontrol.access=unrestricted",
            "management.endpoints.web.exposure.include=abuseguardcontrol,abuseguard",
            "abuse-guard.client.trusted-proxies=127.0.0.1/32",
            "abuse-guard.ip-lists.allow=2001:db8:1:2::/64",
            "abuse-guard.rate-limit.rules.api.paths=/api/**",
            "abuse-guard.rate-limit.rules.api.limits[0].capacity=50",
            "abuse-guard.rate-limit.rules.api.limits[0].period=1m",
        })
class Review145AllowListedIpv6BanTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> ban(String key) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/abuseguardcontrol/ban"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\",\"duration\":\"PT1H\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int get(String path, String client) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("X-Forwarded-For", client)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    @Test
    void aBanOfAnAllowListedIpv6ClientIsEitherEnforcedOrRefused() throws Exception {
        HttpResponse<String> ban = ban("2001:db8:1:2::5");
        int after = get("/api/x", "2001:db8:1:2::5");

        assertThat(ban.statusCode() == 400 || after == 403)
                .as("ban answered %s (%s), then the banned client got %s", ban.statusCode(), ban.body(), after)
                .isTrue();
    }

    @RestController
    static class Api {
        @GetMapping("/api/x")
        String x() {
            return "x";
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Api.class)
    static class App {}
}
