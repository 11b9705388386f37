package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * probe24 F2: with {@code sequence.session=session}, a {@code JSESSIONID} the client makes up is no session
 * (Tomcat does not know it): the request counts as the client's, as one without a session. Before: a new
 * made-up id per request passed a once-only rule on an anonymous route 10 times of 10.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.sequence.session=session",
            "abuse-guard.sequence.rules.trial-once.operation=POST /trial/start",
            "abuse-guard.sequence.rules.trial-once.forbids=POST /trial/start",
            "abuse-guard.sequence.rules.trial-once.within=24h",
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Import(RequestedSessionTest.Trial.class)
class RequestedSessionTest {

    /** A free trial anyone may start once; visitors with a container session have their own. */
    @RestController
    static class Trial {
        @GetMapping("/trial/visit")
        Map<String, String> visit(HttpServletRequest request) {
            return Map.of("session", request.getSession(true).getId());
        }

        @PostMapping("/trial/start")
        Map<String, String> start() {
            return Map.of("trial", "started");
        }
    }

    @LocalServerPort
    int port;

    @Test
    void aMadeUpSessionIdPerRequestStartsTheTrialOnceNotTenTimes() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        int started = 0;
        int refused = 0;
        for (int i = 0; i < 10; i++) {
            LoopbackClient.Answer answer =
                    client.send("127.0.7.1", "POST", "/trial/start", "{}", "Cookie", "JSESSIONID=" + UUID.randomUUID());
            if (answer.status() == 200) {
                started++;
            } else if (answer.status() == 403 && answer.body().contains("forbidden-sequence")) {
                refused++;
            }
        }
        assertThat(started).isEqualTo(1);
        assertThat(refused).isEqualTo(9);
    }

    @Test
    void eachRealSessionStartsItsOwnTrialOnce() throws Exception {
        LoopbackClient client = new LoopbackClient(port);
        String first = session(client);
        String second = session(client);

        assertThat(start(client, first)).isEqualTo(200);
        assertThat(start(client, first)).as("the same session again").isEqualTo(403);
        assertThat(start(client, second))
                .as("another session of the same address")
                .isEqualTo(200);
        assertThat(start(client, second)).isEqualTo(403);
    }

    private static String session(LoopbackClient client) throws Exception {
        LoopbackClient.Answer visit = client.send("127.0.7.2", "GET", "/trial/visit", null);
        Matcher session = Pattern.compile("\"session\":\"([^\"]+)\"").matcher(visit.body());
        assertThat(session.find()).as(visit.body()).isTrue();
        return session.group(1);
    }

    private static int start(LoopbackClient client, String session) throws Exception {
        return client.send("127.0.7.2", "POST", "/trial/start", "{}", "Cookie", "JSESSIONID=" + session)
                .status();
    }
}
