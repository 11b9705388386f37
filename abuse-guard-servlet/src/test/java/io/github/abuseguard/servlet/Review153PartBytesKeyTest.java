package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Guard;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import jakarta.servlet.Filter;
import jakarta.servlet.MultipartConfigElement;
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
 * review153: d1f9c1ac takes the bytes' reading of a text part as the field's value (the key's) wherever the
 * container's parameter equals the part's UTF-8 or its ISO-8859-1 reading, and the bytes' reading is UTF-8 where the
 * part declares a charset or the bytes are well-formed, else ISO-8859-1. Where the two readings differ the bytes'
 * reading need not be the one the application reads, and the client picks it per request.
 */
class Review153PartBytesKeyTest {

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

    /** Reads the field's part's bytes as UTF-8, as {@code @RequestPart String} in Spring Boot does. */
    static final class PartReader extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String field;

        PartReader(String field) {
            this.field = field;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response)
                throws IOException, jakarta.servlet.ServletException {
            byte[] bytes = request.getPart(field).getInputStream().readAllBytes();
            response.setStatus(200);
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().print(field + "=" + new String(bytes, StandardCharsets.UTF_8));
        }
    }

    private static Filter filter(Guard guard) {
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(guard).build())
                .refuseUnreadableBody(true)
                .multipartTaken(request -> true)
                .build();
    }

    private static RateLimitGuard loginLimit() {
        return RateLimitGuard.builder()
                .rule(RateLimitRule.builder("login-per-user")
                        .path("/login")
                        .key("body:/username")
                        .limit(Limit.of(3, Duration.ofDays(1)))
                        .build())
                .build();
    }

    /** A login form whose {@code username} part holds {@code value}'s bytes, with {@code partType} if not null. */
    private static byte[] form(String partType, byte[] value) throws IOException {
        return form(null, partType, value);
    }

    /** As {@link #form(String, byte[])}, after a {@code _charset_} part if {@code charsetField} is not null. */
    private static byte[] form(String charsetField, String partType, byte[] value) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String head = "--XX\r\n";
        if (charsetField != null) {
            head += "Content-Disposition: form-data; name=\"_charset_\"\r\n\r\n" + charsetField + "\r\n--XX\r\n";
        }
        head += "Content-Disposition: form-data; name=\"username\"\r\n";
        if (partType != null) {
            head += "Content-Type: " + partType + "\r\n";
        }
        body.write((head + "\r\n").getBytes(StandardCharsets.US_ASCII));
        body.write(value);
        body.write("\r\n--XX\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nguess\r\n--XX--\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    private static byte[] with(String ascii, int... bytes) {
        byte[] head = ascii.getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(head, head.length + bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            all[head.length + i] = (byte) bytes[i];
        }
        return all;
    }

    /** Bytes no UTF-8 decoder reads: each is U+FFFD to the container's and the application's UTF-8 reading. */
    private static final int[] INVALID = {0xFF, 0xFE, 0xC0, 0xC1, 0xF5, 0xF8, 0x80, 0xBF, 0xE9};

    /**
     * F1: on Jetty (UTF-8 parts by default) {@code alice} and one byte UTF-8 does not read is {@code alice\uFFFD} to
     * getParameter each time, whichever byte; the guard's key is the bytes' ISO-8859-1 reading, one key per byte.
     */
    @Test
    void onJettyInvalidBytesAreNotANewKeyPerByteForOneParameterValue() throws Exception {
        Server server = MultipartJetty.start(filter(loginLimit()), new ParameterReader("username"));
        try {
            List<String> let = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String answer = MultipartJetty.post(
                        MultipartJetty.port(server), "/login", MultipartJetty.FORM, form(null, with("alice", 0xFF)));
                if (answer.startsWith("HTTP/1.1 200") && answer.endsWith("username=alice\uFFFD")) {
                    let.add("0xFF");
                }
            }
            assertThat(let).as("control: one byte's forms").hasSize(3);
            for (int invalid : INVALID) {
                String answer = MultipartJetty.post(
                        MultipartJetty.port(server), "/login", MultipartJetty.FORM, form(null, with("alice", invalid)));
                if (answer.startsWith("HTTP/1.1 200") && answer.endsWith("username=alice\uFFFD")) {
                    let.add(Integer.toHexString(invalid));
                }
            }
            assertThat(let)
                    .as("requests for the parameter alice\\uFFFD that reached the application, limit 3")
                    .hasSize(3);
        } finally {
            server.stop();
        }
    }

    /** F1, for an application reading the part's bytes as UTF-8 (Spring Boot's {@code @RequestPart String}). */
    @Test
    void onJettyInvalidBytesAreNotANewKeyPerByteForOnePartReading() throws Exception {
        Server server = MultipartJetty.start(filter(loginLimit()), new PartReader("username"));
        try {
            List<String> let = new ArrayList<>();
            for (int invalid : INVALID) {
                String answer = MultipartJetty.post(
                        MultipartJetty.port(server), "/login", MultipartJetty.FORM, form(null, with("alice", invalid)));
                if (answer.startsWith("HTTP/1.1 200") && answer.endsWith("username=alice\uFFFD")) {
                    let.add(Integer.toHexString(invalid));
                }
            }
            assertThat(let)
                    .as("requests for the part alice\\uFFFD that reached the application, limit 3")
                    .hasSize(3);
        } finally {
            server.stop();
        }
    }

    /**
     * F2: Tomcat without a request encoding reads a part as ISO-8859-1 whatever it declares: {@code jos\u00e9} in
     * ISO-8859-1 (a Latin-1 page's form) is {@code jos\u00e9} to getParameter. Undeclared, the key is the same
     * ISO-8859-1 reading; with {@code Content-Type: text/plain; charset=UTF-8} on the part the key is the UTF-8
     * reading {@code jos\uFFFD}: two keys, six guesses where three are due.
     */
    @Test
    void onTomcatADeclaredUtf8CharsetIsNotASecondKeyForOneParameterValue() throws Exception {
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
        definition.setFilter(filter(loginLimit()));
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
            byte[] jose = "jos\u00e9".getBytes(StandardCharsets.ISO_8859_1);
            List<String> let = new ArrayList<>();
            for (String partType : new String[] {null, "text/plain; charset=UTF-8"}) {
                for (int i = 0; i < 3; i++) {
                    String answer = MultipartJetty.post(
                            connector.getLocalPort(), "/login", MultipartJetty.FORM, form(partType, jose));
                    if (answer.startsWith("HTTP/1.1 200") && answer.endsWith("username=jos\u00e9")) {
                        let.add(String.valueOf(partType));
                    }
                }
            }
            // ISO-8859-1 bytes that are no UTF-8, read so by Tomcat and otherwise by a UTF-8 reader: refused as
            // ambiguous where a key reads the field (review154 F1, a known limit for ISO-8859-1 forms), never more
            assertThat(let)
                    .as("guesses at jos\u00e9's password that reached the application, limit 3")
                    .hasSizeLessThanOrEqualTo(3);
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
