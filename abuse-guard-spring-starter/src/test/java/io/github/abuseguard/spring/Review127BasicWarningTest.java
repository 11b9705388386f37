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
 * review127: the start-up WARN about HTTP Basic passwords (user71 F2) tells "no failure rule counts such a request"
 * from the rules' credential, key and distinct alone: it fires for a rule on every path that counts every 401 (no
 * credential: it counts Basic's wrong passwords, as shown below), and stays silent for a rule that counts Basic
 * credentials on one path only while the chain answers wrong passwords 401 on every other path, unlimited.
 */
@ExtendWith(OutputCaptureExtension.class)
class Review127BasicWarningTest {

    private static final String WARNING = "HTTP Basic is on in a SecurityFilterChain";

    private static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(BasicPasswordsWarningTest.BasicApp.class)
                .properties("server.port=0")
                .properties(properties)
                .run();
    }

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
    void aRuleCountingEvery401OnEveryPathCountsBasicPasswordsAndIsNoWarning(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = start(
                "abuse-guard.failure.rules.api.paths=/**",
                "abuse-guard.failure.rules.api.statuses=401",
                "abuse-guard.failure.rules.api.key=ip",
                "abuse-guard.failure.rules.api.max-retry=3")) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            for (int i = 0; i < 3; i++) {
                assertThat(items(port, "guess" + i)).as("a wrong password").isEqualTo(401);
            }
            assertThat(items(port, "guess9"))
                    .as("the rule counted Basic's wrong passwords: the fourth guess is refused")
                    .isEqualTo(429);
        }
        assertThat(output.getAll())
                .as("a WARN that says no failure rule counts Basic's wrong passwords")
                .doesNotContain(WARNING);
    }

    @Test
    void aRuleCountingBasicCredentialsOnOnePathOnlyLeavesTheOthersUnlimitedAndWarns(CapturedOutput output)
            throws Exception {
        try (ConfigurableApplicationContext app = start(
                "abuse-guard.failure.rules.admin.paths=/admin/**",
                "abuse-guard.failure.rules.admin.statuses=401",
                "abuse-guard.failure.rules.admin.key=ip",
                "abuse-guard.failure.rules.admin.max-retry=3",
                "abuse-guard.failure.rules.admin.credential=header:Authorization")) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            for (int i = 0; i < 10; i++) {
                assertThat(items(port, "guess" + i))
                        .as("wrong password %d on /api/items, never counted", i)
                        .isEqualTo(401);
            }
        }
        assertThat(output.getAll())
                .as("Basic's passwords guessed without limit on /api/items")
                .contains(WARNING);
    }
}
