package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Guard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The demo's own guard, {@link HoneypotGuardFactory}, plugs in through the GuardFactory SPI alone: it is
 * configured under {@code abuse-guard.honeypot.*} in application.yml and runs in the engine between the
 * bundled guards.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "abuse-guard.honeypot.paths=/wp-login.php,/.env,/trap/**")
class CustomGuardTest {

    @LocalServerPort
    int port;

    @Autowired
    AbuseGuard engine;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aScannerAskingForATrapPathIsRefusedByTheApplicationsOwnGuard() throws Exception {
        HttpResponse<String> response = get("/trap/phpmyadmin/index.php");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"guard\":\"honeypot\"").contains("\"reason\":\"honeypot\"");
    }

    @Test
    void ordinaryRequestsPassTheCustomGuard() throws Exception {
        DemoProof.prove(DemoProof.loopback(port)); // the scores answer browsers that ran the page's script
        HttpResponse<String> response = get("/api/scores/chess");

        assertThat(response.body()).doesNotContain("honeypot");
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void theCustomGuardStandsInTheEngineInItsFactorysOrder() {
        assertThat(engine.guards()).extracting(Guard::name).contains("honeypot");
        assertThat(engine.guards().get(0).name()).isEqualTo("honeypot");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0")
                        .header("Accept-Language", "en")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
