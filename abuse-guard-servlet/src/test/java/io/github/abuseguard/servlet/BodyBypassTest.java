package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.GuardEvent;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The body layouts an attacker uses to walk a throw-away address or a user name past a guard, sent as
 * raw HTTP to a real Jetty: whatever the layout, the guard judges what the application binds, or
 * refuses the body it cannot read. The application answers with the e-mail parameter values and the
 * SHA-256 of the body it received, so each test also shows what got through.
 */
class BodyBypassTest {
    private static final int MAX_BODY_BYTES = 16 * 1024;
    private static final String FORM = "application/x-www-form-urlencoded";

    private final List<GuardEvent> events = new CopyOnWriteArrayList<>();
    /** What the filter is told of the application's routes: whether one takes a multipart body. */
    private Predicate<HttpServletRequest> multipartTaken = request -> true;
    /** How often anything before the application read the body, its parts or its parameters. */
    private final AtomicInteger bodyReads = new AtomicInteger();

    private Server server;

    private void start(boolean refuseUnreadable) throws Exception {
        start(refuseUnreadable, true);
    }

    private void start(boolean refuseUnreadable, boolean multipartConfig) throws Exception {
        start(refuseUnreadable, multipartConfig, MAX_BODY_BYTES);
    }

    private void start(boolean refuseUnreadable, boolean multipartConfig, int maxBodyBytes) throws Exception {
        DisposableDomains domains = DisposableDomains.bundled();
        DisposableEmailGuard email = DisposableEmailGuard.of(
                domains,
                List.of(
                        EmailRule.builder("signup").path("/signup").build(),
                        EmailRule.builder("newsletter")
                                .path("/newsletter")
                                .methods("GET")
                                .field("query:address")
                                .build(),
                        EmailRule.builder("subscribe")
                                .path("/subscribe")
                                .methods("POST", "PUT", "PATCH", "DELETE")
                                .field("query:address")
                                .build()));
        RateLimitGuard limits = RateLimitGuard.builder()
                .rule(RateLimitRule.builder("per-user")
                        .path("/login")
                        .key("body:/username")
                        .limit(Limit.of(2, Duration.ofHours(1)))
                        .build())
                .build();
        AbuseGuard engine = AbuseGuard.builder()
                .guard(email)
                .guard(limits)
                .listener(new GuardListener() {
                    @Override
                    public void onEvent(GuardEvent event) {
                        events.add(event);
                    }
                })
                .build();
        Filter filter = AbuseGuardFilter.builder()
                .engine(engine)
                .maxBodyBytes(maxBodyBytes)
                .refuseUnreadableBody(refuseUnreadable)
                .multipartTaken(multipartTaken)
                .build();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(
                new FilterHolder((Filter) (request, response, chain) ->
                        chain.doFilter(new BodyReadCounting((HttpServletRequest) request, bodyReads), response)),
                "/*",
                java.util.EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(filter), "/*", java.util.EnumSet.of(DispatcherType.REQUEST));
        ServletHolder echo = new ServletHolder(new ParameterEcho());
        if (multipartConfig) {
            echo.getRegistration().setMultipartConfig(new jakarta.servlet.MultipartConfigElement(""));
        }
        context.addServlet(echo, "/*");
        ServletHolder subscribe = new ServletHolder(new AddressEcho());
        subscribe.getRegistration().setMultipartConfig(new jakarta.servlet.MultipartConfigElement(""));
        context.addServlet(subscribe, "/subscribe");
        server.setHandler(context);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        assertThat(events).noneMatch(event -> event.kind() == GuardEvent.Kind.FAILED);
    }

    @Test
    void anAddressBehindKilobytesOfJsonFillerIsRejected() throws Exception {
        start(true);
        String body = "{\"filler\":\"" + "x".repeat(9000) + "\",\"email\":\"bot@yopmail.com\"}";
        assertThat(post("/signup", "application/json", utf8(body))).startsWith("HTTP/1.1 422");
    }

    @Test
    void anAddressNamedTwiceWithFillerBetweenIsRejectedWhicheverCopyIsThrowAway() throws Exception {
        start(true);
        String lastBad =
                "{\"email\":\"ann@gmail.com\",\"f\":\"" + "x".repeat(9000) + "\",\"email\":\"bot@yopmail.com\"}";
        String firstBad =
                "{\"email\":\"bot@yopmail.com\",\"f\":\"" + "x".repeat(9000) + "\",\"email\":\"ann@gmail.com\"}";
        assertThat(post("/signup", "application/json", utf8(lastBad))).startsWith("HTTP/1.1 422");
        assertThat(post("/signup", "application/json", utf8(firstBad))).startsWith("HTTP/1.1 422");
    }

    @Test
    void aChunkedBodyIsReadWholeToo() throws Exception {
        start(true);
        String body = "{\"filler\":\"" + "x".repeat(9000) + "\",\"email\":\"bot@yopmail.com\"}";
        byte[] bytes = utf8(body);
        String head = "POST /signup HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(head.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < bytes.length; i += 1000) {
            int n = Math.min(1000, bytes.length - i);
            request.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            request.write(bytes, i, n);
            request.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        request.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(exchange(request.toByteArray())).startsWith("HTTP/1.1 422");
    }

