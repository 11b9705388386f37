package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * review128 F4: the HTTP Basic start-up WARN is silenced by a rule on /** that counts 401 with the Authorization
 * credential, whatever its methods: a rule for POST alone (a sign-in form's) leaves every GET's wrong password
 * uncounted, 401 without limit, and no WARN says so (review127 F4 fixed paths, not methods).
 */
@ExtendWith(OutputCaptureExtension.class)
class Review128BasicWarningTest {

    private static final String WARNING = "HTTP Basic is on in a SecurityFilterChain";

    private static int items(int port, String password) throws Exception {
        String basic = Base64.getEncoder().encodeToString(("ops:" + password).getBytes());
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/items"))
                                .header("Authorization", "Basic " + basic)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    @Test
    void aRuleForPostOnlyLeavesBasicGuessesOnGetUnlimitedAndWarns(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(BasicPasswordsWarningTest.BasicApp.class)
                .properties(
                        "server.port=0",
                        "abuse-guard.failure.rules.basic.paths=/**",
                        "abuse-guard.failure.rules.basic.methods=POST",
                        "abuse-guard.failure.rules.basic.statuses=401",
                        "abuse-guard.failure.rules.basic.key=ip",
                        "abuse-guard.failure.rules.basic.max-retry=3",
                        "abuse-guard.failure.rules.basic.credential=header:Authorization")
                .run()) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            for (int i = 0; i < 10; i++) {
                assertThat(items(port, "guess" + i))
                        .as("wrong password %d on GET /api/items, never counted", i)
                        .isEqualTo(401);
            }
        }
        assertThat(output.getAll())
                .as("Basic's passwords guessed without limit on GET /api/items")
                .contains(WARNING);
    }
}
