package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.RateLimit;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * probe26 F3 on a real Tomcat: a multipart body sent to a JSON-only route whose rule reads a body field.
 * The guard parsed every part (Tomcat writing each to disk) to find the user name and refused or passed
 * it after the whole parse, and Spring Boot's eager multipart resolver parses it again before it finds
 * that the handler consumes JSON only. Now the guard asks Spring MVC's handler mappings first: the
 * handler does not take it, so nothing reads the body and the guard answers 415 at once; the handler
 * never runs. A route that takes multipart still has its parts judged.
 */
@SpringBootTest(
        classes = MultipartConsumesOnServerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MultipartConsumesOnServerTest {
    private static final String MULTIPART = "multipart/form-data; boundary=xyz";
    private static final AtomicInteger LOGINS = new AtomicInteger();
    private static final AtomicInteger UPLOADS = new AtomicInteger();
    /** Reads of the body, its parts or its parameters by anything before the guard's answer. */
    private static final AtomicInteger BODY_READS = new AtomicInteger();

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void reset() {
        LOGINS.set(0);
        UPLOADS.set(0);
        BODY_READS.set(0);
    }

    @Test
    void aMultipartBodyToAJsonOnlyHandlerIsRefused415WithoutBeingReadAndTheHandlerNeverRuns() throws Exception {
        String body = textPart("username", "ann") + textPart("pad", "x".repeat(8 * 1024)) + "--xyz--\r\n";
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = send("/login", MULTIPART, body);

            assertThat(BODY_READS)
                    .as("reads of the body, its parts or parameters")
                    .hasValue(0);
            assertThat(response.statusCode()).isEqualTo(415);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.body())
                    .contains("\"reason\":\"unreadable-body:unsupported\"")
                    .contains("\"type\":\"about:blank\",\"title\":\"Unsupported Media Type\"");
        }
        assertThat(LOGINS).as("handler runs").hasValue(0);

        HttpResponse<String> json = send("/login", "application/json", "{\"username\":\"ann\"}");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.body()).isEqualTo("hello ann");
        assertThat(LOGINS).hasValue(1);
    }

    @Test
    void aChunkedMultipartBodyIsRefusedByItsBoundBeforeAnyMappingIsAsked() throws Exception {
        byte[] body = (textPart("username", "ann") + textPart("pad", "x".repeat(256 * 1024)) + "--xyz--\r\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                        .header("Content-Type", MULTIPART)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode())
                .as("a body of unknown length: 411, send its length (413 before probe52b F6)")
                .isEqualTo(411);
        assertThat(response.body()).contains("\"reason\":\"unreadable-body:length-required\"");
        assertThat(BODY_READS).as("reads of the body, its parts or parameters").hasValue(0);
        assertThat(LOGINS).as("handler runs").hasValue(0);
    }

    @Test
    void aRouteThatTakesMultipartStillHasItsFieldJudged() throws Exception {
        String body = textPart("username", "bob") + "--xyz--\r\n";

        HttpResponse<String> first = send("/upload", MULTIPART, body);
        HttpResponse<String> second = send("/upload", MULTIPART, body);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("got bob");
        assertThat(second.statusCode())
                .as("bob's second upload, over the rule of 1")
                .isEqualTo(429);
        assertThat(UPLOADS).hasValue(1);
    }

    private static String textPart(String name, String value) {
        return "--xyz\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    private HttpResponse<String> send(String path, String contentType, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Handlers.class)
    static class App {

        /** Before every other filter: counts what reads the body until the application's handler. */
        @Bean
        FilterRegistrationBean<Filter> bodyReadCounting() {
            FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(
                    (request, response, chain) -> chain.doFilter(new Counting((HttpServletRequest) request), response));
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
            return registration;
        }
    }

    @RestController
    static class Handlers {
        record Credentials(String username) {}

        @RateLimit(name = "login", capacity = 100, period = "1m", key = "body:/username")
        @PostMapping(path = "/login", consumes = MediaType.APPLICATION_JSON_VALUE)
        String login(@RequestBody Credentials credentials) {
            LOGINS.incrementAndGet();
            return "hello " + credentials.username();
        }

        /**
         * A mapping with a {@code params} condition, anywhere in the application: Spring tests it before the
         * route's {@code consumes}, and asking for a parameter makes the container parse a multipart body
         * (review16 F3: 9 MB read to answer a 415).
         */
        @PostMapping(path = "/search", params = "q")
        String search(@RequestParam String q) {
            return "found " + q;
        }

        @RateLimit(name = "upload", capacity = 1, period = "1m", key = "body:/username")
        @PostMapping(path = "/upload", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
        String upload(@RequestParam String username) {
            UPLOADS.incrementAndGet();
            return "got " + username;
        }
    }

    /** Counts every read of the body, its parts or its parameters until the handler runs. */
    static final class Counting extends HttpServletRequestWrapper {
        Counting(HttpServletRequest request) {
            super(request);
        }

        private static void read() {
            if (LOGINS.get() == 0 && UPLOADS.get() == 0) {
                BODY_READS.incrementAndGet();
            }
        }

        @Override
        public Collection<Part> getParts() throws IOException, ServletException {
            read();
            return super.getParts();
        }

        @Override
        public Part getPart(String name) throws IOException, ServletException {
            read();
            return super.getPart(name);
        }

        @Override
        public String getParameter(String name) {
            read();
            return super.getParameter(name);
        }

        @Override
        public String[] getParameterValues(String name) {
            read();
            return super.getParameterValues(name);
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            read();
            return super.getParameterMap();
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            read();
            return super.getInputStream();
        }

        @Override
        public BufferedReader getReader() throws IOException {
            read();
            return super.getReader();
        }
    }
}