    @Test
    void aLatin1JsonBodyWithANonAsciiByteBeforeTheFieldIsDecodedNotSkipped() throws Exception {
        start(true);
        byte[] body = "{\"name\":\"J\u00fcrgen\",\"email\":\"bot@yopmail.com\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(post("/signup", "application/json; charset=ISO-8859-1", body))
                .startsWith("HTTP/1.1 422");
    }

    @Test
    void aBodyLargerThanTheCapIsRefusedWith413AndNotJudgedByItsPrefix() throws Exception {
        start(true);
        String body = "{\"email\":\"ann@gmail.com\",\"filler\":\"" + "x".repeat(MAX_BODY_BYTES) + "\"}";
        String response = post("/signup", "application/json", utf8(body));
        assertThat(response).startsWith("HTTP/1.1 413").contains("application/problem+json");
        assertThat(response).contains("unreadable-body");
    }

    /**
     * user65 F5: a truncated body is a client's bug far more often than an attack; it is refused as the application
     * would refuse it (about:blank, Bad Request), not told it broke an abuse policy.
     */
    @Test
    void malformedJsonIsRefusedWith400() throws Exception {
        start(true);
        assertThat(post("/signup", "application/json", utf8("{\"email\":\"bot@yopmail.com\"")))
                .startsWith("HTTP/1.1 400")
                .contains("\"type\":\"about:blank\",\"title\":\"Bad Request\"")
                .contains("\"reason\":\"unreadable-body:malformed\"")
                .doesNotContain("abnormal-usage-detected");
    }

    @Test
    void withOnUnreadableAllowALargeBodyGoesOnWhole() throws Exception {
        start(false);
        byte[] body = utf8("{\"email\":\"ann@gmail.com\",\"filler\":\"" + "x".repeat(MAX_BODY_BYTES) + "\"}");
        String response = post("/signup", "application/json", body);
        assertThat(response).startsWith("HTTP/1.1 200").contains("sha=" + TestServer.sha256(body));
    }

    @Test
    void aCleanAddressReachesTheApplicationByteForByte() throws Exception {
        start(true);
        byte[] body = utf8("{\"filler\":\"" + "\u00e9".repeat(3000) + "\",\"email\":\"ann@gmail.com\"}");
        String response = post("/signup", "application/json", body);
        assertThat(response).startsWith("HTTP/1.1 200").contains("sha=" + TestServer.sha256(body));
    }

    @Test
    void aFormFieldInTheQueryAndTheBodyIsJudgedInBoth() throws Exception {
        start(true);
        byte[] cleanBody = ascii("email=ann%40gmail.com");
        byte[] badBody = ascii("email=bot%40yopmail.com");
        assertThat(post("/signup?email=ann%40gmail.com", "application/x-www-form-urlencoded", badBody))
                .startsWith("HTTP/1.1 422");
        assertThat(post("/signup?email=bot%40yopmail.com", "application/x-www-form-urlencoded", cleanBody))
                .startsWith("HTTP/1.1 422");
        String clean = post("/signup?email=ann%40gmail.com", "application/x-www-form-urlencoded", cleanBody);
        assertThat(clean).startsWith("HTTP/1.1 200").contains("email=[ann@gmail.com, ann@gmail.com]");
    }

    @Test
    void aFormFieldFarPastTheOldPrefixIsJudged() throws Exception {
        start(true);
        byte[] body = ascii("filler=" + "x".repeat(12_000) + "&email=bot%40yopmail.com");
        assertThat(post("/signup", "application/x-www-form-urlencoded", body)).startsWith("HTTP/1.1 422");
    }

    /**
     * probe50b F2: a pair with a bad {@code %} escape was skipped by the servlet's form parser, while JAX-RS's
     * {@code @FormParam} (Java's URLDecoder) reads any Unicode digit in an escape: {@code email=bot%４０mailinator.com}
     * reached the application as {@code bot@mailinator.com}. Such a form is malformed.
     */
    @Test
    void aFormPairWithABadEscapeIsMalformedNotSkipped() throws Exception {
        start(true);
        assertThat(post("/signup", FORM, utf8("email=bot%\uFF14\uFF10mailinator.com")))
                .startsWith("HTTP/1.1 400");
        assertThat(post("/signup?email=bot%4", FORM, utf8("name=ann"))).startsWith("HTTP/1.1 400");
        assertThat(post("/signup", FORM, utf8("email=ann%40gmail.com"))).startsWith("HTTP/1.1 200");
    }

    @Test
    void aUtf16FormIsRefusedAsUnsupported() throws Exception {
        start(true);
        byte[] body = "email=bot%40yopmail.com".getBytes(Charset.forName("UTF-16"));
        assertThat(post("/signup", "application/x-www-form-urlencoded; charset=UTF-16", body))
                .startsWith("HTTP/1.1 415");
    }

    @Test
    void aLatin1FormIsDecodedTheWayTheApplicationSeesIt() throws Exception {
        start(true);
        String response = post(
                "/signup",
                "application/x-www-form-urlencoded; charset=ISO-8859-1",
                ascii("email=j%FCrgen%40gmail.com"));
        assertThat(response).startsWith("HTTP/1.1 200").contains("email=[j\u00fcrgen@gmail.com]");
    }

