package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Guard;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

/**
 * review154: 705e20fd keys a text part by its bytes' UTF-8 reading, malformed bytes as U+FFFD, also where the
 * container read the part as ISO-8859-1 (Jetty under {@code _charset_=ISO-8859-1}, Tomcat without a request
 * encoding), and the application reads that ISO-8859-1 reading. Before it (d1f9c1ac) the key was the ISO-8859-1
 * reading there, the value the application reads.
 */
class Review154Latin1KeyTest {

    /** Reads the field as the container gives it. */
    static final class ParameterReader extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setStatus(200);
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().print("username=" + request.getParameter("username"));
        }
    }

    private static Filter filter() {
        Guard guard = RateLimitGuard.builder()
                .rule(RateLimitRule.builder("login-per-user")
                        .path("/login")
                        .key("body:/username")
                        .limit(Limit.of(3, Duration.ofDays(1)))
                        .build())
                .build();
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(guard).build())
                .refuseUnreadableBody(true)
                .multipartTaken(request -> true)
                .build();
    }

    /** A login form whose {@code username} part holds {@code value}, after a {@code _charset_} part if not null. */
    private static byte[] form(String charsetField, byte[] value) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String head = "--XX\r\n";
        if (charsetField != null) {
            head += "Content-Disposition: form-data; name=\"_charset_\"\r\n\r\n" + charsetField + "\r\n--XX\r\n";
        }
        head += "Content-Disposition: form-data; name=\"username\"\r\n\r\n";
        body.write(head.getBytes(StandardCharsets.US_ASCII));
        body.write(value);
        body.write("\r\n--XX\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nguess\r\n--XX--\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    /**
     * F1: {@code \u00e1lice} is one parameter value to the application whether the form is sent in UTF-8 or in
     * ISO-8859-1 under {@code _charset_=ISO-8859-1}; the guard keys the first {@code alice} and the second
     * {@code \uFFFDlice}: two keys, six guesses where three are due.
     */
    @Test
    void onJettyOneParameterValueIsOneKeyInUtf8AndInLatin1() throws Exception {
        Server server = MultipartJetty.start(filter(), new ParameterReader());
        try {
            String name = "\u00e1lice";
            List<String> let = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String answer = MultipartJetty.post(
                        MultipartJetty.port(server),
                        "/login",
                        MultipartJetty.FORM,
                        form(null, name.getBytes(StandardCharsets.UTF_8)));
                if (answer.startsWith("HTTP/1.1 200") && answer.endsWith("username=" + name)) {
                    let.add("UTF-8");
                }
            }
            assertThat(let).as("control: the UTF-8 form's guesses").hasSize(3);
            for (int i = 0; i < 3; i++) {
                String answer = MultipartJetty.post(
                        MultipartJetty.port(server),
                        "/login",
                        MultipartJetty.FORM,
                        form("ISO-8859-1", name.getBytes(StandardCharsets.ISO_8859_1)));
                if (answer.startsWith("HTTP/1.1 200") && answer.endsWith("username=" + name)) {
                    let.add("ISO-8859-1");
                }
            }
            assertThat(let)
                    .as("guesses at the parameter \u00e1lice that reached the application, limit 3")
                    .hasSize(3);
        } finally {
            server.stop();
        }
    }

    /**
     * F1, wider: the accented spellings of {@code alice} that the guard's user-name key folds to one ({@code alice},
     * as an accent-insensitive collation reads them), sent in ISO-8859-1, are a key per position of the accents:
     * {@code \uFFFDlice}, {@code al\uFFFDce}, ... 16 keys of 3 guesses each, 48 guesses where 3 are due.
     */
    @Test
    void onJettyAccentedSpellingsInLatin1AreNotAKeyPerAccentPosition() throws Exception {
        Server server = MultipartJetty.start(filter(), new ParameterReader());
        try {
            char[][] letters = {{'a', '\u00e1'}, {'l', 'l'}, {'i', '\u00ed'}, {'c', '\u00e7'}, {'e', '\u00e9'}};
            List<String> let = new ArrayList<>();
            for (int mask = 0; mask < 32; mask++) {
                if ((mask & 2) != 0) {
                    continue; // l has no accented letter in ISO-8859-1
                }
                StringBuilder spelling = new StringBuilder();
                for (int i = 0; i < letters.length; i++) {
                    spelling.append(letters[i][(mask >> i) & 1]);
                }
                String name = spelling.toString();
                for (int guess = 0; guess < 3; guess++) {
                    String answer = MultipartJetty.post(
                            MultipartJetty.port(server),
                            "/login",
                            MultipartJetty.FORM,
                            form("ISO-8859-1", name.getBytes(StandardCharsets.ISO_8859_1)));
                    if (answer.startsWith("HTTP/1.1 200") && answer.endsWith("username=" + name)) {
                        let.add(name);
                    }
                }
            }
            assertThat(let)
                    .as("guesses at alice's password (one key to the guard in UTF-8) that reached the application,"
                            + " limit 3")
                    .hasSize(3);
        } finally {
            server.stop();
        }
    }
}
