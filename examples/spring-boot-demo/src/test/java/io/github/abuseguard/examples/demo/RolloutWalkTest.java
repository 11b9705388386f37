package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The monitor-first roll-out over real HTTP, with two instances sharing Redis: the rate limits run in
 * monitor mode, the roll-out report shows what enforcing would refuse, an operator switches one rule
 * to enforce through the Actuator and it refuses; a ban set on one instance holds on the other.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RolloutWalkTest {
    private static final String REDIS = System.getenv().getOrDefault("ABUSE_GUARD_REDIS_URI", "redis://127.0.0.1:6379");
    private static final String PREFIX = "rollout-test:" + UUID.randomUUID() + ":";
    private static final String OPS_PASSWORD = UUID.randomUUID().toString();
    private static final String[] SHARED = {
        "abuse-guard.store.type=redis",
        "abuse-guard.store.redis.uri=" + REDIS,
        "abuse-guard.store.redis.key-prefix=" + PREFIX,
        // a loaded CI machine can take longer than the 200 ms default to open the first connection
        "abuse-guard.store.redis.timeout=5s",
        "abuse-guard.store.redis.connect-timeout=10s",
        "abuse-guard.client.trusted-proxies=127.0.0.1",
        "abuse-guard.rate-limit.mode=monitor",
        // the walk counts would-be denials exactly: tokens come back only after the minute, not one every
        // 3 s while a loaded machine is slow (a list is replaced whole, so both limits are named)
        "abuse-guard.rate-limit.rules.giftcards.limits[0].capacity=20",
        "abuse-guard.rate-limit.rules.giftcards.limits[0].period=1m",
        "abuse-guard.rate-limit.rules.giftcards.limits[0].refill=intervally",
        "abuse-guard.rate-limit.rules.giftcards.limits[1].capacity=200",
        "abuse-guard.rate-limit.rules.giftcards.limits[1].period=1h",
        // the walk concerns one rate-limit rule; the gift-card failure and volume bounds stay out of it
        "abuse-guard.failure.enabled=false",
        "abuse-guard.volume.enabled=false",
        "management.endpoints.web.exposure.include=health,abuseguardrollout,abuseguardcontrol",
        "management.endpoint.abuseguardcontrol.access=unrestricted",
        "spring.security.user.name=ops",
        "spring.security.user.password=" + OPS_PASSWORD,
        "spring.security.user.roles=OPS"
    };

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        for (String property : SHARED) {
            int equals = property.indexOf('=');
            registry.add(property.substring(0, equals), () -> property.substring(equals + 1));
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    /** The clients (per server port) that ran the page's proof script: the scores and gift cards require it. */
    private final java.util.Set<String> proved = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private HttpResponse<String> get(int port, String path, String client) throws Exception {
        if (path.startsWith("/api/") && proved.add(port + " " + client)) {
            DemoProof.prove(DemoProof.forwarded(port, client));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Forwarded-For", client);
        if (path.startsWith("/actuator/") && !path.startsWith("/actuator/health")) {
            // every Actuator endpoint but the health status is for operators (SecurityConfig)
            request.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(("ops:" + OPS_PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> control(int port, String action, String body) throws Exception {
        return control(port, action, body, "ops:" + OPS_PASSWORD);
    }

    private HttpResponse<String> control(int port, String action, String body, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/abuseguardcontrol/" + action));
        if (credentials != null) {
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(
                request.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * probe46d F6: an operator could ban the client key of their own request (behind an unlisted proxy, everyone's),
     * and the ban refused this endpoint to them, the unban included, for as long as it lasted. It is refused 400.
     */
    @Test
    void anOperatorCannotBanTheClientKeyTheirOwnRequestComesFrom() throws Exception {
        HttpResponse<String> refused = control(port, "ban", "{\"key\":\"127.0.0.1\",\"duration\":\"PT1H\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("client key of this request");
        assertThat(control(port, "unban", "{\"key\":\"127.0.0.1\"}").statusCode())
                .as("the endpoint still answers its operator")
                .isEqualTo(200);
    }

    @Test
    void aMonitoredRuleReportsWouldDenialsIsSwitchedToEnforceLiveAndThenRefuses() throws Exception {
        String scraper = "203.0.113.10";
        String collector = "203.0.113.11";
        for (int i = 0; i < 26; i++) {
            assertThat(get(port, "/api/giftcards/CARD" + i, scraper).statusCode())
                    .as("monitor mode lets everything through")
                    .isNotEqualTo(429);
        }
        for (int i = 0; i < 22; i++) {
            get(port, "/api/giftcards/CARD" + i, collector);
        }
        get(port, "/api/scores/chess", "203.0.113.12");

        JsonNode report = json.readTree(
                get(port, "/actuator/abuseguardrollout", "127.0.0.1").body());

        assertThat(report.get("modes").get("rate-limit").stringValue()).isEqualTo("monitor");
        JsonNode giftcards = report.get("wouldDeny").get("rate-limit/giftcards");
        assertThat(giftcards.get("requests").longValue()).isEqualTo(6 + 2);
        assertThat(giftcards.get("distinctClients").longValue()).isEqualTo(2);
        assertThat(giftcards.get("examples").toString())
                .contains("rate-limited on /api/giftcards/{code}")
                .doesNotContain("203.0.113.");
        assertThat(report.get("wouldDeny").has("rate-limit/scores")).isFalse();

        HttpResponse<String> switched =
                control(port, "mode", "{\"guard\":\"rate-limit\",\"rule\":\"giftcards\",\"mode\":\"enforce\"}");

        assertThat(switched.statusCode()).isEqualTo(200);
        assertThat(json.readTree(switched.body())
                        .get("switchedModes")
                        .get("rate-limit/giftcards")
                        .stringValue())
                .isEqualTo("enforce");
        HttpResponse<String> refused = get(port, "/api/giftcards/CARD99", scraper);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("#quota-exceeded").contains("\"violated-policies\":[\"giftcards-60s\"");
        for (int i = 0; i < 5; i++) {
            assertThat(get(port, "/api/giftcards/SAFE" + i, "203.0.113.13").statusCode())
                    .as("a fresh client is still served")
                    .isNotEqualTo(429);
        }
        JsonNode after = json.readTree(
                get(port, "/actuator/abuseguardrollout", "127.0.0.1").body());
        assertThat(after.get("switchedModes").get("rate-limit/giftcards").stringValue())
                .isEqualTo("enforce (switched live, until restart)");
    }

    @Test
    void onlyAnAuthenticatedOperatorMayChangeAnythingAndTheAuditLineNamesThem() throws Exception {
        ListAppender<ILoggingEvent> audit = new ListAppender<>();
        audit.start();
        Logger logger = (Logger) LoggerFactory.getLogger("io.github.abuseguard.audit");
        logger.addAppender(audit);
        try {
            String body = "{\"guard\":\"rate-limit\",\"mode\":\"enforce\"}";
            assertThat(control(port, "mode", body, null).statusCode()).isEqualTo(401);
            assertThat(control(port, "mode", body, "ops:wrong").statusCode()).isEqualTo(401);
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(
                                                    "http://127.0.0.1:" + port + "/actuator/abuseguardcontrol"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(401);
            assertThat(audit.list).isEmpty();

            assertThat(control(port, "mode", "{\"guard\":\"rate-limit\",\"rule\":\"scores\",\"mode\":\"monitor\"}")
                            .statusCode())
                    .isEqualTo(200);

            assertThat(audit.list)
                    .singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .isEqualTo(
                            "abuse-guard control: ops from 127.0.0.1 switched rate-limit/scores to monitor until restart");
        } finally {
            logger.detachAppender(audit);
        }
    }

    @Test
    void badControlRequestsAreClientErrorsNamingWhatIsWrong() throws Exception {
        HttpResponse<String> unknownGuard = control(port, "mode", "{\"guard\":\"nope\",\"mode\":\"enforce\"}");
        HttpResponse<String> badMode = control(port, "mode", "{\"guard\":\"rate-limit\",\"mode\":\"off\"}");
        HttpResponse<String> badDuration = control(port, "ban", "{\"key\":\"203.0.113.9\",\"duration\":\"forever\"}");
        HttpResponse<String> tooLong = control(port, "ban", "{\"key\":\"203.0.113.9\",\"duration\":\"P400D\"}");
        HttpResponse<String> unknownAction = control(port, "reboot", "{}");
        // probe52d F5: Actuator took the body's action over the path's, so this banned, and the access log said unban
        HttpResponse<String> actionInBody =
                control(port, "unban", "{\"action\":\"ban\",\"key\":\"203.0.113.9\",\"duration\":\"PT1H\"}");

        for (HttpResponse<String> response :
                List.of(unknownGuard, badMode, badDuration, tooLong, unknownAction, actionInBody)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        }
        assertThat(json.readTree(get(port, "/actuator/abuseguardcontrol", "127.0.0.1")
                                .body())
                        .get("bans")
                        .isEmpty())
                .isTrue();
    }

    @Test
    void aBanSetLiveOnOneInstanceIsHonouredByASecondSharingRedisUntilLifted() throws Exception {
        String[] arguments = new String[SHARED.length + 1];
        for (int i = 0; i < SHARED.length; i++) {
            arguments[i] = "--" + SHARED[i];
        }
        arguments[SHARED.length] = "--server.port=0";
        try (ConfigurableApplicationContext second =
                new SpringApplicationBuilder(DemoApplication.class).run(arguments)) {
            int secondPort =
                    ((WebServerApplicationContext) second).getWebServer().getPort();
            String attacker = "198.51.100.66";
            assertThat(get(secondPort, "/api/scores/chess", attacker).statusCode())
                    .isEqualTo(200);

            HttpResponse<String> banned = control(port, "ban", "{\"key\":\"" + attacker + "\",\"duration\":\"PT1H\"}");

            assertThat(banned.statusCode()).isEqualTo(200);
            assertThat(json.readTree(banned.body())
                            .get("bans")
                            .get(0)
                            .get("key")
                            .stringValue())
                    .isEqualTo(attacker);
            HttpResponse<String> refused = get(secondPort, "/api/scores/chess", attacker);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body())
                    .contains("#abnormal-usage-detected")
                    .contains("\"violated-policies\":[\"live-ban\"]");
            assertThat(get(secondPort, "/api/scores/chess", "198.51.100.67").statusCode())
                    .isEqualTo(200);

            assertThat(control(secondPort, "unban", "{\"key\":\"" + attacker + "\"}")
                            .statusCode())
                    .isEqualTo(200);
            assertThat(get(port, "/api/scores/chess", attacker).statusCode()).isEqualTo(200);
            assertThat(json.readTree(get(port, "/actuator/abuseguardcontrol", "127.0.0.1")
                                    .body())
                            .get("bans")
                            .isEmpty())
                    .as("a ban lifted elsewhere drops out of the list")
                    .isTrue();
        }
    }
}
