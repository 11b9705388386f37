package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Many people behind one address (an office, a school, a carrier's NAT), signing in to the demo as it
 * ships: one person's typos must not lock the others out, while an address that tries many user names
 * is still banned. The office is a forwarded address behind the trusted loopback proxy.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"abuse-guard.client.trusted-proxies=127.0.0.1", "spring.application.name=shared-address"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SharedAddressTest {

    @LocalServerPort
    int port;

    private HttpResponse<String> login(DemoProof.Sender client, String user, String password) throws Exception {
        return client.send(
                "POST",
                "/api/login",
                "application/json",
                "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
    }

    @Test
    void colleaguesWhoMistypeTheirPasswordsDoNotLockTheOfficeOut() throws Exception {
        DemoProof.Sender office = DemoProof.forwarded(port, "203.0.113.10");
        for (int colleague = 1; colleague <= 12; colleague++) {
            assertThat(login(office, "user" + colleague, "typo").statusCode()).isEqualTo(401);
        }

        for (int colleague = 1; colleague <= 12; colleague++) {
            HttpResponse<String> signedIn = login(office, "user" + colleague, "secret-" + colleague);
            assertThat(signedIn.statusCode())
                    .as("probe8 H2: twelve people's typos banned the office's address (%s)", signedIn.body())
                    .isEqualTo(200);
        }
    }

    @Test
    void anAddressTryingManyUserNamesIsBanned() throws Exception {
        DemoProof.Sender guesser = DemoProof.forwarded(port, "198.51.100.20");
        for (int name = 0; name < 20; name++) {
            assertThat(login(guesser, "leaked" + name + "@mail.example", "hunter2")
                            .statusCode())
                    .isEqualTo(401);
        }

        HttpResponse<String> banned = login(guesser, "leaked20@mail.example", "hunter2");
        assertThat(banned.statusCode()).isEqualTo(429);
        assertThat(banned.body())
                .as("banned, or its address under attack on its own: refused either way")
                .contains("\"guard\":\"failure\"", "\"rule\":\"login-per-address\"");
    }
}