    @Test
    void aPerUserLimitCountsAPaddedUserNameAsItself() throws Exception {
        start(true);
        for (int i = 0; i < 2; i++) {
            assertThat(post("/login", "application/json", utf8("{\"username\":\"victim\",\"password\":\"" + i + "\"}")))
                    .startsWith("HTTP/1.1 200");
        }
        String padded = "{\"pad\":\"" + "p".repeat(10_000) + "\",\"username\":\"Victim\",\"password\":\"x\"}";
        assertThat(post("/login", "application/json", utf8(padded))).startsWith("HTTP/1.1 429");
    }

    @Test
    void aUserNameGivenTwiceWithDifferentValuesIsRefusedNotKeyedByEither() throws Exception {
        start(true);
        String twice = "{\"username\":\"random1\",\"username\":\"victim\",\"password\":\"x\"}";
        assertThat(post("/login", "application/json", utf8(twice))).startsWith("HTTP/1.1 400");
    }

    /**
     * probe26 F1: a user name sent as an array of 262,000 copies (1 MiB) is refused as a field of too many
     * values, like a user name given two different values, and counts nothing against the name it repeats.
     */
    @Test
    void aUserNameRepeatedAQuarterOfAMillionTimesIsRefusedAndCountsNothing() throws Exception {
        start(true, true, 1024 * 1024);
        StringBuilder body = new StringBuilder("{\"username\":[\"a\"");
        for (int i = 1; i < 262_000; i++) {
            body.append(",\"a\"");
        }
        body.append("],\"password\":\"x\"}");
        assertThat(body.length()).isBetween(1_000_000, 1024 * 1024);
        for (int i = 0; i < 3; i++) {
            String refused = post("/login", "application/json", utf8(body.toString()));
            assertThat(refused)
                    .startsWith("HTTP/1.1 400")
                    .contains("application/problem+json")
                    .contains("\"reason\":\"unreadable-body:too-many-values\"");
        }
        for (int i = 0; i < 2; i++) {
            assertThat(post("/login", "application/json", utf8("{\"username\":\"a\",\"password\":\"" + i + "\"}")))
                    .as("the refused bodies took nothing from the budget of 2 of the name they repeat")
                    .startsWith("HTTP/1.1 200");
        }
        assertThat(post("/login", "application/json", utf8("{\"username\":\"a\",\"password\":\"x\"}")))
                .startsWith("HTTP/1.1 429");
    }

    @Test
    void aLoginBodyTooLargeToReadDoesNotFallBackToTheAddressKey() throws Exception {
        start(true);
        String huge = "{\"pad\":\"" + "p".repeat(MAX_BODY_BYTES) + "\",\"username\":\"victim\"}";
        assertThat(post("/login", "application/json", utf8(huge))).startsWith("HTTP/1.1 413");
    }

    @Test
    void aCharsetHiddenInAQuotedParameterIsNotTakenForTheBodysCharset() throws Exception {
        start(true);
        byte[] body = ascii("{\"em\\u0061il\":\"bot@yopmail.com\"}");
        assertThat(post("/signup", "application/json;x=\"a;charset=x-IBM943;b\"", body))
                .startsWith("HTTP/1.1 422");
    }

    @Test
    void aDeclaredCharsetThatDoesNotKeepAsciiIsUnsupported() throws Exception {
        start(true);
        byte[] body = ascii("{\"em\\u0061il\":\"bot@yopmail.com\"}");
        assertThat(post("/signup", "application/json;charset=x-IBM943", body)).startsWith("HTTP/1.1 415");
    }

