package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * probe85f: clone proxies and browser-dressed bots against the demo's {@code @RequireOrigin} route, the cross-site
 * check, client signals and the IP lists, over raw HTTP so that Host, duplicates, case and version are ours.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            Operator.NAME,
            Operator.PASSWORD,
            Operator.ROLES,
            "abuse-guard.ip-lists.deny=127.0.85.66/32",
            "abuse-guard.ip-lists.allow=127.0.85.67"
        })
class Probe85fBrowserLikeHeadersTest {
    private static final String BODY = "{\"email\":\"ann@example.com\",\"image\":\"aGVsbG8=\"}";
    private static final String CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
    private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0";
    private static final String SAFARI15 =
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Safari/605.1.15";

    @LocalServerPort
    int port;

    record Answer(int status, String head, String body) {}

    private static int next = 10;

    private static synchronized String source() {
        return "127.0.85." + (next++);
    }

    /** One raw request, its head written as given (CRLF added per line), from a loopback source of its own. */
    private Answer raw(String source, String connectTo, String requestLine, String body, String... lines)
            throws Exception {
        StringBuilder head = new StringBuilder(requestLine).append("\r\n");
        for (String line : lines) {
            head.append(line).append("\r\n");
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket()) {
            if (source != null) {
                socket.bind(new InetSocketAddress(source, 0));
            }
            socket.connect(new InetSocketAddress(connectTo, port), 10_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            String text = response.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            return new Answer(
                    Integer.parseInt(text.substring(9, 12)), text.substring(0, split), text.substring(split + 4));
        }
    }

    private Answer post(String source, String... lines) throws Exception {
        String[] all = new String[lines.length + 1];
        all[0] = "Content-Type: application/json";
        System.arraycopy(lines, 0, all, 1, lines.length);
        return raw(source, "127.0.0.1", "POST /api/transform HTTP/1.1", BODY, all);
    }

    private String host() {
        return "Host: 127.0.0.1:" + port;
    }

    private String own() {
        return "http://127.0.0.1:" + port;
    }

    // ---- real browsers are never refused ----

    @Test
    void chromeSameOriginFetchPasses() throws Exception {
        Answer a = post(
                source(),
                host(),
                "User-Agent: " + CHROME,
                "Accept: */*",
                "Accept-Language: en-US,en;q=0.9",
                "Accept-Encoding: gzip, deflate, br, zstd",
                "Origin: " + own(),
                "Referer: " + own() + "/",
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: cors",
                "Sec-Fetch-Dest: empty",
                "sec-ch-ua: \"Chromium\";v=\"130\", \"Google Chrome\";v=\"130\", \"Not?A_Brand\";v=\"99\"",
                "sec-ch-ua-mobile: ?0",
                "sec-ch-ua-platform: \"Linux\"");
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }

    @Test
    void firefoxSameOriginFetchPasses() throws Exception {
        Answer a = post(
                source(),
                host(),
                "User-Agent: " + FIREFOX,
                "Accept: */*",
                "Accept-Language: en-US,en;q=0.5",
                "Origin: " + own(),
                "Referer: " + own() + "/",
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: cors",
                "Sec-Fetch-Dest: empty",
                "Priority: u=4",
                "TE: trailers");
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }

    @Test
    void safariWithoutFetchMetadataPasses() throws Exception {
        Answer a = post(
                source(),
                host(),
                "User-Agent: " + SAFARI15,
                "Accept: */*",
                "Accept-Language: en-GB",
                "Origin: " + own(),
                "Referer: " + own() + "/");
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }

    @Test
    void pageUnderNoReferrerPostsWithOriginNullAndPasses() throws Exception {
        // a form-like no-cors post from the site's own page under Referrer-Policy: no-referrer
        Answer a = post(
                source(),
                host(),
                "User-Agent: " + CHROME,
                "Accept-Language: en",
                "Origin: null",
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: navigate",
                "Sec-Fetch-Dest: document");
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }

    @Test
    void navigationFromASearchEnginePasses() throws Exception {
        Answer a = raw(
                source(),
                "127.0.0.1",
                "GET / HTTP/1.1",
                null,
                host(),
                "User-Agent: " + CHROME,
                "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "Accept-Language: en",
                "Referer: https://www.google.com/",
                "Sec-Fetch-Site: cross-site",
                "Sec-Fetch-Mode: navigate",
                "Sec-Fetch-Dest: document",
                "Sec-Fetch-User: ?1",
                "Upgrade-Insecure-Requests: 1");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }

    @Test
    void browserOnATrailingDotHostPasses() throws Exception {
        Answer a = post(
                source(),
                "Host: localhost.:" + port,
                "User-Agent: " + CHROME,
                "Accept-Language: en",
                "Origin: http://localhost.:" + port,
                "Referer: http://localhost.:" + port + "/",
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: cors",
                "Sec-Fetch-Dest: empty");
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }

    @Test
    void browserOnIpv6LoopbackPasses() throws Exception {
        Answer a = raw(
                null,
                "::1",
                "POST /api/transform HTTP/1.1",
                BODY,
                "Content-Type: application/json",
                "Host: [::1]:" + port,
                "User-Agent: " + CHROME,
                "Accept-Language: en",
                "Origin: http://[::1]:" + port,
                "Referer: http://[::1]:" + port + "/",
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: cors",
                "Sec-Fetch-Dest: empty");
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }

    @Test
    void browserOnAPunycodeHostPasses() throws Exception {
        String h = "xn--bcher-kva.localhost:" + port;
        Answer a = post(
                source(),
                "Host: " + h,
                "User-Agent: " + CHROME,
                "Accept-Language: en",
                "Origin: http://" + h,
                "Referer: http://" + h + "/",
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: cors",
                "Sec-Fetch-Dest: empty");
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }

    @Test
    void browserWithALongRefererPasses() throws Exception {
        // Chrome and Firefox send up to 4,096 characters of Referer
        String referer = own() + "/?q=" + "a".repeat(4000);
        Answer a = post(
                source(),
                host(),
                "User-Agent: " + CHROME,
                "Accept-Language: en",
                "Origin: " + own(),
                "Referer: " + referer,
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: cors",
                "Sec-Fetch-Dest: empty");
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }

    // ---- attacker moves ----

    @Test
    void cloneRelayRewritingHostKeepingItsOriginIsRefused() throws Exception {
        Answer a = post(
                source(),
                host(),
                "User-Agent: " + CHROME,
                "Accept-Language: en",
                "Origin: https://cartoonify-free.example",
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: cors",
                "Sec-Fetch-Dest: empty");
        assertThat(a.status()).as(a.body()).isEqualTo(403);
    }

    @Test
    void duplicatedOriginsAreRefused() throws Exception {
        Answer a = post(
                source(),
                host(),
                "User-Agent: " + CHROME,
                "Accept-Language: en",
                "Origin: " + own(),
                "origin: https://cartoonify-free.example",
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: cors");
        assertThat(a.status()).as(a.body()).isEqualTo(403);
        Answer b = post(
                source(),
                host(),
                "User-Agent: " + CHROME,
                "Accept-Language: en",
                "Origin: https://cartoonify-free.example",
                "Origin: " + own(),
                "Sec-Fetch-Site: cross-site",
                "Sec-Fetch-Mode: cors");
        assertThat(b.status()).as(b.body()).isEqualTo(403);
    }

    @Test
    void duplicatedSecFetchSiteCrossSiteFirstIsRefused() throws Exception {
        Answer a = post(
                source(),
                host(),
                "User-Agent: " + CHROME,
                "Accept-Language: en",
                "Origin: https://cartoonify-free.example",
                "Sec-Fetch-Site: cross-site",
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: cors");
        assertThat(a.status()).as(a.body()).isEqualTo(403);
        Answer b = post(
                source(),
                host(),
                "User-Agent: " + CHROME,
                "Accept-Language: en",
                "Origin: https://cartoonify-free.example",
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Site: cross-site",
                "Sec-Fetch-Mode: cors");
        assertThat(b.status()).as(b.body()).isEqualTo(403);
    }

    @Test
    void oddCaseAndWhitespaceOfACloneOriginAreRefused() throws Exception {
        for (String origin : new String[] {
            "\tHTTPS://Cartoonify-Free.Example\t",
            "https://cartoonify-free.example.",
            "https://cartoonify-free.example:443"
        }) {
            Answer a = post(
                    source(),
                    host(),
                    "User-Agent: " + CHROME,
                    "Accept-Language: en",
                    "oRiGiN: " + origin,
                    "sec-fetch-site:   Cross-Site  ",
                    "Sec-Fetch-Mode: cors");
            assertThat(a.status()).as(origin + a.body()).isEqualTo(403);
        }
    }

    @Test
    void cloneRelayOnOriginNullThroughCloudFrontIsRefused() throws Exception {
        Answer a = post(
                source(),
                host(),
                "User-Agent: " + CHROME,
                "Accept-Language: en",
                "Origin: null",
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: navigate",
                "Sec-Fetch-Dest: document",
                "Via: 1.1 0a1b2c3d.cloudfront.net (CloudFront)",
                "X-Amz-Cf-Id: x7Jb0B3Pzw3nJ0Fh-abc==");
        assertThat(a.status()).as(a.body()).isEqualTo(403);
    }

    @Test
    void http10WithoutHostFromACloneIsRefusedNot500() throws Exception {
        Answer a = raw(
                source(),
                "127.0.0.1",
                "POST /api/transform HTTP/1.0",
                BODY,
                "Content-Type: application/json",
                "User-Agent: " + CHROME,
                "Origin: https://cartoonify-free.example",
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: cors");
        assertThat(a.status()).as(a.body()).isEqualTo(403);
    }

    @Test
    void hostWithTrailingDotOrUpperCaseDoesNotMakeACloneOriginOwn() throws Exception {
        for (String h : new String[] {"Host: cartoonify-free.example.", "Host: CARTOONIFY-FREE.EXAMPLE:443"}) {
            Answer a = post(
                    source(),
                    h,
                    "User-Agent: " + CHROME,
                    "Accept-Language: en",
                    "Origin: https://cartoonify-free.example",
                    "Sec-Fetch-Site: cross-site",
                    "Sec-Fetch-Mode: cors");
            assertThat(a.status()).as(h + a.body()).isEqualTo(403);
        }
    }

    @Test
    void toolUserAgentInASecondLineIsNotRead() throws Exception {
        // informational (O1): only the first User-Agent field is read; a client chooses its user agent anyway
        // (README Security model: "a tool that copies a browser's headers exactly")
        Answer a = post(
                source(),
                host(),
                "User-Agent: " + CHROME,
                "User-Agent: sqlmap/1.7.2#stable (https://sqlmap.org)",
                "Accept-Language: en",
                "Origin: " + own(),
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: cors");
        assertThat(a.status())
                .as("the attack tool's own user agent line: " + a.body())
                .isEqualTo(202);
    }

    @Test
    void toolUserAgentPastTheBoundIsNotRead() throws Exception {
        // informational: README Bounds, "user agent examined: first 512 characters"
        Answer a = post(
                source(),
                host(),
                "User-Agent: " + CHROME + " ".repeat(520) + "sqlmap/1.7.2",
                "Accept-Language: en",
                "Origin: " + own(),
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: cors");
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }

    @Test
    void originBeyondBoundsIsRefusedNot500() throws Exception {
        Answer a = post(
                source(),
                host(),
                "User-Agent: " + CHROME,
                "Accept-Language: en",
                "Origin: " + own() + "0".repeat(3000),
                "Sec-Fetch-Site: same-origin",
                "Sec-Fetch-Mode: cors");
        assertThat(a.status()).as(a.body()).isEqualTo(403);
    }

    @Test
    void deniedAddressStaysDeniedWhateverItForwards() throws Exception {
        Answer a = raw(
                "127.0.85.66",
                "127.0.0.1",
                "GET / HTTP/1.1",
                null,
                host(),
                "User-Agent: " + CHROME,
                "X-Forwarded-For: 127.0.85.67",
                "Forwarded: for=127.0.85.67",
                "X-Real-IP: 127.0.85.67");
        assertThat(a.status()).as(a.body()).isEqualTo(403);
        Answer b = raw("127.0.85.66", "127.0.0.1", "GET / HTTP/1.0", null, "User-Agent: " + CHROME);
        assertThat(b.status()).as(b.body()).isEqualTo(403);
    }

    @Test
    void allowListIsNotClaimedThroughForwardingHeaders() throws Exception {
        String src = source();
        // a tool at a plain address naming the allowed address: still weighed as itself (sqlmap scores 100)
        Answer a = raw(
                src,
                "127.0.0.1",
                "GET / HTTP/1.1",
                null,
                host(),
                "User-Agent: sqlmap/1.7.2",
                "X-Forwarded-For: 127.0.85.67",
                "X-Real-IP: 127.0.85.67",
                "Forwarded: for=\"127.0.85.67\"");
        assertThat(a.status()).as(a.body()).isEqualTo(403);
    }

    @Test
    void anAllowListedAddressIsStillRefusedCrossSiteByFetchMetadata() throws Exception {
        // an office address on ip-lists.allow: another site's page its users visit must not write with their session;
        // the engine's cross-site check runs before any guard (probe85f F1: without Fetch Metadata, Safari before 16.4,
        // the origin guard is skipped for an allowed address with every other guard, as README says)
        Answer a = raw(
                "127.0.85.67",
                "127.0.0.1",
                "POST /api/transform HTTP/1.1",
                BODY,
                "Content-Type: application/json",
                host(),
                "User-Agent: " + CHROME,
                "Accept-Language: en",
                "Origin: https://cartoonify-free.example",
                "Sec-Fetch-Site: cross-site",
                "Sec-Fetch-Mode: cors",
                "Sec-Fetch-Dest: empty");
        assertThat(a.status())
                .as("Fetch Metadata: the engine's cross-site check still refuses " + a.body())
                .isEqualTo(403);
    }

    @Test
    void ipv6ClientIsNotCaughtByAnIpv4Deny() throws Exception {
        // the deny list holds an IPv4 block only: a browser on ::1 is not caught by it
        Answer a = raw(
                null,
                "::1",
                "GET / HTTP/1.1",
                null,
                "Host: [::1]:" + port,
                "User-Agent: " + CHROME,
                "Accept-Language: en");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }
}
