package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * probe23's F5 on the whole demo, Spring Security's header writers and Tomcat included: the scores rule
 * answers with a decoy past 2 requests a minute, and a client comparing heads cannot tell the decoys from
 * the real answers, nor learn from the last real answer that decoys come next.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = {
            "server.port=18651",
            "abuse-guard.proof.enabled=false",
            "abuse-guard.rate-limit.rules.scores.action=decoy",
            "abuse-guard.rate-limit.rules.scores.limits[0].capacity=2",
            "abuse-guard.rate-limit.rules.scores.limits[0].period=1m",
            "abuse-guard.decoys.default.status=200",
            "abuse-guard.decoys.default.content-type=application/json",
            "abuse-guard.decoys.default.body={\"game\":\"${path}\",\"score\":42}",
            Operator.NAME,
            Operator.PASSWORD,
            Operator.ROLES
        })
class DecoyLookDemoTest {
    private static final int PORT = 18651;

    /** One answer as it came off the wire: the header lines in order, and the body. */
    record Head(int status, List<String> fields, String body) {
        /**
         * All a header classifier can read: every line, the {@code Date}'s value aside, and the length's
         * value, which is the body's (the body is the decoy's configuration, and differs here on purpose).
         */
        List<String> shape() {
            return fields.stream()
                    .map(field -> field.toLowerCase(Locale.ROOT).startsWith("date:")
                            ? "Date: *"
                            : field.toLowerCase(Locale.ROOT).startsWith("content-length:")
                                    ? "Content-Length: *"
                                    : field)
                    .toList();
        }

        boolean decoy() {
            return body.contains("\"score\":42") && body.contains("/api/scores/");
        }
    }

    private static Head get(String source, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", PORT), 10_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + PORT + "\r\nUser-Agent: Mozilla/5.0 "
                                    + "(X11; Linux x86_64) Chrome/126.0\r\nAccept: */*\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            return new Head(
                    Integer.parseInt(lines[0].substring(9, 12)),
                    List.of(lines).subList(1, lines.length),
                    text.substring(end + 4));
        }
    }

    @Test
    void aClassifierOnHeadersCannotTellTheDemosDecoysFromItsRealAnswers() throws Exception {
        List<Head> answers = new ArrayList<>();
        for (int i = 41; i <= 50; i++) {
            answers.add(get("127.0.9.3", "/api/scores/g" + i));
        }

        assertThat(answers.stream().filter(head -> !head.decoy()).count())
                .as("the limit's real answers")
                .isEqualTo(2);
        assertThat(answers.stream().filter(Head::decoy).count())
                .as("then decoys")
                .isEqualTo(8);
        Set<List<String>> shapes = new LinkedHashSet<>();
        for (Head head : answers) {
            assertThat(head.status()).isEqualTo(200);
            shapes.add(head.shape());
        }
        assertThat(shapes)
                .as(
                        "one head for real answers and decoys alike; the real one: %s",
                        answers.get(0).fields())
                .hasSize(1);
        // probe23's classifier: Spring Security's headers, which only real answers carried
        assertThat(answers).allSatisfy(head -> assertThat(head.fields()).contains("X-Frame-Options: DENY"));
    }

    @Test
    void theDemosLastRealAnswerDoesNotAnnounceTheDecoy() throws Exception {
        Head first = get("127.0.9.4", "/api/scores/a");
        Head last = get("127.0.9.4", "/api/scores/b");
        Head decoy = get("127.0.9.4", "/api/scores/c");

        assertThat(last.decoy()).isFalse();
        assertThat(decoy.decoy()).isTrue();
        for (Head head : List.of(first, last, decoy)) {
            assertThat(head.fields())
                    .as("no RateLimit fields on a route whose rule answers with a decoy")
                    .noneMatch(field -> field.toLowerCase(Locale.ROOT).startsWith("ratelimit"));
        }
    }
}
