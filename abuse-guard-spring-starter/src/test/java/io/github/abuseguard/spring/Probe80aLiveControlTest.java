package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.validation.NotDisposableEmail;
import jakarta.validation.Valid;
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
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * probe80a: live switches and bans that the endpoint accepts (200, listed) and one path of the library does not
 * honour.
 */
@SpringBootTest(
        classes = Probe80aLiveControlTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoint.abuseguardcontrol.access=unrestricted",
            "management.endpoints.web.exposure.include=abuseguardcontrol,abuseguard",
            "abuse-guard.client.trusted-proxies=127.0.0.1/32",
            "abuse-guard.ip-lists.allow=198.51.100.10,2001:db8:1:2::/64,2001:db8:1:3::10",
            "abuse-guard.routes.monitor=/api/beta/**",
            "abuse-guard.rate-limit.rules.api.paths=/api/**",
            "abuse-guard.rate-limit.rules.api.limits[0].capacity=50",
            "abuse-guard.rate-limit.rules.api.limits[0].period=1m",
        })
class Probe80aLiveControlTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(String path, String json, String client) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (client != null) {
            request.header("X-Forwarded-For", client);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int get(String path, String client) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("X-Forwarded-For", client)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    /**
     * README "Live control": "every instance that opens the endpoint refuses a banned client key with 403". An
     * address on {@code abuse-guard.ip-lists.allow} (a partner's server, now abusing) is banned: the endpoint answers
     * 200 and lists the ban, and the address goes on being served, since an allowed address skips every guard after
     * the IP lists, the live-ban guard included. The operator is told it worked and nothing changed (probe46d F1's
     * class). Either the ban holds, or it is refused 400 saying the address is allow-listed.
     */
    @Test
    void aBanOfAnAllowListedAddressIsEitherEnforcedOrRefused() throws Exception {
        HttpResponse<String> ban =
                post("/actuator/abuseguardcontrol/ban", "{\"key\":\"198.51.100.10\",\"duration\":\"PT1H\"}", null);
        int after = get("/api/x", "198.51.100.10");

        assertThat(ban.statusCode() == 400 || after == 403)
                .as("ban answered %s (%s), then the banned address got %s", ban.statusCode(), ban.body(), after)
                .isTrue();
    }

    /**
     * review145 F1: probe80a F3's fix asked the allow list about the client key as if it were one address and skipped
     * any key holding a '/'. An IPv6 client is keyed by its /64, so a ban of an IPv6 client whose network the allow list
     * names was answered 200 and listed, and the client went on being served.
     */
    @Test
    void aBanOfAnAllowListedIpv6ClientIsEitherEnforcedOrRefused() throws Exception {
        HttpResponse<String> ban =
                post("/actuator/abuseguardcontrol/ban", "{\"key\":\"2001:db8:1:2::5\",\"duration\":\"PT1H\"}", null);
        int after = get("/api/x", "2001:db8:1:2::5");

        assertThat(ban.statusCode() == 400 || after == 403)
                .as("ban answered %s (%s), then the banned client got %s", ban.statusCode(), ban.body(), after)
                .isTrue();
    }

    /**
     * review146 F4: where the allowed block is narrower than the /64 (one partner host in a hosting provider's shared
     * /64), the allow list exempts that host only: the ban holds for every other address of the /64, and says so.
     */
    @Test
    void aBanOfASixtyFourHoldingOneAllowedHostHoldsForItsOtherAddresses() throws Exception {
        HttpResponse<String> ban =
                post("/actuator/abuseguardcontrol/ban", "{\"key\":\"2001:db8:1:3::5\",\"duration\":\"PT1H\"}", null);
        assertThat(ban.statusCode()).as(ban.body()).isEqualTo(200);
        assertThat(ban.body()).contains("\"stillExempt\"").contains("2001:db8:1:3::10");
        assertThat(get("/api/x", "2001:db8:1:3::5"))
                .as("another address of the banned /64")
                .isEqualTo(403);
        assertThat(get("/api/x", "2001:db8:1:3::10"))
                .as("the allow-listed host")
                .isEqualTo(200);
    }

    /**
     * probe80a F4: a route on trial ({@code abuse-guard.routes.monitor}, or {@code @AbuseGuardMonitor}) only reports its
     * denials, the live-ban guard's among them, and the ban was answered 200 with nothing said about it. The answer now
     * names the routes that only report it ({@code stillMonitored}), as an {@code enforce} switch's does.
     */
    @Test
    void aBanTellsTheRoutesOnTrialThatOnlyReportIt() throws Exception {
        HttpResponse<String> ban =
                post("/actuator/abuseguardcontrol/ban", "{\"key\":\"203.0.113.61\",\"duration\":\"PT1H\"}", null);
        int elsewhere = get("/api/x", "203.0.113.61");
        int onTrial = get("/api/beta/feature", "203.0.113.61");

        assertThat(ban.statusCode()).as("ban: %s", ban.body()).isEqualTo(200);
        assertThat(elsewhere).isEqualTo(403);
        // a route on trial reports every refusal, a ban's too (README, Live control): the ban's answer says so
        assertThat(onTrial).as("the banned client on a monitored route").isEqualTo(200);
        assertThat(ban.body()).contains("\"stillMonitored\"").contains("/api/beta/**");
    }

    @RestController
    static class Api {
        record SignUp(@NotDisposableEmail String email) {}

        @PostMapping("/api/signup")
        String signUp(@Valid @RequestBody SignUp signUp) {
            return "ok";
        }

        @GetMapping("/api/x")
        String x() {
            return "x";
        }

        @GetMapping("/api/beta/feature")
        String beta() {
            return "beta";
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Api.class)
    static class App {}
}
