package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.abuseguard.BodyField;
import io.github.abuseguard.RouteTable;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.internal.HeaderNames;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServletGuardRequestTest {

    private static final HeaderNames SIGNALS = HeaderNames.of("Via", "X-Amz-Cf-Id", "X-Forwarded-For");

    /** A servlet request carrying these headers, looked up ignoring case as containers do. */
    private static ServletGuardRequest adapt(Map<String, String> headers) {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getHeaderNames()).thenAnswer(call -> Collections.enumeration(headers.keySet()));
        when(request.getHeader(anyString()))
                .thenAnswer(call -> headers.entrySet().stream()
                        .filter(header -> header.getKey().equalsIgnoreCase(call.getArgument(0)))
                        .map(Map.Entry::getValue)
                        .findFirst()
                        .orElse(null));
        return new ServletGuardRequest(
                request, new ServletGuardRequest.Options(ClientResolver.peerOnly(), RouteTable.empty(), 1024, true));
    }

    /**
     * Whether the application takes a multipart body is asked of it (in the starter: Spring MVC's handler
     * mappings, walked again on each question) once per request, not once per field a guard reads.
     */
    @Test
    void theApplicationIsAskedOncePerRequestWhetherItTakesAMultipartBodyHoweverManyFieldsAreRead() {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getHeader("Content-Type")).thenReturn("multipart/form-data; boundary=b0undary");
        when(request.getContentLengthLong()).thenReturn(200L);
        AtomicInteger asked = new AtomicInteger();
        ServletGuardRequest adapted = new ServletGuardRequest(
                request,
                new ServletGuardRequest.Options(
                        ClientResolver.peerOnly(),
                        RouteTable.empty(),
                        1024,
                        true,
                        taken -> {
                            asked.incrementAndGet();
                            return false;
                        },
                        new ClientShares(BodySettings.DEFAULT_MAX_CONCURRENT_READS_PER_CLIENT)));

        assertThat(List.of(
                        adapted.bodyField("/email"),
                        adapted.bodyField("/username"),
                        adapted.parameterField("address"),
                        adapted.parameterField("plan")))
                .extracting(BodyField::unreadableReason)
                .containsOnly(BodyField.Unreadable.UNSUPPORTED);
        assertThat(asked).as("times the application was asked").hasValue(1);
    }

    /**
     * A same-origin read's {@code Referer} is compared with the request's origin in place: exactly as
     * {@code targetOrigin()} would compare, for every scheme, host and port and every near miss.
     */
    @Test
    void aPageOfTheTargetOriginIsRecognisedInPlaceExactlyAsItsOriginTextWould() {
        String[][] servers = {
            {"http", "shop.example", "80"}, {"https", "shop.example", "443"}, {"http", "shop.example", "8080"},
            {"https", "shop.example", "8443"}, {"http", "127.0.0.1", "9"}, {"http", "[::1]", "0"}
        };
        String[] tails = {
            "",
            "/",
            "/a/b?c#d",
            "?q",
            "#f",
            ":",
            ":80",
            ":443",
            ":8080",
            ":08080",
            ":8080/x",
            ":80800",
            ":8443/p",
            ":9",
            ":90",
            ":09/",
            ".clone.example/",
            "@evil.example/",
            "x/",
            "/../"
        };
        String[] heads = {"http://", "https://", "HTTP://", "http:/", "http:///", "ftp://"};
        String[] hosts = {"shop.example", "SHOP.example", "shop.exampl", "127.0.0.1", "[::1]", "evil.example"};
        int pages = 0;
        for (String[] server : servers) {
            HttpServletRequest request = mock(HttpServletRequest.class);
            when(request.getScheme()).thenReturn(server[0]);
            when(request.getServerName()).thenReturn(server[1]);
            when(request.getServerPort()).thenReturn(Integer.parseInt(server[2]));
            ServletGuardRequest adapted = new ServletGuardRequest(
                    request,
                    new ServletGuardRequest.Options(ClientResolver.peerOnly(), RouteTable.empty(), 1024, true));
            String origin = adapted.targetOrigin();
            for (String head : heads) {
                for (String host : hosts) {
                    for (String tail : tails) {
                        String url = head + host + tail;
                        int end = origin.length();
                        boolean expected =
                                url.startsWith(origin) && (url.length() == end || "/?#".indexOf(url.charAt(end)) >= 0);
                        assertThat(adapted.isTargetOriginPage(url))
                                .as(url + " on " + origin)
                                .isEqualTo(expected);
                        pages += expected ? 1 : 0;
                    }
                }
            }
        }
        assertThat(pages)
                .as("the table holds pages of every origin, not only near misses")
                .isGreaterThan(20);
    }

    @Test
    void presentHeadersAreFoundWhateverTheirCase() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", "Mozilla/5.0");
        headers.put("x-forwarded-for", "198.51.100.1");
        headers.put("VIA", "1.1 proxy");

        assertThat(adapt(headers).presentHeaders(SIGNALS)).isEqualTo(0b101);
    }

    @Test
    void headerNamesAreNeverEnumeratedBecauseContainersDecodeEveryNameToDoSo() {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getHeader(anyString()))
                .thenAnswer(call -> "Via".equalsIgnoreCase(call.getArgument(0)) ? "1.1 proxy" : null);
        ServletGuardRequest adapted = new ServletGuardRequest(
                request, new ServletGuardRequest.Options(ClientResolver.peerOnly(), RouteTable.empty(), 1024, true));

        assertThat(adapted.presentHeaders(SIGNALS)).isEqualTo(0b001);
        verify(request, never()).getHeaderNames();
    }

    @Test
    void aHeaderBehindManyPaddingHeadersIsStillFound() {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < 256; i++) {
            headers.put("X-Padding-" + i, "x");
        }
        headers.put("X-Amz-Cf-Id", "abc");

        assertThat(adapt(headers).presentHeaders(SIGNALS)).isEqualTo(0b010);
    }

    @Test
    void aDeclaredLengthCostsNoMemoryUntilTheBytesArrive() throws Exception {
        long allocated = 0;
        for (int round = 0; round < 5; round++) { // the first rounds load classes and warm Mockito up
            allocated = allocatedToReadABodyThatDeclares(1024L * 1024, "{\"email\":\"a@b.example\"}");
        }
        assertThat(allocated)
                .as("a client that declares 1 MiB and sends 23 bytes makes the filter hold no 1 MiB buffer")
                .isLessThan(256 * 1024);
    }

    private static long allocatedToReadABodyThatDeclares(long declared, String body) throws Exception {
        byte[] sent = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.ByteArrayInputStream bytes = new java.io.ByteArrayInputStream(sent);
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getContentLengthLong()).thenReturn(declared);
        when(request.getContentType()).thenReturn("application/json");
        when(request.getInputStream()).thenReturn(new jakarta.servlet.ServletInputStream() {
            @Override
            public int read() {
                return bytes.read();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                return bytes.read(buffer, offset, length);
            }

            @Override
            public boolean isFinished() {
                return bytes.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(jakarta.servlet.ReadListener listener) {}
        });
        ServletGuardRequest adapted = new ServletGuardRequest(
                request,
                new ServletGuardRequest.Options(ClientResolver.peerOnly(), RouteTable.empty(), 1024 * 1024, true));
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        int length = adapted.body().length();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(length).isEqualTo(sent.length);
        return allocated;
    }

    @Test
    void theInFlightSlotsAFailureRuleTookAreKeptUntilGivenBackWhateverElseIsReadMeanwhile() {
        ServletGuardRequest slotsFirst = adapt(Map.of());
        ServletGuardRequest queryFirst = adapt(Map.of());
        long taken = 0b101L | 7L << 32;

        assertThat(slotsFirst.heldSlots()).isZero();
        slotsFirst.heldSlots(0);
        assertThat(slotsFirst.heldSlots()).isZero();
        slotsFirst.heldSlots(taken);
        assertThat(slotsFirst.queryParameter("q")).isNull();
        assertThat(queryFirst.queryParameter("q")).isNull();
        queryFirst.heldSlots(taken);

        assertThat(slotsFirst.heldSlots()).isEqualTo(taken);
        assertThat(queryFirst.heldSlots()).isEqualTo(taken);
        slotsFirst.heldSlots(0);
        assertThat(slotsFirst.heldSlots()).isZero();
    }

    /**
     * What Spring's {@code ForwardedHeaderFilter} ({@code server.forward-headers-strategy=framework}) hands on
     * before our filter: a wrapper whose address is the leftmost X-Forwarded-For hop, which the client writes,
     * and which hides the header. The client is still judged from the connection and our trusted proxies.
     */
    private static HttpServletRequest forwardedHeaderFilterView(String peer, String forwardedFor) {
        HttpServletRequest container = mock(HttpServletRequest.class);
        when(container.getRemoteAddr()).thenReturn(peer);
        when(container.getHeaders(anyString()))
                .thenAnswer(call -> "X-Forwarded-For".equalsIgnoreCase(call.getArgument(0))
                        ? Collections.enumeration(java.util.List.of(forwardedFor))
                        : Collections.emptyEnumeration());
        return new jakarta.servlet.http.HttpServletRequestWrapper(container) {
            @Override
            public String getRemoteAddr() {
                return forwardedFor.split(",")[0].trim();
            }

            @Override
            public java.util.Enumeration<String> getHeaders(String name) {
                return Collections.emptyEnumeration();
            }
        };
    }

    @Test
    void aWrapperThatRewritesTheAddressDoesNotChooseTheClient() {
        HttpServletRequest spoofed = forwardedHeaderFilterView("203.0.113.9", "6.6.6.6, 198.51.100.1");
        ServletGuardRequest direct = new ServletGuardRequest(
                spoofed, new ServletGuardRequest.Options(ClientResolver.peerOnly(), RouteTable.empty(), 1024, true));
        ServletGuardRequest behindProxy = new ServletGuardRequest(
                spoofed,
                new ServletGuardRequest.Options(
                        ClientResolver.builder()
                                .trustedProxies("203.0.113.0/24")
                                .build(),
                        RouteTable.empty(),
                        1024,
                        true));

        assertThat(direct.client().key())
                .as("no proxy trusted: the connection's peer")
                .isEqualTo("203.0.113.9");
        assertThat(behindProxy.client().key())
                .as("the trusted proxy's hop, read from the right, not the client-written leftmost")
                .isEqualTo("198.51.100.1");
        assertThat(direct.headers("X-Forwarded-For"))
                .as("probe4: the hidden header is a signal (a proxy nobody listed, a clone's trace)")
                .containsExactly("6.6.6.6, 198.51.100.1");
    }

    private static ServletGuardRequest adapt(HttpServletRequest request) {
        return new ServletGuardRequest(
                request, new ServletGuardRequest.Options(ClientResolver.peerOnly(), RouteTable.empty(), 1024, true));
    }

    @Test
    void aRequestedSessionIdTheContainerDoesNotKnowIsNoSession() {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getRequestedSessionId()).thenReturn("made-up-by-the-client");
        when(request.isRequestedSessionIdValid()).thenReturn(false);

        assertThat(adapt(request).sessionId()).isNull();
        verify(request, never()).getSession();
        verify(request, never()).getSession(true);
    }

    @Test
    void aValidRequestedSessionIdIsTheSessionForTheWholeRequestEvenOnceTheApplicationEndsIt() {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getRequestedSessionId()).thenReturn("live");
        when(request.isRequestedSessionIdValid()).thenReturn(true, false); // a log-out invalidates it
        ServletGuardRequest adapted = adapt(request);

        assertThat(adapted.sessionId()).as("the check").isEqualTo("live");
        assertThat(adapted.sessionId()).as("the outcome, after the log-out").isEqualTo("live");
    }
}
