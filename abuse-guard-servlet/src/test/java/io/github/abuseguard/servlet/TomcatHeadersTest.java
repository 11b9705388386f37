package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.catalina.LifecycleException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a real Tomcat a header read by a guard is always the value {@code getHeader} gives, whether its
 * string was kept from an earlier request or not, and the application still reads the same value.
 */
class TomcatHeadersTest {
    /** A header whose values are kept: one the JDK client does not send by itself. */
    private static final String CLIENT = "Accept-Language";

    private TestTomcat tomcat;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        tomcat = new TestTomcat().servlet("app", "/*", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                HttpServletRequest asked =
                        "wrapped".equals(request.getQueryString()) ? new HttpServletRequestWrapper(request) : request;
                boolean tomcat = TomcatHeaders.reads(asked);
                String name = request.getParameter("name") == null ? CLIENT : request.getParameter("name");
                String guardSaw = tomcat ? TomcatHeaders.header(asked, name) : asked.getHeader(name);
                String absent = tomcat ? TomcatHeaders.header(asked, "Accept") : asked.getHeader("Accept");
                String body = tomcat + "|" + guardSaw + "|" + request.getHeader(name) + "|" + absent + "|"
                        + TomcatHeaders.holds(guardSaw);
                response.setContentType("text/plain;charset=UTF-8");
                response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            }
        });
        tomcat.start();
    }

    @AfterEach
    void stop() throws LifecycleException {
        tomcat.close();
    }

    /** What the guard read, what the application read, the absent {@code Accept}, separated by {@code |}. */
    private String get(String query, String... clientValues) throws IOException, InterruptedException {
        String answer = send(query, CLIENT, clientValues);
        return answer.substring(0, answer.lastIndexOf('|'));
    }

    private String send(String query, String header, String... values) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(tomcat.uri("/x" + (query == null ? "" : "?" + query)));
        for (String value : values) {
            request.header(header, value);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void onlyBrowserSignalsAreKeptNeverASecret() throws Exception {
        assertThat(TomcatHeaders.kept("user-agent")).isTrue();
        assertThat(TomcatHeaders.kept("Sec-Fetch-Site")).isTrue();
        assertThat(TomcatHeaders.kept("sec-ch-ua-platform")).isTrue();
        assertThat(TomcatHeaders.kept("ACCEPT")).isTrue();
        assertThat(TomcatHeaders.kept("accept-language")).isTrue();
        assertThat(TomcatHeaders.kept("Accept-Encoding")).isTrue();
        assertThat(TomcatHeaders.kept("origin")).isTrue();
        assertThat(TomcatHeaders.kept("Accept-Charset")).isFalse();
        assertThat(TomcatHeaders.kept("Origin-Token")).isFalse();
        assertThat(TomcatHeaders.kept("User-Agent-Token")).isFalse();
        assertThat(TomcatHeaders.kept("Sec-Token")).isFalse();
        assertThat(TomcatHeaders.kept("")).isFalse();
        assertThat(TomcatHeaders.kept("Authorization")).isFalse();
        assertThat(TomcatHeaders.kept("Cookie")).isFalse();
        assertThat(TomcatHeaders.kept("X-Api-Key")).isFalse();
        assertThat(TomcatHeaders.kept("Referer")).isFalse();

        for (int i = 0; i < 2; i++) {
            assertThat(send("name=Authorization", "Authorization", "Bearer s3cret-token"))
                    .as("read right, and not kept past the request")
                    .isEqualTo("true|Bearer s3cret-token|Bearer s3cret-token|null|false");
            assertThat(send("name=X-Api-Key", "X-Api-Key", "key-0123456789"))
                    .isEqualTo("true|key-0123456789|key-0123456789|null|false");
        }
        assertThat(send(null, CLIENT, "de-CH,de;q=0.9"))
                .as("a browser signal is kept")
                .isEqualTo("true|de-CH,de;q=0.9|de-CH,de;q=0.9|null|true");
    }

    /** Tomcat's hash of a header value's bytes, as its {@code ByteChunk} computes it. */
    private static int slot(String ascii) {
        int code = 0;
        for (byte b : ascii.getBytes(StandardCharsets.US_ASCII)) {
            code = code * 37 + b;
        }
        return code & (TomcatHeaders.SLOTS - 1);
    }

    @Test
    void aRepeatedValueIsReadAsTheSameValueEveryTime() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(get(null, "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"))
                    .isEqualTo(
                            "true|Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0|Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0|null");
        }
    }

    @Test
    void valuesSharingASlotNeverAnswerForEachOther() throws Exception {
        String first = "client-0";
        List<String> sameSlot = new ArrayList<>(List.of(first));
        for (int i = 1; sameSlot.size() < 3; i++) {
            if (slot("client-" + i) == slot(first)) {
                sameSlot.add("client-" + i);
            }
        }
        for (int round = 0; round < 3; round++) {
            for (String value : sameSlot) {
                assertThat(get(null, value)).isEqualTo("true|" + value + "|" + value + "|null");
            }
        }
    }

    @Test
    void aValueDiffersFromAKeptOneInOneCharacterOrInLength() throws Exception {
        assertThat(get(null, "agent/1.0")).isEqualTo("true|agent/1.0|agent/1.0|null");
        assertThat(get(null, "agent/1.1")).isEqualTo("true|agent/1.1|agent/1.1|null");
        assertThat(get(null, "agent/1.0 "))
                .isEqualTo("true|agent/1.0|agent/1.0|null"); // trailing space is not part of a field value
        assertThat(get(null, "agent/1.00")).isEqualTo("true|agent/1.00|agent/1.00|null");
        assertThat(get(null, "agent/1.0")).isEqualTo("true|agent/1.0|agent/1.0|null");
    }

    @Test
    void theFirstOfRepeatedLinesIsRead() throws Exception {
        assertThat(get(null, "one", "two")).isEqualTo("true|one|one|null");
        assertThat(get(null, "two", "one")).isEqualTo("true|two|two|null");
    }

    @Test
    void aWrappedRequestIsReadThroughGetHeader() throws Exception {
        assertThat(get("wrapped", "agent/2.0")).isEqualTo("false|agent/2.0|agent/2.0|null");
    }
}