    @Test
    void anyDeclaredUnicodeCharsetIsReadByDetectionAsSpringReadsIt() throws Exception {
        start(true);
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] bad = utf8("{\"email\":\"bot@yopmail.com\"}");
        byte[] withBom = new byte[bom.length + bad.length];
        System.arraycopy(bom, 0, withBom, 0, bom.length);
        System.arraycopy(bad, 0, withBom, bom.length, bad.length);
        assertThat(post("/signup", "application/json;charset=UTF-8", withBom)).startsWith("HTTP/1.1 422");
        assertThat(post("/signup", "application/json;charset=UTF-16LE", bad)).startsWith("HTTP/1.1 422");
        assertThat(post("/signup", "application/json;charset='UTF-8'", bad)).startsWith("HTTP/1.1 422");
    }

    @Test
    void aTypeThatOnlyStartsLikeAFormIsReadAsJson() throws Exception {
        start(true);
        byte[] body = utf8("{\"email\":\"bot@yopmail.com\"}");
        assertThat(post("/signup", "application/x-www-form-urlencoded+json", body))
                .startsWith("HTTP/1.1 422");
        assertThat(post("/signup", "APPLICATION/X-WWW-FORM-URLENCODED+JSON", body))
                .startsWith("HTTP/1.1 422");
    }

    @Test
    void aTopLevelFieldIsAlsoJudgedInTheQueryAndInAHeaderWhichBindersAlsoRead() throws Exception {
        start(true);
        assertThat(post("/signup?email=bot%40yopmail.com", "application/json", utf8("{}")))
                .startsWith("HTTP/1.1 422");
        String withHeader = "POST /signup HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nemail: bot@yopmail.com\r\nContent-Length: 2\r\n\r\n{}";
        assertThat(exchange(withHeader.getBytes(StandardCharsets.ISO_8859_1))).startsWith("HTTP/1.1 422");
    }

    @Test
    void aQueryRuleJudgesEveryValueOfTheParameter() throws Exception {
        start(true);
        String request = "GET /newsletter?address=ann%40gmail.com&address=bot%40yopmail.com HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n";
        assertThat(exchange(request.getBytes(StandardCharsets.ISO_8859_1))).startsWith("HTTP/1.1 422");
    }

    /**
     * probe23 F4: a query: field is the parameter the application's getParameterValues (and Spring's
     * {@code @RequestParam}) gets, which the container takes from the query string, a form body and a
     * multipart body's text parts. Each layout of a throw-away address is refused; a clean one reaches the
     * application, which still reads every value of the parameter.
     */
    @Test
    void aQueryFieldIsJudgedWhereverTheContainerBindsTheParameter() throws Exception {
        start(true);
        String multipart = "--XX\r\nContent-Disposition: form-data; name=\"address\"\r\n\r\n%s\r\n--XX--\r\n";
        assertThat(post("/subscribe?address=bot%40yopmail.com", FORM, new byte[0]))
                .as("control: the query string")
                .startsWith("HTTP/1.1 422");
        assertThat(post("/subscribe", FORM, ascii("address=bot%40yopmail.com")))
                .as("the form body")
                .startsWith("HTTP/1.1 422");
        assertThat(post("/subscribe?address=ann%40gmail.com", FORM, ascii("address=bot@yopmail.com")))
                .as("a clean address in the query, a throw-away one in the body")
                .startsWith("HTTP/1.1 422");
        assertThat(post("/subscribe", "multipart/form-data; boundary=XX", utf8(multipart.formatted("bot@yopmail.com"))))
                .as("a multipart text part")
                .startsWith("HTTP/1.1 422");
        for (String method : List.of("PUT", "PATCH", "DELETE")) {
            // Jetty binds a PUT's form body, Spring's FormContentFilter those of PUT, PATCH and DELETE
            assertThat(send(method, "/subscribe", FORM, ascii("address=bot@yopmail.com")))
                    .as(method)
                    .startsWith("HTTP/1.1 422");
        }

        assertThat(post("/subscribe", FORM, ascii("address=ann%40gmail.com")))
                .startsWith("HTTP/1.1 200")
                .contains("address=[ann@gmail.com]");
        assertThat(post("/subscribe?address=ann%40gmail.com", FORM, ascii("address=bob@gmail.com")))
                .startsWith("HTTP/1.1 200")
                .contains("address=[ann@gmail.com, bob@gmail.com]");
        assertThat(post("/subscribe", "multipart/form-data; boundary=XX", utf8(multipart.formatted("ann@gmail.com"))))
                .startsWith("HTTP/1.1 200")
                .contains("address=[ann@gmail.com]");
        assertThat(post("/subscribe", FORM, ascii("Address=bot@yopmail.com")))
                .as("getParameter has case, but a model attribute's setAddress binds Address (probe43a F1)")
                .startsWith("HTTP/1.1 422");
        assertThat(post("/subscribe", FORM, ascii("ADDRESS=bot@yopmail.com")))
                .as("no binder takes ADDRESS for address")
                .startsWith("HTTP/1.1 200")
                .contains("address=null");
    }

    @Test
    void aQueryFieldInABodyTooLargeToReadIsRefusedAndAnotherBodyIsNotRead() throws Exception {
        start(true);
        String padded = "address=ann%40gmail.com&pad=" + "x".repeat(MAX_BODY_BYTES);
        assertThat(post("/subscribe", FORM, ascii(padded)))
                .startsWith("HTTP/1.1 413")
                .contains("unreadable-body:too-large");
        String multipart = "--XX\r\nContent-Disposition: form-data; name=\"address\"\r\n\r\nann@gmail.com\r\n"
                + "--XX\r\nContent-Disposition: form-data; name=\"pad\"\r\n\r\n" + "x".repeat(MAX_BODY_BYTES)
                + "\r\n--XX--\r\n";
        assertThat(post("/subscribe", "multipart/form-data; boundary=XX", utf8(multipart)))
                .startsWith("HTTP/1.1 413")
                .contains("unreadable-body:too-large");
        // JSON gives no parameters: the rule judges the query string and leaves the body alone, however large
        byte[] json = utf8("{\"pad\":\"" + "x".repeat(MAX_BODY_BYTES) + "\"}");
        assertThat(post("/subscribe?address=ann%40gmail.com", "application/json", json))
                .startsWith("HTTP/1.1 200")
                .contains("address=[ann@gmail.com]");
    }

    @Test
    void withOnUnreadableAllowAQueryFieldInABodyTooLargeToReadLeavesTheQueryStringJudged() throws Exception {
        start(false);
        String padded = "address=ann%40gmail.com&pad=" + "x".repeat(MAX_BODY_BYTES);
        assertThat(post("/subscribe?address=bob%40gmail.com", FORM, ascii(padded)))
                .startsWith("HTTP/1.1 200")
                .contains("address=[bob@gmail.com, ann@gmail.com]");
        assertThat(post("/subscribe?address=bot%40yopmail.com", FORM, ascii(padded)))
                .startsWith("HTTP/1.1 422");
    }

    @Test
    void anAddressInAJsonPartOfAMultipartBodyIsJudged() throws Exception {
        start(true);
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"d.json\"\r\n"
                + "Content-Type: application/json\r\n\r\n{\"email\":\"bot@yopmail.com\"}\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n"
                + "--" + boundary + "--\r\n";
        assertThat(post("/signup", "multipart/form-data; boundary=" + boundary, utf8(body)))
                .startsWith("HTTP/1.1 422");
    }

    /**
     * probe43a F2 on Jetty: a part named as the field that the container gives no parameter (a file part) or
     * decodes as UTF-8 although it declares another charset is read from its bytes, as {@code @RequestPart
     * String} reads it; a charset nobody knows is refused.
     */
    @Test
    void aFilePartOrAPartInACharsetOfItsOwnNamedAsTheFieldIsJudged() throws Exception {
        start(true);
        String boundary = "b0undary";
        String file = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"email\"; filename=\"a.txt\"\r\n"
                + "\r\n%s\r\n--" + boundary + "--\r\n";
        assertThat(post(
                        "/signup",
                        "multipart/form-data; boundary=" + boundary,
                        utf8(file.formatted("bot@yopmail.com"))))
                .startsWith("HTTP/1.1 422");
        assertThat(post("/signup", "multipart/form-data; boundary=" + boundary, utf8(file.formatted("ann@gmail.com"))))
                .startsWith("HTTP/1.1 200");

        java.io.ByteArrayOutputStream ebcdic = new java.io.ByteArrayOutputStream();
        ebcdic.writeBytes(utf8("--" + boundary + "\r\nContent-Disposition: form-data; name=\"email\"\r\n"
                + "Content-Type: text/plain; charset=IBM037\r\n\r\n"));
        ebcdic.writeBytes("bot@yopmail.com".getBytes(java.nio.charset.Charset.forName("IBM037")));
        ebcdic.writeBytes(utf8("\r\n--" + boundary + "--\r\n"));
        assertThat(post("/signup", "multipart/form-data; boundary=" + boundary, ebcdic.toByteArray()))
                .startsWith("HTTP/1.1 422");

        String unknown = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"email\"\r\n"
                + "Content-Type: text/plain; charset=x-no-such\r\n\r\nbot@yopmail.com\r\n--" + boundary + "--\r\n";
        assertThat(post("/signup", "multipart/form-data; boundary=" + boundary, utf8(unknown)))
                .as("Jetty cannot decode the part's parameter (400 malformed); Tomcat can, and the guard cannot (415)")
                .startsWith("HTTP/1.1 400")
                .contains("unreadable-body:malformed");
    }

    /**
     * probe59a F1 in a part: a part's {@code Content-Type} whose quotes Spring and a quoted-string parser pair
     * differently ({@code a=""\"}) names a second charset only Spring's converter sees; the guard read the part in
     * the first and found no domain, where the converter decodes EBCDIC into {@code bot@yopmail.com}.
     */
    @Test
    void aPartWhoseContentTypeTwoParsersSplitDifferentlyIsRefused() throws Exception {
        start(true);
        String boundary = "b0undary";
        // review76 F1: also where this reading finds no charset, or UTF-8, and the part would be read as a parameter
        for (String first : List.of("charset=ISO-8859-1; ", "", "charset=UTF-8; ")) {
            java.io.ByteArrayOutputStream part = new java.io.ByteArrayOutputStream();
            part.writeBytes(utf8("--" + boundary + "\r\nContent-Disposition: form-data; name=\"email\"\r\n"
                    + "Content-Type: text/plain; " + first + "a=\"\"\\\"; charset=IBM037; b=\"\"\"\r\n\r\n"));
            part.writeBytes("bot@yopmail.com".getBytes(java.nio.charset.Charset.forName("IBM037")));
            part.writeBytes(utf8("\r\n--" + boundary + "--\r\n"));
            assertThat(post("/signup", "multipart/form-data; boundary=" + boundary, part.toByteArray()))
                    .as(first)
                    .startsWith("HTTP/1.1 415")
                    .contains("unreadable-body:unsupported");
        }
    }

    @Test
    void aMultipartBodyBeyondTheCapIsRefusedWith413BeforeTheContainerParsesIt() throws Exception {
        start(true);
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nann@gmail.com\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + "x".repeat(MAX_BODY_BYTES) + "\r\n"
                + "--" + boundary + "--\r\n";
        String response = post("/signup", "multipart/form-data; boundary=" + boundary, utf8(body));
        assertThat(response)
                .startsWith("HTTP/1.1 413")
                .contains("application/problem+json")
                .contains("unreadable-body:too-large")
                .doesNotContain("email=");

        String small = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nann@gmail.com\r\n"
                + "--" + boundary + "--\r\n";
        assertThat(post("/signup", "multipart/form-data; boundary=" + boundary, utf8(small)))
                .as("a multipart body within the cap is judged and passed on")
                .startsWith("HTTP/1.1 200");
    }

    /**
     * The container parses a multipart body itself, so its size must be known before it does: one sent chunked is
     * refused 411, which tells the client to send its length (probe52b F6: a few bytes were refused 413, as too large).
     */
    @Test
    void aChunkedMultipartBodyWhoseSizeIsUnknownIsRefusedWith411() throws Exception {
        start(true);
        String boundary = "b0undary";
        byte[] bytes = utf8("--" + boundary + "\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n"
                + "ann@gmail.com\r\n--" + boundary + "--\r\n");
        String head = "POST /signup HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\nTransfer-Encoding: chunked\r\n\r\n";
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(head.getBytes(StandardCharsets.ISO_8859_1));
        request.write(ascii(Integer.toHexString(bytes.length) + "\r\n"));
        request.write(bytes);
        request.write(ascii("\r\n0\r\n\r\n"));

        assertThat(exchange(request.toByteArray()))
                .startsWith("HTTP/1.1 411")
                .contains("application/problem+json")
                .contains("\"type\":\"about:blank\",\"title\":\"Length Required\"")
                .contains("unreadable-body:length-required");
    }

    /**
     * probe26 F3: a multipart body sent to a route whose handler consumes JSON only. The guard would parse
     * every part (the container writing them to disk) to find the user name, and refuse it after the whole
     * parse; the application refuses such a body unread. Told the route takes no multipart body, the guard
     * reads nothing of it either and answers 415, and the application never runs.
     */
    @Test
    void aMultipartBodyTheRouteDoesNotTakeIsRefused415WithoutBeingParsed() throws Exception {
        multipartTaken = request -> !request.getRequestURI().equals("/login");
        start(true);
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nalice\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"pad\"\r\n\r\n" + "x".repeat(8000)
                + "\r\n--" + boundary + "--\r\n";

        for (int i = 0; i < 3; i++) {
            assertThat(post("/login", "multipart/form-data; boundary=" + boundary, utf8(body)))
                    .startsWith("HTTP/1.1 415")
                    .contains("application/problem+json")
                    .contains("\"reason\":\"unreadable-body:unsupported\"")
                    .as("the problem type: what the application would answer, no abuse detected")
                    .contains("\"type\":\"about:blank\",\"title\":\"Unsupported Media Type\"")
                    .doesNotContain("abnormal-usage-detected")
                    .doesNotContain("sha=");
        }
        assertThat(bodyReads)
                .as("body, parts or parameters read before the application")
                .hasValue(0);

        assertThat(post("/login", "application/json", utf8("{\"username\":\"alice\"}")))
                .as("the JSON the route takes is still judged: alice's quota of 2 is untouched")
                .startsWith("HTTP/1.1 200");
    }

    /** The same for a {@code query:} field, which a multipart body's text parts give too. */
    @Test
    void aMultipartBodyTheRouteDoesNotTakeIsRefused415ForAQueryField() throws Exception {
        multipartTaken = request -> false;
        start(true);
        String multipart =
                "--XX\r\nContent-Disposition: form-data; name=\"address\"\r\n\r\nann@gmail.com\r\n--XX--\r\n";

        assertThat(post("/subscribe", "multipart/form-data; boundary=XX", utf8(multipart)))
                .startsWith("HTTP/1.1 415")
                .contains("unreadable-body:unsupported")
                .doesNotContain("address=");
        assertThat(bodyReads).hasValue(0);
        assertThat(post("/subscribe", FORM, ascii("address=ann%40gmail.com")))
                .as("a form, which the route takes, is read as before")
                .startsWith("HTTP/1.1 200")
                .contains("address=[ann@gmail.com]");
    }

    /** With {@code on-unreadable: allow} such a body is not parsed either: the field is absent. */
    @Test
    void aMultipartBodyTheRouteDoesNotTakeLeavesTheFieldAbsentWhenUnreadableIsAllowed() throws Exception {
        multipartTaken = request -> false;
        start(false);
        String multipart =
                "--XX\r\nContent-Disposition: form-data; name=\"address\"\r\n\r\nbot@yopmail.com\r\n--XX--\r\n";

        assertThat(post("/subscribe?address=ann%40gmail.com", "multipart/form-data; boundary=XX", utf8(multipart)))
                .as("the query string's address is judged, the body left to the application, which reads it itself")
                .startsWith("HTTP/1.1 200");
        assertThat(post("/subscribe?address=bot%40yopmail.com", "multipart/form-data; boundary=XX", utf8(multipart)))
                .startsWith("HTTP/1.1 422");
    }

    /**
     * The guard reads at most {@value ServletGuardRequest#MAX_JSON_PARTS} JSON parts of a multipart body, each
     * read and parsed on its own: one more is refused 413 before any is read; up to the bound, the last one
     * is judged too and the application gets every part.
     */
    @Test
    void moreJsonPartsThanTheGuardReadsAreRefused413() throws Exception {
        start(true);
        String boundary = "b0undary";
        String many = jsonParts(boundary, ServletGuardRequest.MAX_JSON_PARTS + 1, "ann@gmail.com");
        assertThat(post("/signup", "multipart/form-data; boundary=" + boundary, utf8(many)))
                .startsWith("HTTP/1.1 413")
                .contains("application/problem+json")
                .contains("unreadable-body:too-large");

        String bounded = jsonParts(boundary, ServletGuardRequest.MAX_JSON_PARTS, "ann@gmail.com");
        assertThat(post("/signup", "multipart/form-data; boundary=" + boundary, utf8(bounded)))
                .as("the application reads every JSON part after the guard")
                .startsWith("HTTP/1.1 200")
                .contains(" json=["
                        + String.join(
                                ", ",
                                java.util.Collections.nCopies(
                                        ServletGuardRequest.MAX_JSON_PARTS, "{\"email\":\"ann@gmail.com\"}"))
                        + "]");
        String lastBad = jsonParts(boundary, ServletGuardRequest.MAX_JSON_PARTS, "bot@yopmail.com");
        assertThat(post("/signup", "multipart/form-data; boundary=" + boundary, utf8(lastBad)))
                .as("the last JSON part within the bound is read")
                .startsWith("HTTP/1.1 422");
    }

    /** {@code count} JSON parts, each with a clean address but the last, which has {@code last}. */
    private static String jsonParts(String boundary, int count, String last) {
        StringBuilder body = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            body.append("--")
                    .append(boundary)
                    .append("\r\nContent-Disposition: form-data; name=\"p")
                    .append(i)
                    .append("\"\r\nContent-Type: application/json\r\n\r\n{\"email\":\"")
                    .append(i == count ? last : "ann@gmail.com")
                    .append("\"}\r\n");
        }
        return body.append("--").append(boundary).append("--\r\n").toString();
    }

    /**
     * A servlet without a multipart configuration that reads uploads itself (Commons FileUpload, by hand): the
     * container parses no parts for it, so the guard cannot read the body either. probe18 F2: Jetty's 400 made
     * such an upload {@code malformed}; probe47c F3: letting it through judged its fields absent, and a listed
     * address reached the servlet, which parses the stream; F4: Tomcat refused it as malformed. It is an
     * unsupported body on both containers now, answered by {@code on-unreadable}: refused 415 by default,
     * passed on whole under {@code allow}.
     */
    @Test
    void anUploadToAServletWithoutMultipartConfigIsAnUnsupportedBody() throws Exception {
        start(true, false);
        String boundary = "XX";
        String signup = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n"
                + "x@mailinator.com\r\n--" + boundary + "--\r\n";
        assertThat(post("/signup", "multipart/form-data; boundary=" + boundary, utf8(signup)))
                .as("probe47c F3: the listed address reached the servlet")
                .startsWith("HTTP/1.1 415")
                .contains("application/problem+json")
                .contains("unreadable-body:unsupported")
                .doesNotContain("sha=");
        String login = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nbob\r\n" + "--"
                + boundary + "--\r\n";
        assertThat(post("/login", "multipart/form-data; boundary=" + boundary, utf8(login)))
                .startsWith("HTTP/1.1 415")
                .contains("unreadable-body:unsupported");
        stop();

        start(false, false); // on-unreadable: allow
        for (int i = 0; i < 2; i++) { // (the per-user rule keys every unreadable user name alike)
            assertThat(post("/login", "multipart/form-data; boundary=" + boundary, utf8(login)))
                    .as("passed on whole, unjudged")
                    .startsWith("HTTP/1.1 200")
                    .contains("sha=" + TestServer.sha256(utf8(login)));
        }
    }

    @Test
    void aMultipartBodyTheContainerCannotTurnIntoParametersIsUnreadableNotAGuardFailure() throws Exception {
        start(true);
        String boundary = "XX";
        String unknownCharset =
                "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_charset_\"\r\n\r\nfoo\r\n"
                        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nbob\r\n"
                        + "--" + boundary + "--\r\n";
        String nameless = "--" + boundary + "\r\nContent-Disposition: form-data\r\n\r\nfoo\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nbob\r\n"
                + "--" + boundary + "--\r\n";
        for (String body : List.of(unknownCharset, nameless)) {
            assertThat(post("/login", "multipart/form-data; boundary=" + boundary, utf8(body)))
                    .startsWith("HTTP/1.1 400")
                    .contains("application/problem+json")
                    .contains("unreadable-body:malformed");
            assertThat(post(
                            "/signup",
                            "multipart/form-data; boundary=" + boundary,
                            utf8(body.replace("username", "email"))))
                    .startsWith("HTTP/1.1 400")
                    .contains("unreadable-body:malformed");
        }
        assertThat(post("/login", "multipart/form-data", utf8("--XX--\r\n")))
                .as("no boundary")
                .startsWith("HTTP/1.1 400")
                .contains("unreadable-body:malformed");
        // the failures (events FAILED) are looked for after each test
    }

    @Test
    void aFormWithAnEmptyBodyAndABadEscapeInTheQueryIsUnreadableNotAGuardFailure() throws Exception {
        start(true);
        assertThat(post("/login?x=%zz&username=bob", "application/x-www-form-urlencoded", new byte[0]))
                .startsWith("HTTP/1.1 400")
                .contains("unreadable-body:malformed");
    }

    @Test
    void aFormBodyBecomesParametersOnlyForTheMethodsTheContainerParsesItForButIsJudgedForAll() throws Exception {
        start(true);
        // Jetty parses the form body of a POST and a PUT into parameters, of no other method
        for (String method : List.of("POST", "PUT", "GET", "DELETE", "PATCH", "OPTIONS")) {
            String expected = method.equals("POST") || method.equals("PUT") ? "[ann@gmail.com]" : "[]";
            String body = "username=" + method + "&email=ann%40gmail.com";
            assertThat(send(method, "/login?q=1", "application/x-www-form-urlencoded", ascii(body)))
                    .as(method)
                    .startsWith("HTTP/1.1 200")
                    .contains("email=" + expected);
        }
        // the guard still judges what an earlier or later form parser (Spring's FormContentFilter) may bind
        for (int i = 0; i < 2; i++) {
            assertThat(send("GET", "/login", "application/x-www-form-urlencoded", ascii("username=victim")))
                    .startsWith("HTTP/1.1 200");
        }
        assertThat(send("GET", "/login", "application/x-www-form-urlencoded", ascii("username=victim")))
                .startsWith("HTTP/1.1 429");
        assertThat(send("DELETE", "/login", "application/x-www-form-urlencoded", ascii("username=victim")))
                .startsWith("HTTP/1.1 429");
    }

    @Test
    void aBodyCapBeyondOneMebibyteIsRefusedByTheBuilder() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> AbuseGuardFilter.builder().maxBodyBytes(Integer.MAX_VALUE))
                .withMessageContaining("1048576");
        events.clear();
        server = new Server(); // nothing to stop but the empty server
    }

    private String post(String path, String contentType, byte[] body) throws IOException {
        return send("POST", path, contentType, body);
    }

    private String send(String method, String path, String contentType, byte[] body) throws IOException {
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: "
                + contentType + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(head.getBytes(StandardCharsets.ISO_8859_1));
        request.write(body);
        return exchange(request.toByteArray());
    }

    private String exchange(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", ((ServerConnector) server.getConnectors()[0]).getLocalPort())) {
            socket.setSoTimeout(60_000); // bounds a failure only: the read ends at the server's answer
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Tells the values of the address parameter, as the application's {@code @RequestParam} gets them. */
    static final class AddressEcho extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String[] addresses = request.getParameterValues("address");
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().printf("address=%s", addresses == null ? "null" : Arrays.toString(addresses));
        }
    }

    /** Counts every read of the body, its parts or its parameters through it. */
    static final class BodyReadCounting extends HttpServletRequestWrapper {
        private final AtomicInteger reads;

        BodyReadCounting(HttpServletRequest request, AtomicInteger reads) {
            super(request);
            this.reads = reads;
        }

        @Override
        public Collection<Part> getParts() throws IOException, ServletException {
            reads.incrementAndGet();
            return super.getParts();
        }

        @Override
        public Part getPart(String name) throws IOException, ServletException {
            reads.incrementAndGet();
            return super.getPart(name);
        }

        @Override
        public String getParameter(String name) {
            reads.incrementAndGet();
            return super.getParameter(name);
        }

        @Override
        public String[] getParameterValues(String name) {
            reads.incrementAndGet();
            return super.getParameterValues(name);
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            reads.incrementAndGet();
            return super.getParameterMap();
        }

        @Override
        public Enumeration<String> getParameterNames() {
            reads.incrementAndGet();
            return super.getParameterNames();
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            reads.incrementAndGet();
            return super.getInputStream();
        }

        @Override
        public BufferedReader getReader() throws IOException {
            reads.incrementAndGet();
            return super.getReader();
        }
    }

    /** Tells what the application sees: the e-mail parameter's values, then the body's digest. */
    static final class ParameterEcho extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            boolean form = request.getContentType() != null
                    && request.getContentType().startsWith("application/x-www-form-urlencoded");
            String[] emails = form ? request.getParameterValues("email") : null;
            byte[] body = form ? new byte[0] : request.getInputStream().readAllBytes();
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter()
                    .printf(
                            "email=%s sha=%s%s",
                            emails == null ? "[]" : Arrays.toString(emails),
                            TestServer.sha256(body),
                            jsonParts(request));
        }

        /** The JSON parts of a multipart body, as the application reads them: {@code " json=[...]"}. */
        private static String jsonParts(HttpServletRequest request) throws IOException {
            if (request.getContentType() == null || !request.getContentType().startsWith("multipart/")) {
                return "";
            }
            List<String> json = new java.util.ArrayList<>();
            try {
                for (Part part : request.getParts()) {
                    if ("application/json".equals(part.getContentType())) {
                        json.add(new String(part.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            } catch (ServletException | RuntimeException noParts) {
                return " json=none";
            }
            return " json=" + json;
        }
    }
}
