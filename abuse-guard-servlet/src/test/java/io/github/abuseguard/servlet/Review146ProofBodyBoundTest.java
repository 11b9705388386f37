package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * review146 F3: the proof's form is now read as a guard reads a body, within {@code maxBodyBytes}; a filter built with
 * {@code maxBodyBytes(0)} ("guards can read no body at all", an application without body rules) answers every proof
 * 413 proof-too-large, so no browser can prove and every route that requires the proof refuses everyone.
 */
class Review146ProofBodyBoundTest {
    private static final Pattern CHALLENGE = Pattern.compile("\"challenge\":\"([^\"]+)\",\"difficulty\":(\\d+)");

    private AbuseGuard engine;
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        server.close();
        engine.close();
    }

    private void start(int maxBodyBytes) throws Exception {
        engine = AbuseGuard.builder().build();
        server = new TestServer(AbuseGuardFilter.builder()
                .engine(engine)
                .maxBodyBytes(maxBodyBytes)
                .proof("/abuse-guard/proof", 8, Duration.ofMinutes(2), "this site's proof secret")
                .build());
    }

    @Test
    void aProofIsTakenWhereGuardsReadNoBody() throws Exception {
        start(0);
        String challenge = challenge();
        String form = "challenge=" + challenge + "&nonce=" + ProofSolver.nonce(challenge, 8);
        assertThat(form.length()).as("a proof's form").isLessThan(ProofEndpoint.MAX_FORM_BYTES);

        HttpResponse<String> answer = server.send(HttpRequest.newBuilder(server.uri("/abuse-guard/proof"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));

        assertThat(answer.statusCode())
                .as("a solved proof of %s bytes: %s", form.length(), answer.body())
                .isEqualTo(204);
    }

    private String challenge() throws IOException, InterruptedException {
        HttpResponse<String> answer = server.get("/abuse-guard/proof");
        Matcher asked = CHALLENGE.matcher(answer.body());
        assertThat(asked.find()).as(answer.body()).isTrue();
        return asked.group(1);
    }
}
