package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Guard;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import jakarta.servlet.Filter;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

/**
 * review151: fd5367b0 reads every multipart part named as a guarded field from its bytes as well as through the
 * container's parameter, and a key whose readings differ refuses the request as ambiguous (400). Each test here
 * passed on fd5367b0^ and fails on fd5367b0.
 */
class Review151MultipartPartReadingTest {

    /** A login or sign-up servlet that reads the field as the container gives it, as a plain servlet does. */
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

    /** A per-user login limit keyed by the user name, far from its bound: no honest request here is over it. */
    private static Filter loginFilter() {
        RateLimitGuard limits = RateLimitGuard.builder()
                .rule(RateLimitRule.builder("login")
                        .path("/login")
                        .key("ip+body:/username")
                        .limit(Limit.of(100, Duration.ofDays(1)))
                        .build())
                .build();
        return filter(limits, true);
    }

    private static Filter filter(Guard guard, boolean refuseUnreadable) {
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(guard).build())
                .refuseUnreadableBody(refuseUnreadable)
                .multipartTaken(request -> true)
                .build();
    }

    /** A browser's form: no charset on the body's type or the parts, the page's encoding on the wire. */
    private static byte[] loginForm(String charsetField, String user, Charset charset) {
        String body = "--XX\r\n";
        if (charsetField != null) {
            body += "Content-Disposition: form-data; name=\"_charset_\"\r\n\r\n" + charsetField + "\r\n--XX\r\n";
        }
        body += "Content-Disposition: form-data; name=\"username\"\r\n\r\n" + user + "\r\n--XX\r\n"
                + "Content-Disposition: form-data; name=\"password\"\r\n\r\nsecret\r\n--XX--\r\n";
        return body.getBytes(charset);
    }

    /**
     * F1: Tomcat without a request encoding (embedded Tomcat, no {@code request-character-encoding}, no
     * encoding filter before the guard) decodes a text part as ISO-8859-1; the guard now also reads its bytes as
     * UTF-8. A browser's login form with a user name outside ASCII gives the key two readings and is refused
     * {@code 400 unreadable-body:ambiguous}, on every sign-in, with or without RFC 7578's {@code _charset_=UTF-8}
     * (which Tomcat ignores). On fd5367b0^ each was 200 (the application reads the same Latin-1 reading each time,
     * so the user signs in).
     */
    @Test
    void onTomcatWithoutARequestEncodingABrowsersLoginFormWithANonAsciiUserNameIsNotRefused() throws Exception {
        org.apache.catalina.startup.Tomcat tomcat = new org.apache.catalina.startup.Tomcat();
        tomcat.setBaseDir(java.nio.file.Files.createTempDirectory("tomcat").toString());
        org.apache.catalina.connector.Connector connector = new org.apache.catalina.connector.Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        org.apache.catalina.Context context = tomcat.addContext("", null);
        org.apache.tomcat.util.descriptor.web.FilterDef definition =
                new org.apache.tomcat.util.descriptor.web.FilterDef();
        definition.setFilterName("guard");
        definition.setFilter(loginFilter());
        context.addFilterDef(definition);
        org.apache.tomcat.util.descriptor.web.FilterMap map = new org.apache.tomcat.util.descriptor.web.FilterMap();
        map.setFilterName("guard");
        map.addURLPatternDecoded("/*");
        context.addFilterMap(map);
        org.apache.catalina.Wrapper wrapper =
                org.apache.catalina.startup.Tomcat.addServlet(context, "app", new ParameterReader("username"));
        wrapper.setMultipartConfigElement(new MultipartConfigElement(""));
        context.addServletMappingDecoded("/*", "app");
        tomcat.start();
        try {
            List<String> refused = new java.util.ArrayList<>();
            for (String user : List.of("J\u00fcrgen", "\u5f20\u4f1f", "ann\uD83D\uDE00")) {
                for (String charsetField : new String[] {null, "UTF-8"}) {
                    String answer = MultipartJetty.post(
                            connector.getLocalPort(), "/login", loginForm(charsetField, user, StandardCharsets.UTF_8));
                    if (!answer.startsWith("HTTP/1.1 200")) {
                        refused.add(user + " _charset_=" + charsetField + ": " + answer);
                    }
                }
            }
            assertThat(refused).as("honest sign-ins refused").isEmpty();
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    /**
     * F2, a known limit: a Shift_JIS page's form with RFC 7578's {@code _charset_} field (the way HTML has a browser
     * tell the charset). Jetty decodes the part as Shift_JIS, the application reads {@code 山田}; the bytes, not UTF-8,
     * read as ISO-8859-1 are another value. A key made from either reading alone is one a client varies with the
     * charset it names while the application reads the other (review152 F1: {@code alice} in UTF-16 or IBM037 was a
     * new user-name key each time), so a user-name key refuses such a form as ambiguous. A form without a key on the
     * field, and any form in UTF-8, is served.
     */
    @Test
    void onJettyAShiftJisFormWithItsCharsetFieldIsRefusedWhereAKeyReadsTheField() throws Exception {
        Server server = MultipartJetty.start(loginFilter(), new ParameterReader("username"));
        try {
            String answer = MultipartJetty.post(
                    MultipartJetty.port(server),
                    "/login",
                    loginForm("Shift_JIS", "\u5c71\u7530", Charset.forName("Shift_JIS")));
            assertThat(answer).startsWith("HTTP/1.1 400").contains("unreadable-body:ambiguous");
            String utf8 = MultipartJetty.post(
                    MultipartJetty.port(server), "/login", loginForm("UTF-8", "\u5c71\u7530", StandardCharsets.UTF_8));
            assertThat(utf8).startsWith("HTTP/1.1 200").endsWith("username=\u5c71\u7530");
        } finally {
            server.stop();
        }
    }

    /**
     * F3: under {@code on-unreadable: allow}, seventeen plain text parts named {@code email}: every named part now
     * counts toward the 16 read from their bytes, so the field is unreadable (too large) and counts as absent, the
     * container's parameters with it; {@code x@mailinator.com} signs up (the servlet reads the first value). On
     * fd5367b0^ the parameters were judged, 422.
     */
    @Test
    void underOnUnreadableAllowSeventeenPlainTextPartsOfTheFieldAreStillJudged() throws Exception {
        DisposableEmailGuard email = DisposableEmailGuard.of(
                DisposableDomains.bundled(),
                List.of(EmailRule.builder("signup").path("/signup").build()));
        Server server = MultipartJetty.start(filter(email, false), new ParameterReader("email"));
        try {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 17; i++) {
                body.append("--XX\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nx@mailinator.com\r\n");
            }
            body.append("--XX--\r\n");
            String answer = MultipartJetty.post(
                    MultipartJetty.port(server), "/signup", body.toString().getBytes(StandardCharsets.UTF_8));
            assertThat(answer).startsWith("HTTP/1.1 422");
        } finally {
            server.stop();
        }
    }

    /**
     * F3, under the default ({@code on-unreadable: reject}): an honest multipart form giving a guarded field
     * seventeen times (an "invite your team" form with an avatar upload beside it) is now refused {@code 413
     * unreadable-body:too-large}, though the body is a few hundred bytes. On fd5367b0^ the container's parameters were
     * judged (up to 1,024 values) and it was 200.
     */
    @Test
    void aFormGivingTheFieldSeventeenTimesIsNotRefusedAsTooLarge() throws Exception {
        DisposableEmailGuard email = DisposableEmailGuard.of(
                DisposableDomains.bundled(),
                List.of(EmailRule.builder("invite").path("/invite").build()));
        Server server = MultipartJetty.start(filter(email, true), new ParameterReader("email"));
        try {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 17; i++) {
                body.append("--XX\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\ncolleague")
                        .append(i)
                        .append("@gmail.com\r\n");
            }
            body.append("--XX--\r\n");
            String answer = MultipartJetty.post(
                    MultipartJetty.port(server), "/invite", body.toString().getBytes(StandardCharsets.UTF_8));
            assertThat(answer).startsWith("HTTP/1.1 200");
        } finally {
            server.stop();
        }
    }
}
