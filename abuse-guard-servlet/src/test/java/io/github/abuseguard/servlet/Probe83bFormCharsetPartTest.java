package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.email.EmailRule;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * probe83b F1: RFC 7578 section 4.6's {@code _charset_} field. Jetty (ServletApiRequest#getParameters) decodes every
 * text part of a {@code multipart/form-data} body that declares no charset of its own in the charset a part named
 * {@code _charset_} names. The guard judges such a part by the container's parameter only ({@code readApart} is false:
 * no filename, no charset of the part's own), so {@code _charset_=UTF-16} turns the ASCII bytes
 * {@code bot@mailinator.com} into nine CJK characters with no {@code @}: no domain, nothing judged. An application
 * that reads the part's bytes, as Spring's {@code @RequestPart String email} does ({@code Part#getInputStream()},
 * decoded by the string converter in UTF-8) or a servlet reading {@code getPart("email")}, signs up
 * {@code bot@mailinator.com}.
 */
class Probe83bFormCharsetPartTest {
    /** Refused as a throw-away address (422) or as a body the guard cannot read alike (4xx): not signed up. */
    private static final String REFUSED = "(?s)HTTP/1\\.1 4\\d\\d .*";

    private Server server;

    /** The application: reads the e-mail part's bytes as UTF-8, as {@code @RequestPart String email} reads them. */
    static final class PartReader extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            Part part = request.getPart("email");
            String email;
            try (InputStream in = part.getInputStream()) {
                // as NFKC (and IDNA's UTS 46 mapping) reads it, as the address the application mails
                email = java.text.Normalizer.normalize(
                        new String(in.readAllBytes(), StandardCharsets.UTF_8), java.text.Normalizer.Form.NFKC);
            }
            response.setStatus(201);
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().print("signed up " + email);
        }
    }

    @BeforeEach
    void start() throws Exception {
        start(false);
    }

    /**
     * {@code forceUtf8}: a filter before the guard sets the request's encoding to UTF-8, as Spring Boot's
     * CharacterEncodingFilter does ({@code server.servlet.encoding.force-request}, on by default).
     */
    private void start(boolean forceUtf8) throws Exception {
        DisposableEmailGuard email = DisposableEmailGuard.of(
                DisposableDomains.bundled(),
                List.of(EmailRule.builder("signup").path("/signup").build()));
        AbuseGuard engine = AbuseGuard.builder().guard(email).build();
        Filter filter = AbuseGuardFilter.builder()
                .engine(engine)
                .refuseUnreadableBody(true)
                .multipartTaken(request -> true)
                .build();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        if (forceUtf8) {
            context.addFilter(
                    new FilterHolder((Filter) (request, response, chain) -> {
                        request.setCharacterEncoding("UTF-8");
                        chain.doFilter(request, response);
                    }),
                    "/*",
                    EnumSet.of(DispatcherType.REQUEST));
        }
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder app = new ServletHolder(new PartReader());
        app.getRegistration().setMultipartConfig(new MultipartConfigElement(""));
        context.addServlet(app, "/*");
        server.setHandler(context);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private static String body(String charsetPart, String address) {
        String b = "--XX\r\n";
        if (charsetPart != null) {
            b += "Content-Disposition: form-data; name=\"_charset_\"\r\n\r\n" + charsetPart + "\r\n--XX\r\n";
        }
        return b + "Content-Disposition: form-data; name=\"email\"\r\n\r\n" + address + "\r\n--XX--\r\n";
    }

    private String post(byte[] body) throws IOException {
        return post("multipart/form-data; boundary=XX", body);
    }

    private String post(String contentType, byte[] body) throws IOException {
        String head = "POST /signup HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + "Content-Type: "
                + contentType + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", ((ServerConnector) server.getConnectors()[0]).getLocalPort())) {
            socket.setSoTimeout(60_000); // bounds a failure only: the read ends at the server's answer
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(head.getBytes(StandardCharsets.ISO_8859_1));
            request.write(body);
            out.write(request.toByteArray());
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void withoutACharsetFieldTheThrowAwayPartIsRefused() throws Exception {
        assertThat(post(body(null, "bot@mailinator.com").getBytes(StandardCharsets.UTF_8)))
                .startsWith("HTTP/1.1 422");
    }

    @Test
    void aCharsetFieldDoesNotHideTheThrowAwayPartTheApplicationReads() throws Exception {
        for (String charset : List.of("UTF-16", "UTF-16LE", "UTF-32")) {
            assertThat(post(body(charset, "bot@mailinator.com").getBytes(StandardCharsets.UTF_8)))
                    .as("_charset_=" + charset)
                    .matches(REFUSED)
                    .doesNotContain("signed up bot@mailinator.com");
        }
    }

    /**
     * Spring Boot on Jetty: the request's encoding forced to UTF-8 before the guard, as Boot's CharacterEncodingFilter
     * does, and {@code _charset_} still decides how Jetty decodes the parts (it is asked before the request's encoding);
     * a handler taking {@code @RequestPart String email} reads the part's bytes in UTF-8.
     */
    @Test
    void aCharsetFieldHidesTheThrowAwayPartWhereTheRequestEncodingIsForcedToUtf8() throws Exception {
        server.stop();
        start(true);
        assertThat(post(body(null, "bot@mailinator.com").getBytes(StandardCharsets.UTF_8)))
                .as("without the field")
                .startsWith("HTTP/1.1 422");
        assertThat(post(body("UTF-16", "bot@mailinator.com").getBytes(StandardCharsets.UTF_8)))
                .as("_charset_=UTF-16")
                .matches(REFUSED)
                .doesNotContain("signed up bot@mailinator.com");
    }

    /** An ASCII-compatible charset: a full-width at sign in UTF-8 is three Latin-1 letters to Jetty. */
    @Test
    void aLatin1CharsetFieldDoesNotHideAFullWidthAtSign() throws Exception {
        assertThat(post(body(null, "bot\uFF20yopmail.com").getBytes(StandardCharsets.UTF_8)))
                .as("without the field")
                .startsWith("HTTP/1.1 422");
        assertThat(post(body("ISO-8859-1", "bot\uFF20yopmail.com").getBytes(StandardCharsets.UTF_8)))
                .as("_charset_=ISO-8859-1")
                .matches(REFUSED)
                .doesNotContain("signed up bot@yopmail.com");
    }

    /**
     * The same through the request's own charset: Jetty (and Tomcat outside Spring Boot, which forces UTF-8) decodes a
     * text part without a charset of its own in the request's character encoding, the {@code charset} of the
     * multipart {@code Content-Type}.
     */
    @Test
    void aRequestCharsetDoesNotHideTheThrowAwayPartTheApplicationReads() throws Exception {
        for (String charset : List.of("UTF-16", "UTF-32")) {
            assertThat(post(
                            "multipart/form-data; boundary=XX; charset=" + charset,
                            body(null, "bot@mailinator.com").getBytes(StandardCharsets.UTF_8)))
                    .as("charset=" + charset)
                    .matches(REFUSED)
                    .doesNotContain("signed up bot@mailinator.com");
        }
    }

    /**
     * probe83b F3 on Tomcat: a plain servlet application (no Spring Boot forcing UTF-8) has Tomcat decode every text part
     * in the request's charset, ISO-8859-1 when the multipart {@code Content-Type} names none, even a part that declares
     * {@code charset=UTF-8} itself; the guard judges that decoding only ({@code readApart} assumes the container decoded
     * UTF-8), so a full-width at sign is three Latin-1 letters to it, and the application reading the part's bytes as
     * UTF-8 (a servlet, plain Spring's {@code @RequestPart String} of a part declaring UTF-8) signs the address up.
     */
    @Test
    void onTomcatAUtf8TextPartIsNotJudgedOnlyAsTheRequestsLatin1Charset() throws Exception {
        DisposableEmailGuard email = DisposableEmailGuard.of(
                DisposableDomains.bundled(),
                List.of(EmailRule.builder("signup").path("/signup").build()));
        Filter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(email).build())
                .refuseUnreadableBody(true)
                .multipartTaken(request -> true)
                .build();
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
        definition.setFilter(filter);
        context.addFilterDef(definition);
        org.apache.tomcat.util.descriptor.web.FilterMap map = new org.apache.tomcat.util.descriptor.web.FilterMap();
        map.setFilterName("guard");
        map.addURLPatternDecoded("/*");
        context.addFilterMap(map);
        org.apache.catalina.Wrapper wrapper =
                org.apache.catalina.startup.Tomcat.addServlet(context, "app", new PartReader());
        wrapper.setMultipartConfigElement(new MultipartConfigElement(""));
        context.addServletMappingDecoded("/*", "app");
        tomcat.start();
        try {
            // a full-width at sign in UTF-8: Tomcat decodes a text part in the request's charset, ISO-8859-1 unless the
            // request or the context names another, and reads it as three Latin-1 letters
            List<String> signedUp = new java.util.ArrayList<>();
            // the last: a part that declares UTF-8 itself, which Spring's @RequestPart String decodes as UTF-8 and the
            // guard leaves to the container's (Latin-1) parameter
            String declaredUtf8 = "--XX\r\nContent-Disposition: form-data; name=\"email\"\r\n"
                    + "Content-Type: text/plain; charset=UTF-8\r\n\r\nbot\uFF20yopmail.com\r\n--XX--\r\n";
            for (String address : List.of("bot\uFF20yopmail.com", "bot@yopmail.com", declaredUtf8)) {
                byte[] body =
                        (address.startsWith("--") ? address : body(null, address)).getBytes(StandardCharsets.UTF_8);
                for (String contentType : List.of(
                        "multipart/form-data; boundary=XX", "multipart/form-data; boundary=XX; charset=ISO-8859-1")) {
                    String head = "POST /signup HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: "
                            + contentType + "\r\nContent-Length: " + body.length + "\r\n\r\n";
                    String answer;
                    try (Socket socket = new Socket("127.0.0.1", connector.getLocalPort())) {
                        socket.setSoTimeout(60_000); // bounds a failure only: the read ends at the server's answer
                        OutputStream out = socket.getOutputStream();
                        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                        out.write(body);
                        out.flush();
                        answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    }
                    if (!answer.matches(REFUSED)) {
                        signedUp.add(contentType + " " + address + " -> " + answer.substring(0, 12)
                                + answer.substring(answer.indexOf("\r\n\r\n") + 4));
                    }
                }
            }
            assertThat(signedUp).as("throw-away addresses not refused").isEmpty();
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    /**
     * probe83b F1, the inbox limit: a {@code mailbox:/email} rule (one account per inbox) computes its key from the same
     * garbage reading, which names no address, so each sign-up of one inbox with {@code _charset_=UTF-16} is a request
     * without a mailbox key: three accounts for {@code victim@gmail.com} where the limit allows one.
     */
    @Test
    void aCharsetFieldDoesNotTakeASignUpOutOfItsInboxLimit() throws Exception {
        server.stop();
        io.github.abuseguard.ratelimit.RateLimitGuard limits = io.github.abuseguard.ratelimit.RateLimitGuard.builder()
                .rule(io.github.abuseguard.ratelimit.RateLimitRule.builder("inbox")
                        .path("/signup")
                        .key("mailbox:/email")
                        .limit(io.github.abuseguard.ratelimit.Limit.of(1, java.time.Duration.ofDays(1)))
                        .build())
                .build();
        Filter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(limits).build())
                .refuseUnreadableBody(true)
                .multipartTaken(request -> true)
                .build();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder app = new ServletHolder(new PartReader());
        app.getRegistration().setMultipartConfig(new MultipartConfigElement(""));
        context.addServlet(app, "/*");
        server.setHandler(context);
        server.start();
        assertThat(post(body(null, "control+1@gmail.com").getBytes(StandardCharsets.UTF_8)))
                .startsWith("HTTP/1.1 201");
        assertThat(post(body(null, "control+2@gmail.com").getBytes(StandardCharsets.UTF_8)))
                .as("without the field, the inbox's second sign-up")
                .startsWith("HTTP/1.1 429");
        List<String> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String answer = post(body("UTF-16", "victim+" + i + "@gmail.com").getBytes(StandardCharsets.UTF_8));
            answers.add(answer.substring(0, 12) + " " + answer.substring(answer.indexOf("\r\n\r\n") + 4));
        }
        // the container read the part as the client asked, the application reads its bytes: two readings, and a key
        // made from either alone is one the client varies with the charset it names (review152 F1): ambiguous
        assertThat(answers.stream().filter(answer -> answer.contains("signed up victim")))
                .as("accounts opened for one inbox, limit 1: " + answers)
                .hasSizeLessThanOrEqualTo(1);
        assertThat(answers.stream().filter(answer -> answer.startsWith("HTTP/1.1 4")))
                .as("refused: " + answers)
                .hasSizeGreaterThanOrEqualTo(2);
    }
}
