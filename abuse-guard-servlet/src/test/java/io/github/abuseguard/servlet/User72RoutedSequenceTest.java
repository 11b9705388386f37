package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.RouteTable;
import io.github.abuseguard.config.AbuseGuardSettings;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * user72: a plain servlet application that gives the filter its routes ({@code fromSettings(settings, add ->
 * add.routes(...))}, as README's "Plain servlet applications" shows) and a {@code requires} rule in its settings
 * file. With the routes given, the filter knows which steps are served, yet a rule naming a step no route serves,
 * or naming the route's variable differently, starts silently and then refuses every session for good.
 */
class User72RoutedSequenceTest {

    @TempDir
    Path directory;

    private static final RouteTable ROUTES =
            RouteTable.of(List.of("/api/accounts", "/api/accounts/{id}/verify", "/api/accounts/{id}/payment-methods"));

    private AbuseGuardSettings settings(String requires) throws Exception {
        Path file = directory.resolve("abuse-guard.yml");
        Files.writeString(file, """
                abuse-guard:
                  sequence:
                    rules:
                      no-card-before-verify:
                        operation: POST /api/accounts/{id}/payment-methods
                        requires: %s
                        status: 2xx
                        within: 30m
                """.formatted(requires));
        return SettingsFile.load(file);
    }

    /** Verifies, then adds a card, as one session (one bearer token); answers the card's status. */
    private static int verifyThenAddCard(AbuseGuardFilter filter) throws Exception {
        HttpServlet application = new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setStatus(request.getRequestURI().endsWith("/verify") ? 200 : 201);
            }
        };
        try (TestServer server = new TestServer(filter, application)) {
            int verified = server.send(HttpRequest.newBuilder(server.uri("/api/accounts/7/verify"))
                            .header("Authorization", "Bearer account-7")
                            .POST(HttpRequest.BodyPublishers.noBody()))
                    .statusCode();
            assertThat(verified).isEqualTo(200);
            return server.send(HttpRequest.newBuilder(server.uri("/api/accounts/7/payment-methods"))
                            .header("Authorization", "Bearer account-7")
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"card\":\"4111\"}")))
                    .statusCode();
        } finally {
            filter.destroy();
        }
    }

    @Test
    void theRuleAsWrittenLetsAVerifiedSessionAddACard() throws Exception {
        AbuseGuardFilter filter =
                AbuseGuardFilter.fromSettings(settings("POST /api/accounts/{id}/verify"), add -> add.routes(ROUTES));
        assertThat(verifyThenAddCard(filter)).isEqualTo(201);
    }

    /**
     * F2: the start-up WARN says "the prior done for any resource counts" for {accountId} beside {id}; with the
     * routes given, the prior is recorded as the route's template and never counts: every card is refused 403.
     * Either the step must count (as the WARN says, and as it does without routes) or start-up must name the
     * route's own template.
     */
    @Test
    void aPriorNamingTheRoutesVariableDifferentlyCountsOrFailsStartUpNamingTheRoute() throws Exception {
        AbuseGuardFilter filter;
        try {
            filter = AbuseGuardFilter.fromSettings(
                    settings("POST /api/accounts/{accountId}/verify"), add -> add.routes(ROUTES));
        } catch (RuntimeException refused) {
            assertThat(refused).hasMessageContaining("/api/accounts/{id}/verify");
            return;
        }
        assertThat(verifyThenAddCard(filter))
                .as("verified, then a card: the WARN promised the prior counts for any resource")
                .isEqualTo(201);
    }

    /**
     * F3: a typo in the prior ({@code /api/account/...}) names a step none of the given routes serves; the filter
     * started without a word and refused every card of every session. A path outside the given routes may serve it,
     * so it is one WARN naming the property and the closest route, as a rule path matching no route is.
     */
    @Test
    void aPriorNoGivenRouteServesIsWarnedOfNamingTheClosestRoute() throws Exception {
        AbuseGuardSettings typo = settings("POST /api/account/{id}/verify");
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            AbuseGuardFilter.fromSettings(typo, add -> add.routes(ROUTES)).destroy();
        } finally {
            System.setErr(original);
        }
        assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("WARN")
                .contains("abuse-guard.sequence.rules.")
                .contains("'POST /api/account/{id}/verify' matches no route given to the filter")
                .contains("Did you mean 'POST /api/accounts/{id}/verify'?");
    }
}
