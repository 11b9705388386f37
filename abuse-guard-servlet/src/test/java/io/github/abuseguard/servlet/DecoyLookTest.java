package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A client that compares a decoy with the route's real answers byte by byte, as a clone site dropping
 * decoys would: status, header names and their order, header values, framing. Only the body (and the
 * {@code Date}) may differ.
 */
class DecoyLookTest {

    /**
     * An application answering as a Spring application behind Spring Security does: its security and
     * caching headers, a JSON body written and flushed (so sent in chunks), and, when asked, a cookie, a
     * request id and an entity tag, which are the user's or the request's own.
     */
    static final class ScoresApplication extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setStatus(200);
            response.addHeader("Vary", "Origin");
            response.addHeader("Vary", "Access-Control-Request-Method");
            if (request.getParameter("personal") != null) {
                response.addHeader("Set-Cookie", "SESSION=secret-of-ann; HttpOnly");
                response.setHeader("X-Request-Id", "req-" + System.identityHashCode(request));
                response.setHeader("ETag", "\"v42\"");
                response.setHeader("Authorization", "Bearer leaked-token");
            }
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("X-XSS-Protection", "0");
            response.setHeader("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
            response.setHeader("Pragma", "no-cache");
            response.setHeader("Expires", "0");
            response.setHeader("X-Frame-Options", "DENY");
            response.setContentType("application/json");
            response.getOutputStream()
                    .write(("{\"game\":\"" + request.getRequestURI() + "\",\"score\":7}")
                            .getBytes(StandardCharsets.UTF_8));
            response.getOutputStream().flush();
        }
    }

    /** The head of an answer as a client sees it on the wire. */
    record Head(int status, List<String> fields, String body) {
        /** The header lines in order, the {@code Date}'s value left out: all a header classifier can read. */
        List<String> shape() {
            List<String> shape = new ArrayList<>();
            for (String field : fields) {
                shape.add(field.toLowerCase(Locale.ROOT).startsWith("date:") ? "Date: *" : field);
            }
            return shape;
        }

        boolean has(String name) {
            return fields.stream()
                    .anyMatch(field -> field.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":"));
        }
    }

    static Head get(TestServer server, String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.uri("/").getPort())) {
            socket.setSoTimeout(60_000); // bounds a failure only: the read ends at the server's answer
            socket.getOutputStream()
                    .write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            List<String> fields = new ArrayList<>(List.of(lines).subList(1, lines.length));
            return new Head(Integer.parseInt(lines[0].substring(9, 12)), fields, text.substring(end + 4));
        }
    }

    /** The route of probe23's F5: at most 2 per minute, then a decoy shaped like the real answer. */
    private static AbuseGuardFilter scoresWithDecoys() {
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(RateLimitGuard.builder()
                                .rule(RateLimitRule.builder("scores")
                                        .path("/api/scores/*")
                                        .action(Action.DECOY)
                                        .limit(Limit.of(2, Duration.ofMinutes(1)))
                                        .build())
                                .build())
                        .build())
                .decoy("default", new DecoyResponse(200, "application/json", "{\"game\":\"${path}\",\"score\":42}"))
                .realAnswerSampling(1)
                .build();
    }

    @Test
    void aClassifierOnHeadersCannotTellADecoyFromARealAnswer() throws Exception {
        try (TestServer server = new TestServer(scoresWithDecoys(), new ScoresApplication())) {
            List<Head> answers = new ArrayList<>();
            for (int i = 41; i <= 50; i++) {
                answers.add(get(server, "/api/scores/g" + i));
            }

            List<Head> real = answers.stream()
                    .filter(head -> head.body().contains("\"score\":7"))
                    .toList();
            List<Head> decoys = answers.stream()
                    .filter(head -> head.body().contains("\"score\":42"))
                    .toList();
            assertThat(real).as("the limit's 2 real answers").hasSize(2);
            assertThat(decoys).as("then decoys").hasSize(8);
            // Everything a classifier on the head can read: every field's name, value and place.
            Map<List<String>, Integer> shapes =
                    new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
            for (Head head : answers) {
                assertThat(head.status()).isEqualTo(200);
                shapes.merge(head.shape(), 1, Integer::sum);
            }
            assertThat(shapes)
                    .as(
                            "one shape of head for real answers and decoys alike; real: %s",
                            real.get(0).fields())
                    .hasSize(1);
            assertThat(decoys.get(0).fields())
                    .contains("X-Frame-Options: DENY", "Cache-Control: no-cache, no-store, max-age=0, must-revalidate");
        }
    }

    @Test
    void theRealAnswersBeforeTheDecoyDoNotAnnounceIt() throws Exception {
        try (TestServer server = new TestServer(scoresWithDecoys(), new ScoresApplication())) {
            List<Head> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(get(server, "/api/scores/g" + i));
            }

            assertThat(answers.get(1).body()).as("the last real answer").contains("\"score\":7");
            assertThat(answers.get(2).body()).as("the first decoy").contains("\"score\":42");
            for (Head head : answers) {
                assertThat(head.has("RateLimit"))
                        .as("RateLimit on %s", head.fields())
                        .isFalse();
                assertThat(head.has("RateLimit-Policy"))
                        .as("RateLimit-Policy on %s", head.fields())
                        .isFalse();
                assertThat(head.has("Retry-After")).isFalse();
            }
        }
    }

    @Test
    void aRouteWithoutADecoyRuleKeepsItsRateLimitFields() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(RateLimitGuard.builder()
                                .rule(RateLimitRule.builder("scores")
                                        .path("/api/scores/*")
                                        .action(Action.DECOY)
                                        .limit(Limit.of(2, Duration.ofMinutes(1)))
                                        .build())
                                .rule(RateLimitRule.builder("others")
                                        .path("/api/others/*")
                                        .limit(Limit.of(2, Duration.ofMinutes(1)))
                                        .build())
                                .build())
                        .build())
                .build();
        try (TestServer server = new TestServer(filter, new ScoresApplication())) {
            Head other = get(server, "/api/others/x");

            assertThat(other.fields())
                    .contains("RateLimit-Policy: \"others\";q=2;w=60")
                    .anyMatch(field -> field.startsWith("RateLimit: \"others\";r=1;"));
        }
    }

    @Test
    void aDecoyNeverCarriesACookieARequestIdOrAnotherUsersFields() throws Exception {
        try (TestServer server = new TestServer(scoresWithDecoys(), new ScoresApplication())) {
            Head real = get(server, "/api/scores/g1?personal=1");
            get(server, "/api/scores/g2?personal=1");
            Head decoy = get(server, "/api/scores/g3");

            assertThat(real.has("Set-Cookie"))
                    .as("the application's own answer")
                    .isTrue();
            assertThat(decoy.body()).contains("\"score\":42");
            assertThat(decoy.fields())
                    .as("what is the user's or the request's own is never replayed")
                    .noneMatch(field -> field.contains("secret-of-ann")
                            || field.contains("leaked-token")
                            || field.startsWith("X-Request-Id")
                            || field.startsWith("ETag"))
                    .contains("X-Frame-Options: DENY");
        }
    }

    @Test
    void aDecoyForAPathNoRealAnswerWasSeenForLooksLikeItsSiblings() {
        RealAnswers answers = new RealAnswers(1);
        assertThat(answers.lookFor("/api/scores/g1")).as("nothing learnt yet").isNull();

        jakarta.servlet.http.HttpServletResponse response =
                org.mockito.Mockito.mock(jakarta.servlet.http.HttpServletResponse.class);
        org.mockito.Mockito.when(response.getStatus()).thenReturn(200);
        org.mockito.Mockito.when(response.getHeaderNames()).thenReturn(List.of("Cache-Control", "Set-Cookie"));
        org.mockito.Mockito.when(response.getHeaders("Cache-Control")).thenReturn(List.of("max-age=60"));
        org.mockito.Mockito.when(response.getHeaders("Set-Cookie")).thenReturn(List.of("a=b"));
        answers.learn(answered("/api/scores/g1", "/api/scores/{game}"), response);

        assertThat(answers.lookFor("/api/scores/g999").fields())
                .containsExactly(Map.entry("Cache-Control", "max-age=60"));
        assertThat(answers.lookFor("/elsewhere")).as("the root's look").isNotNull();

        for (int i = 0; i < RealAnswers.MAX_FOLDERS + 10; i++) {
            answers.learn(answered("/f" + i + "/x", null), response);
        }
        assertThat(answers.folders()).isLessThanOrEqualTo(RealAnswers.MAX_FOLDERS);
    }

    /**
     * probe45a F1: only the application's first answer was learnt before the sampling began, so a decoy looked like
     * the page (or health check) that answered first until its own route's look was sampled, ~400 answers later.
     * Each folder's first answer is learnt now.
     */
    @Test
    void aRoutesFirstAnswerIsLearntWhateverAnsweredFirstElsewhere() {
        RealAnswers answers = new RealAnswers(Integer.MAX_VALUE);
        answers.learn(answered("/", "/"), answer("Content-Language", "en"));
        for (int id = 0; id < 20_000; id++) { // review45 F7: fresh ids of another route learn nothing unsampled
            answers.learn(
                    answered("/api/users/" + id + "/avatar", "/api/users/{id}/avatar"),
                    answer("Cache-Control", "public"));
        }
        answers.learn(answered("/api/scores/g1", "/api/scores/{game}"), answer("Cache-Control", "no-store"));
        answers.learn(answered("/api/scores/g2", "/api/scores/{game}"), answer("Cache-Control", "max-age=1"));
        for (int id = 20_000; id < 20_300; id++) {
            answers.learn(
                    answered("/api/users/" + id + "/avatar", "/api/users/{id}/avatar"),
                    answer("Cache-Control", "public"));
        }

        assertThat(answers.lookFor("/api/scores/g9").fields())
                .as("the route's first answer, then sampled")
                .containsExactly(Map.entry("Cache-Control", "no-store"));
    }

    /**
     * probe46d L12: a Content-Security-Policy's nonce is new on each real answer; the learnt one, replayed on every
     * decoy, told the decoys apart. Each decoy gets a nonce of its own.
     */
    @Test
    void aDecoyCarriesAFreshNonceWhereTheRealAnswersPolicyHadOne() throws Exception {
        String policy = "script-src 'self' 'nonce-R3aLn0nce'; style-src 'nonce-R3aLn0nce'";
        RealAnswers answers = new RealAnswers(1);
        answers.learn(answered("/api/scores/g1", "/api/scores/{game}"), answer("Content-Security-Policy", policy));
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            jakarta.servlet.http.HttpServletResponse decoy =
                    org.mockito.Mockito.mock(jakarta.servlet.http.HttpServletResponse.class);
            org.mockito.Mockito.when(decoy.getOutputStream()).thenReturn(new DiscardingOutput());
            DecoyResponse.DEFAULT.write(decoy, "/api/scores/g2", answers.lookFor("/api/scores/g2"));
            org.mockito.ArgumentCaptor<String> value = org.mockito.ArgumentCaptor.forClass(String.class);
            org.mockito.Mockito.verify(decoy)
                    .addHeader(org.mockito.ArgumentMatchers.eq("Content-Security-Policy"), value.capture());
            written.add(value.getValue());
        }
        assertThat(written)
                .allSatisfy(value -> assertThat(value)
                        .doesNotContain("R3aLn0nce")
                        .matches("script-src 'self' 'nonce-([A-Za-z0-9+/=]{24})'; style-src 'nonce-\\1'"));
        assertThat(written.get(0)).isNotEqualTo(written.get(1));
        assertThat(DecoyResponse.withNonce("default-src 'nonce-unclosed", "x"))
                .isEqualTo("default-src 'nonce-unclosed");
    }

    private static final class DiscardingOutput extends jakarta.servlet.ServletOutputStream {
        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(jakarta.servlet.WriteListener listener) {}

        @Override
        public void write(int b) {}
    }

    private static jakarta.servlet.http.HttpServletResponse answer(String name, String value) {
        jakarta.servlet.http.HttpServletResponse response =
                org.mockito.Mockito.mock(jakarta.servlet.http.HttpServletResponse.class);
        org.mockito.Mockito.when(response.getStatus()).thenReturn(200);
        org.mockito.Mockito.when(response.getHeaderNames()).thenReturn(List.of(name));
        org.mockito.Mockito.when(response.getHeaders(name)).thenReturn(List.of(value));
        return response;
    }

    /** A request of the path, routed to {@code route} ({@code null}: none), whose answer is learnt. */
    private static GuardRequest answered(String path, String route) {
        GuardRequest.Builder request = GuardRequest.builder("GET", path);
        return route == null ? request.build() : request.route(route).build();
    }
}
