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
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

/**
 * review152: ee6e252e makes a text part's bytes, read as UTF-8 (ISO-8859-1 where they are not), the field's values,
 * and the container's decoding only a reading beside them, which is judged but never gives the key. On Jetty the
 * client picks the container's decoding with a {@code _charset_} part; an application that reads the field with
 * {@code getParameter} (a plain servlet, Spring's {@code @RequestParam}/data binding) uses the container's decoding.
 * The key is then made from a reading the application does not use: each encoding of one user name or inbox is a
 * key of its own (or none). On ee6e252e^ the two readings differed and the request was refused as ambiguous.
 */
class Review152PartReadingKeyTest {

    /** Reads the field as the container gives it. */
    static final class ParameterReader extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String field;

        ParameterReader(String field) {
            this.field = field;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setStatus(200);
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().print(field + "=" + request.getParameter(field));
        }
    }

    private static Filter filter(Guard guard) {
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(guard).build())
                .refuseUnreadableBody(true)
                .multipartTaken(request -> true)
                .build();
    }

    /** A form whose {@code field} part is {@code value} encoded in {@code encoding}, the framing in ASCII. */
    private static byte[] form(String charsetField, String field, String value, Charset encoding) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String head = "--XX\r\n";
        if (charsetField != null) {
            head += "Content-Disposition: form-data; name=\"_charset_\"\r\n\r\n" + charsetField + "\r\n--XX\r\n";
        }
        head += "Content-Disposition: form-data; name=\"" + field + "\"\r\n\r\n";
        body.write(head.getBytes(StandardCharsets.US_ASCII));
        body.write(value.getBytes(encoding));
        body.write("\r\n--XX\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nguess\r\n--XX--\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    /** {_charset_ part, encoding of the value's bytes}: each makes Jetty's getParameter give the value as it is. */
    private static final String[][] ENCODINGS = {
        {"UTF-16", "UTF-16BE"}, {"UTF-16", "UTF-16"}, {"UTF-16LE", "UTF-16LE"}, {"UTF-32", "UTF-32BE"},
        {"UTF-32LE", "UTF-32LE"}, {"IBM037", "IBM037"}, {"IBM500", "IBM500"}, {"IBM1047", "IBM1047"},
    };

    /**
     * F1: a per-user login limit ({@code body:/username}, 3 a day). Plain forms for {@code alice} are refused after
     * the third; each {@code _charset_} encoding of {@code alice} is a key of its own, so one attacker gets three more
     * guesses at alice's password per such encoding (UTF-16 with its BOM and IBM037 here: 9 where 3 are due), while
     * the application reads {@code alice} each
     * time.
     */
    @Test
    void aCharsetFieldDoesNotGiveOneUserNameMoreGuessesThanItsLimit() throws Exception {
        RateLimitGuard limits = RateLimitGuard.builder()
                .rule(RateLimitRule.builder("login-per-user")
                        .path("/login")
                        .key("body:/username")
                        .limit(Limit.of(3, Duration.ofDays(1)))
                        .build())
                .build();
        Server server = MultipartJetty.start(filter(limits), new ParameterReader("username"));
        try {
            List<String> let = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String answer = MultipartJetty.post(
                        MultipartJetty.port(server), "/login", form(null, "username", "alice", StandardCharsets.UTF_8));
                if (answer.startsWith("HTTP/1.1 200") && answer.endsWith("username=alice")) {
                    let.add("plain");
                }
            }
            assertThat(let).as("control: plain forms let through").hasSize(3);
            for (String[] encoding : ENCODINGS) {
                for (int i = 0; i < 3; i++) {
                    String answer = MultipartJetty.post(
                            MultipartJetty.port(server),
                            "/login",
                            form(encoding[0], "username", "alice", Charset.forName(encoding[1])));
                    if (answer.startsWith("HTTP/1.1 200") && answer.endsWith("username=alice")) {
                        let.add("_charset_=" + encoding[0] + " as " + encoding[1]);
                    }
                }
            }
            assertThat(let)
                    .as("guesses at alice's password that reached the application, limit 3")
                    .hasSize(3);
        } finally {
            server.stop();
        }
    }

    /**
     * F1, the inbox limit: {@code mailbox:/email}, one sign-up per inbox a day. The application reads
     * {@code victim+N@gmail.com} with getParameter; the guard's key comes from the bytes' reading, which names another
     * key (or no address at all) for each encoding.
     */
    @Test
    void aCharsetFieldDoesNotTakeAParameterReadersSignUpOutOfItsInboxLimit() throws Exception {
        RateLimitGuard limits = RateLimitGuard.builder()
                .rule(RateLimitRule.builder("inbox")
                        .path("/signup")
                        .key("mailbox:/email")
                        .limit(Limit.of(1, Duration.ofDays(1)))
                        .build())
                .build();
        Server server = MultipartJetty.start(filter(limits), new ParameterReader("email"));
        try {
            assertThat(MultipartJetty.post(
                            MultipartJetty.port(server),
                            "/signup",
                            form(null, "email", "control+1@gmail.com", StandardCharsets.UTF_8)))
                    .startsWith("HTTP/1.1 200");
            assertThat(MultipartJetty.post(
                            MultipartJetty.port(server),
                            "/signup",
                            form(null, "email", "control+2@gmail.com", StandardCharsets.UTF_8)))
                    .as("control: the inbox's second sign-up")
                    .startsWith("HTTP/1.1 429");
            List<String> signedUp = new ArrayList<>();
            int n = 0;
            for (String[] encoding : ENCODINGS) {
                String address = "victim+" + n++ + "@gmail.com";
                String answer = MultipartJetty.post(
                        MultipartJetty.port(server),
                        "/signup",
                        form(encoding[0], "email", address, Charset.forName(encoding[1])));
                if (answer.startsWith("HTTP/1.1 200") && answer.endsWith("email=" + address)) {
                    signedUp.add(address + " (_charset_=" + encoding[0] + ")");
                }
            }
            assertThat(signedUp)
                    .as("sign-ups of victim@gmail.com's inbox, limit 1")
                    .hasSizeLessThanOrEqualTo(1);
        } finally {
            server.stop();
        }
    }

    /** Control (passes): the disposable-address guard judges the container's reading of an encoded part too. */
    @Test
    void controlAnEncodedThrowAwayAddressIsStillJudged() throws Exception {
        io.github.abuseguard.email.DisposableEmailGuard email = io.github.abuseguard.email.DisposableEmailGuard.of(
                io.github.abuseguard.email.DisposableDomains.bundled(),
                List.of(io.github.abuseguard.email.EmailRule.builder("signup")
                        .path("/signup")
                        .build()));
        Server server = MultipartJetty.start(filter(email), new ParameterReader("email"));
        try {
            List<String> signedUp = new ArrayList<>();
            for (String[] encoding : ENCODINGS) {
                String answer = MultipartJetty.post(
                        MultipartJetty.port(server),
                        "/signup",
                        form(encoding[0], "email", "bot@mailinator.com", Charset.forName(encoding[1])));
                if (answer.startsWith("HTTP/1.1 200")) {
                    signedUp.add(encoding[0] + ": " + answer);
                }
            }
            assertThat(signedUp).isEmpty();
        } finally {
            server.stop();
        }
    }
}
