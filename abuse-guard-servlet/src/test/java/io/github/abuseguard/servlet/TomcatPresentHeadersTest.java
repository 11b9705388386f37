package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.RouteTable;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.internal.HeaderNames;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.LifecycleException;
import org.apache.coyote.http2.Http2Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a real Tomcat, which of a set of headers a request carries is answered in one pass over its header
 * lines, exactly as one {@code getHeader} per name would answer, and without decoding a header.
 */
class TomcatPresentHeadersTest {
    /** The client-signals guard's kind of set: names of equal lengths, one sharing its length with Accept-Language. */
    private static final HeaderNames SIGNALS = HeaderNames.of(
            "Via",
            "X-Amz-Cf-Id",
            "CloudFront-Viewer-Address",
            "CloudFront-Viewer-Country",
            "X-Forwarded-For",
            "Forwarded",
            "X-Real-IP");

    private TestTomcat tomcat;

    @BeforeEach
    void start() throws Exception {
        tomcat = new TestTomcat();
        tomcat.connector().addUpgradeProtocol(new Http2Protocol());
        tomcat.servlet("app", "/*", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                ServletGuardRequest adapted = new ServletGuardRequest(
                        request,
                        new ServletGuardRequest.Options(ClientResolver.peerOnly(), RouteTable.empty(), 1024, true));
                com.sun.management.ThreadMXBean threads =
                        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long before = threads.getCurrentThreadAllocatedBytes();
                long onePass = adapted.presentHeaders(SIGNALS); // first: Tomcat holds every header as bytes
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                long asked = SIGNALS.lookedUpIn(adapted);
                String body = TomcatHeaders.reads(request) + "|" + request.getProtocol() + "|"
                        + Long.toBinaryString(onePass) + "|" + Long.toBinaryString(asked) + "|" + allocated;
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

    /** Whether Tomcat's pass was taken, the protocol, the pass's answer and the per-name answer, by {@code |}. */
    private String present(String... headerLines) throws IOException {
        String answer = send(headerLines);
        return answer.substring(0, answer.lastIndexOf('|'));
    }

    /** Sends the header lines as written, on a connection of its own; the servlet's answer, bytes allocated last. */
    private String send(String... headerLines) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", tomcat.port())) {
            StringBuilder head = new StringBuilder("GET /x HTTP/1.1\r\n");
            head.append("Host: 127.0.0.1\r\nConnection: close\r\n");
            for (String line : headerLines) {
                head.append(line).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            String response = answer.toString(StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200");
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    @Test
    void aBrowserRequestCarriesNoSignal() throws Exception {
        assertThat(present(
                        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0",
                        "Accept: application/json",
                        "Accept-Language: en-GB,en;q=0.9",
                        "Accept-Encoding: gzip",
                        "Sec-Fetch-Site: same-origin"))
                .isEqualTo("true|HTTP/1.1|0|0");
    }

    @Test
    void signalsAreFoundWhateverTheirCaseAndAnEmptyValueCounts() throws Exception {
        assertThat(present("VIA: 1.1 proxy", "x-forwarded-for: 198.51.100.1", "X-Real-Ip:"))
                .isEqualTo("true|HTTP/1.1|1010001|1010001");
    }

    @Test
    void aRepeatedSignalCountsOnceAndOthersAreStillFound() throws Exception {
        assertThat(present(
                        "Via: 1.1 a",
                        "Via: 1.1 b",
                        "CloudFront-Viewer-Country: CH",
                        "X-Amz-Cf-Id: abc",
                        "CloudFront-Viewer-Address: 198.51.100.1:443"))
                .isEqualTo("true|HTTP/1.1|1111|1111");
    }

    @Test
    void namesOfASignalsLengthOrPrefixAreNotSignals() throws Exception {
        assertThat(present(
                        "Vic: x",
                        "X-Forwarded-Fox: x",
                        "Accept-Language: en",
                        "Forwarded-By: x",
                        "X-Real-IPs: x",
                        "CloudFront-Viewer-Addresses: x"))
                .isEqualTo("true|HTTP/1.1|0|0");
    }

    @Test
    void aSignalBehindManyPaddingLinesIsStillFound() throws Exception {
        String[] lines = new String[91]; // Tomcat's default limit is 100 lines, Host and Connection included
        for (int i = 0; i < 90; i++) {
            lines[i] = "X-Padding-" + i + ": x";
        }
        lines[90] = "Forwarded: for=198.51.100.1";
        assertThat(present(lines)).isEqualTo("true|HTTP/1.1|100000|100000");
    }

    @Test
    void presentSignalsAreFoundWithoutDecodingAHeader() throws Exception {
        // one getHeader per name decodes each present value into a new string; the pass compares bytes
        String answer = null;
        for (int i = 0; i < 20; i++) { // the first requests link the handles
            answer = send("Via: 1.1 proxy", "X-Forwarded-For: 198.51.100.1", "User-Agent: agent/1.0");
        }
        assertThat(answer).isEqualTo("true|HTTP/1.1|10001|10001|0");
    }

    @Test
    void headersOfAnHttp2StreamAreFoundAsWell() throws Exception {
        // over HTTP/2 Tomcat holds the names as strings (HPACK decodes them), not as bytes
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpRequest request = HttpRequest.newBuilder(tomcat.uri("/x"))
                .header("Via", "1.1 proxy")
                .header("X-Real-IP", "198.51.100.1")
                .build();
        client.send(request, HttpResponse.BodyHandlers.ofString()); // the h2c upgrade
        String answer =
                client.send(request, HttpResponse.BodyHandlers.ofString()).body();
        assertThat(answer.substring(0, answer.lastIndexOf('|'))).isEqualTo("true|HTTP/2.0|1000001|1000001");
    }
}
