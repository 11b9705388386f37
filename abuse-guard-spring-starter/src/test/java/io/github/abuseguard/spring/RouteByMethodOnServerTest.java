package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.AbuseGuardExempt;
import io.github.abuseguard.spring.annotation.AbuseGuardMonitor;
import io.github.abuseguard.spring.annotation.RateLimit;
import io.github.abuseguard.spring.annotation.RequiresPrior;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * probe45a F2: a request's route is the one Spring MVC sends it to, which depends on its method. A read of the
 * same resource mapped with another spelling of the variable ({@code GET .../{accountId}/payment-methods}) was
 * taken for the route of every method, so the {@code POST .../{id}/payment-methods} rule never applied and a card
 * was added before the e-mail was verified (201); a literal alias mapped for reading ({@code GET .../me/...})
 * did the same to a {@code POST .../me/...}, which Spring sends to the {@code {id}} handler. On a real Tomcat.
 */
@SpringBootTest(
        classes = RouteByMethodOnServerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.sequence.session=header:X-Session",
            "abuse-guard.rate-limit.rules.public.paths=/api/public/**",
            "abuse-guard.rate-limit.rules.public.limits[0].capacity=1000",
            "abuse-guard.rate-limit.rules.public.limits[0].period=1m"
        })
class RouteByMethodOnServerTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aStepIsRequiredOnItsOwnMethodsRouteBesideAReadOfAnotherVariableSpelling() throws Exception {
        assertThat(send("POST", "/api/accounts/7/payment-methods", "s1").statusCode())
                .as("a card before verifying")
                .isEqualTo(403);
        assertThat(send("GET", "/api/accounts/7/payment-methods", "s1").body())
                .as("the read is the read's own route, and is not refused")
                .isEqualTo("cards of 7");
        assertThat(send("POST", "/api/accounts/7/verify", "s1").statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/accounts/7/payment-methods", "s1").body()).isEqualTo("card for 7");
    }

    @Test
    void aLiteralAliasMappedForReadingDoesNotHideTheStepSpringSendsToTheVariablesRoute() throws Exception {
        HttpResponse<String> skipped = send("POST", "/api/accounts/me/payment-methods", "s2");
        assertThat(skipped.statusCode()).as(skipped.body()).isEqualTo(403);
        assertThat(send("GET", "/api/accounts/me/payment-methods", "s2").body()).isEqualTo("my cards");
        assertThat(send("POST", "/api/accounts/me/verify", "s2").statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/accounts/me/payment-methods", "s2").body())
                .isEqualTo("card for me");
    }

    /**
     * probe45a F4: {@code @AbuseGuardExempt} or {@code @AbuseGuardMonitor} on a read turned every guard off for
     * every method of its path: 30 of 30 cards added past a limit of 8 beside an exempt {@code GET}.
     */
    @Test
    void aMarkerOnAReadLeavesTheOtherMethodsOfItsPathGuarded() throws Exception {
        for (String resource : List.of("carts", "wishes")) {
            List<Integer> writes = new ArrayList<>();
            List<Integer> reads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                writes.add(send("POST", "/api/" + resource + "/7", "s3").statusCode());
                reads.add(send("GET", "/api/" + resource + "/7", "s3").statusCode());
            }
            assertThat(writes).as(resource).containsExactly(200, 200, 429, 429);
            assertThat(reads).as(resource + ": the marked read").containsOnly(200);
        }
    }

    /**
     * probe45a F5: a {@code @RequiresPrior} handler mapped without a method is sent every method, and the rule
     * covered five: {@code QUERY}, {@code PURGE} and a made-up {@code FOO} shipped an order never confirmed.
     */
    @Test
    void aHandlerOfEveryMethodRequiresItsPriorStepWhateverTheMethod() throws Exception {
        for (String method : List.of("FOO", "QUERY", "PURGE", "REPORT", "DELETE", "GET", "HEAD")) {
            assertThat(send(method, "/api/orders/9/ship", "s4").statusCode())
                    .as(method)
                    .isEqualTo(403);
        }
        assertThat(send("POST", "/api/orders/9/confirm", "s4").statusCode()).isEqualTo(200);
        assertThat(send("FOO", "/api/orders/9/ship", "s4").body()).isEqualTo("shipped 9");
    }

    /**
     * probe45a F3: Tomcat resolved {@code %2e%2e} before the guards read the path ({@code /api/payment-methods}, no
     * rule), while Spring MVC matched it as the account id {@code ..} and added the card: refused 400 now.
     */
    @Test
    void aDotSegmentThatSpringWouldMatchAsAVariableIsRefused() throws Exception {
        for (String path : List.of("/api/accounts/%2e%2e/payment-methods", "/api/accounts/%2E/payment-methods")) {
            HttpResponse<String> refused = send("POST", path, "s5");
            assertThat(refused.statusCode()).as(path).isEqualTo(400);
            assertThat(refused.body()).contains("dot-segment");
        }
    }

    /**
     * review45 F2: the CORS preflight of an exempt read was no longer exempt once the marker named the read's
     * method, and a rule of every method on the path made it refused as cross-site: the browser never sent the
     * read. The preflight is judged by the method it asks leave for.
     */
    @Test
    void thePreflightOfAnExemptReadIsExemptAsTheReadIs() throws Exception {
        HttpResponse<String> preflight = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/public/feed/1"))
                        .header("Origin", "https://partner.example")
                        .header("Access-Control-Request-Method", "GET")
                        .header("Sec-Fetch-Site", "cross-site")
                        .header("Sec-Fetch-Mode", "cors")
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).as(preflight.body()).isNotEqualTo(403);
        assertThat(preflight.body()).doesNotContain("cross-site");
    }

    /**
     * review45 F4: a handler's {@code @AbuseGuardExempt} was matched against paths, so an exempt
     * {@code GET /api/profiles/{id}} also exempted the limited {@code GET /api/profiles/me} Spring serves with
     * another handler.
     */
    @Test
    void anExemptHandlerLeavesAMoreSpecificHandlerOfItsShapeGuarded() throws Exception {
        List<Integer> mine = new ArrayList<>();
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            mine.add(send("GET", "/api/profiles/me", "s6").statusCode());
            others.add(send("GET", "/api/profiles/7", "s6").statusCode());
        }
        assertThat(mine).containsExactly(200, 200, 429, 429);
        assertThat(others).as("the exempt handler's requests").containsOnly(200);
    }

    /**
     * review45 F1: a more specific handler that takes a request only under a condition the client chooses
     * ({@code consumes}, {@code params}) does not hide the handler Spring sends the request to when the condition
     * fails: the {@code {id}} handler's {@code @RequiresPrior} applies.
     */
    @Test
    void aConditionalHandlerDoesNotHideTheHandlerSpringFallsBackTo() throws Exception {
        HttpResponse<String> json = send("POST", "/api/accounts/me/payment-methods", "s7");
        assertThat(json.statusCode())
                .as("JSON beside a consumes=xml handler: " + json.body())
                .isEqualTo(403);
        HttpResponse<String> plain = send("POST", "/api/orders/latest/ship", "s7");
        assertThat(plain.statusCode())
                .as("no ?preview beside a params handler: " + plain.body())
                .isEqualTo(403);
        assertThat(send("POST", "/api/orders/latest/ship?preview", "s7").body())
                .as("the condition met: the conditional handler, which requires nothing")
                .isEqualTo("preview");
    }

    /** review45 F5: Spring ranks {@code /api/v1/**} after {@code /api/{version}/{kind}}, and so does the guard. */
    @Test
    void aPatternCapturingTheRestDoesNotHideAVariablesHandler() throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/transfers", "s8");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(403);
        assertThat(send("GET", "/api/v1/a/b", "s8").body()).isEqualTo("legacy");
    }

    /**
     * review45 F3, probe45c F3: an exempt {@code GET} handler beside a handler of every method of the same route
     * covered that handler's requests too ({@code get}, which Spring sends it, or any {@code GET} when Spring picks
     * by conditions): the guard cannot tell them apart, so the marker is not applied (a start-up warning says so)
     * and both handlers' requests are limited.
     */
    @Test
    void aMarkerSharedWithAnUnmarkedHandlerOfItsRouteIsNotApplied() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        String first = null;
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = send(i % 2 == 0 ? "get" : "GET", "/api/items/7", "s9");
            statuses.add(response.statusCode());
            first = first == null ? response.body() : first;
        }
        assertThat(first).as("Spring's handler of every method serves 'get'").isEqualTo("any items 7");
        assertThat(statuses).containsExactly(200, 200, 429, 429);
    }

    /**
     * probe45c F1, F2: a template the table cannot match or rank as Spring does (a segment mixing text and a
     * variable, a variable with a regular expression) beside another of the same method: Spring is asked which it
     * is. {@code POST /api/tasks/5:ship} is the {@code {id}:ship} handler's (it skipped its required step), and
     * {@code GET /api/users/bob} the {@code {name:[a-z]+}} handler's (the exempt {@code {id:\d+}} took it).
     */
    @Test
    void aPatternTheTableCannotReadIsRoutedAsSpringRoutesIt() throws Exception {
        HttpResponse<String> shipped = send("POST", "/api/tasks/5:ship", "s10");
        assertThat(shipped.statusCode()).as(shipped.body()).isEqualTo(403);
        assertThat(send("POST", "/api/tasks/5", "s10").body()).isEqualTo("task 5");
        List<Integer> byName = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byName.add(send("GET", "/api/users/bob", "s10").statusCode());
        }
        assertThat(byName).containsExactly(200, 200, 429, 429);
        assertThat(send("GET", "/api/users/42", "s10").body())
                .as("the exempt handler")
                .isEqualTo("user 42");
    }

    /**
     * review46 F1: of two handlers that capture the rest, Spring prefers the longer ({@code /api/{tenant}/export/**})
     * whatever its variables; the table ranked the exempt {@code /api/pub/**} first, and the limit never applied.
     */
    @Test
    void ofTwoCatchAllsTheLongerIsTheRouteAsInSpring() throws Exception {
        assertThat(statuses("GET", "/api/pub/export/x", "s11", "exported pub")).containsExactly(200, 200, 429, 429);
    }

    /**
     * review46 F2: Tomcat merged {@code //} before the guards read the path (the exempt {@code /api/catch/free}),
     * while Spring MVC served it with the limited {@code /api/catch/**}: refused 400 now, as a dot segment is.
     */
    @Test
    void anEmptySegmentIsRefused() throws Exception {
        HttpResponse<String> refused = send("GET", "/api/catch//free", "s12");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("empty-segment");
    }

    /** review46 F3: {@code /api/w?/report} was a literal the table matched to no path; the exempt sibling took it. */
    @Test
    void aPatternWithASingleCharacterWildcardIsRoutedAsSpringRoutesIt() throws Exception {
        assertThat(statuses("GET", "/api/w1/report", "s13", "w report")).containsExactly(200, 200, 429, 429);
    }

    /**
     * review46 F7, F9: a monitored handler's route covered {@code /api/mon/free/} and the resolved {@code
     * /api/mon/%2e%2e/mon/free}, which Spring MVC serves with the limited {@code /api/mon/**}: the limit's and the
     * dot segment's refusals were only reported.
     */
    @Test
    void aMonitoredRouteCoversOnlyItsExactPath() throws Exception {
        assertThat(statuses("GET", "/api/mon/free/", "s14", "mon caught")).containsExactly(200, 200, 429, 429);
        HttpResponse<String> dots = send("GET", "/api/mon/%2e%2e/mon/free", "s14");
        assertThat(dots.statusCode()).as(dots.body()).isEqualTo(400);
    }

    /**
     * probe46b F1: a handler's annotation rule was scoped by its template as a path pattern, so the {@code
     * /api/goods/{id}} limit also held (and shared its bucket with) the unannotated {@code /api/goods/me} beside it.
     */
    @Test
    void aHandlersRuleHoldsItsOwnRequestsNotAMoreSpecificSiblings() throws Exception {
        assertThat(statuses("GET", "/api/goods/me", "s15", "my goods")).containsOnly(200);
        assertThat(statuses("GET", "/api/goods/7", "s15", "goods 7")).containsExactly(200, 200, 429, 429);
    }

    /**
     * review46 F8: a {@code params} condition met by a form body alone: Spring MVC sends {@code delete=1} to the
     * limited {@code params = "delete"} handler, while the mappings, shown the query string only, named the exempt
     * {@code {id}} handler, and every guard was skipped. The form's fields are shown to them now.
     */
    @Test
    void aParamsConditionMetByAFormBodyIsRoutedAsSpringRoutesIt() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/forms/me"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("note=x&delete=1"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                assertThat(response.body()).isEqualTo("deleted");
            }
            statuses.add(response.statusCode());
        }
        assertThat(statuses).containsExactly(200, 200, 429, 429);
        assertThat(send("POST", "/api/forms/me", "s16").body())
                .as("without the field: the exempt handler")
                .isEqualTo("form me");
    }

    private List<Integer> statuses(String method, String path, String session, String servedBy) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = send(method, path, session);
            if (response.statusCode() == 200) {
                assertThat(response.body()).as(path).isEqualTo(servedBy);
            }
            statuses.add(response.statusCode());
        }
        return statuses;
    }

    private HttpResponse<String> send(String method, String path, String session) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/json")
                        .header("X-Session", session)
                        .method(
                                method,
                                method.equals("GET")
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Accounts.class)
    static class App {}

    @RestController
    static class Accounts {
        /** Declared (by name) before the step's handler, as the probe's was. */
        @GetMapping("/api/accounts/{accountId}/payment-methods")
        String accountCards(@PathVariable("accountId") String accountId) {
            return "cards of " + accountId;
        }

        @GetMapping("/api/accounts/me/payment-methods")
        String aliasCards() {
            return "my cards";
        }

        @RequiresPrior("POST /api/accounts/{id}/verify")
        @PostMapping("/api/accounts/{id}/payment-methods")
        String addPaymentMethod(@PathVariable("id") String id) {
            return "card for " + id;
        }

        @PostMapping("/api/accounts/{id}/verify")
        String verify(@PathVariable("id") String id) {
            return id;
        }

        @PostMapping("/api/orders/{id}/confirm")
        String confirm(@PathVariable("id") String id) {
            return id;
        }

        @RequiresPrior("POST /api/orders/{id}/confirm")
        @RequestMapping("/api/orders/{id}/ship")
        String ship(@PathVariable("id") String id) {
            return "shipped " + id;
        }

        @PostMapping(value = "/api/accounts/me/payment-methods", consumes = "application/xml")
        String importXml() {
            return "xml import";
        }

        @PostMapping(value = "/api/orders/latest/ship", params = "preview")
        String preview() {
            return "preview";
        }

        @RequestMapping("/api/v1/**")
        String legacy() {
            return "legacy";
        }

        @RequiresPrior("POST /api/accounts/{id}/verify")
        @PostMapping("/api/{version}/{kind}")
        String create(@PathVariable("version") String version, @PathVariable("kind") String kind) {
            return "created " + version + " " + kind;
        }

        @AbuseGuardExempt
        @GetMapping("/api/items/{id}")
        String item(@PathVariable("id") String id) {
            return "item " + id;
        }

        @RateLimit(name = "any-items", capacity = 2, period = "1m")
        @RequestMapping("/api/items/{id}")
        String anyItem(@PathVariable("id") String id) {
            return "any items " + id;
        }

        @PostMapping("/api/tasks/{id}")
        String updateTask(@PathVariable("id") String id) {
            return "task " + id;
        }

        @PostMapping("/api/tasks/{id}/confirm")
        String confirmTask(@PathVariable("id") String id) {
            return id;
        }

        @RequiresPrior("POST /api/tasks/{id}/confirm")
        @PostMapping("/api/tasks/{id}:ship")
        String shipTask(@PathVariable("id") String id) {
            return "shipped task " + id;
        }

        @AbuseGuardExempt
        @GetMapping("/api/users/{id:\\d+}")
        String userById(@PathVariable("id") String id) {
            return "user " + id;
        }

        @RateLimit(name = "users-by-name", capacity = 2, period = "1m")
        @GetMapping("/api/users/{name:[a-z]+}")
        String userByName(@PathVariable("name") String name) {
            return "user named " + name;
        }

        @AbuseGuardExempt
        @GetMapping("/api/profiles/{id}")
        String profile(@PathVariable("id") String id) {
            return id;
        }

        @RateLimit(name = "my-profile", capacity = 2, period = "1m")
        @GetMapping("/api/profiles/me")
        String myProfile() {
            return "my profile";
        }

        @AbuseGuardExempt
        @GetMapping("/api/public/feed/{id}")
        String feed(@PathVariable("id") String id) {
            return id;
        }

        @AbuseGuardExempt
        @GetMapping("/api/carts/{id}")
        String cart(@PathVariable("id") String id) {
            return id;
        }

        @RateLimit(name = "cart-writes", capacity = 2, period = "1m")
        @PostMapping("/api/carts/{id}")
        String addToCart(@PathVariable("id") String id) {
            return id;
        }

        @AbuseGuardExempt
        @PostMapping("/api/forms/{id}")
        String form(@PathVariable("id") String id) {
            return "form " + id;
        }

        @RateLimit(name = "form-deletes", capacity = 2, period = "1m")
        @PostMapping(value = "/api/forms/me", params = "delete")
        String deleteForm() {
            return "deleted";
        }

        @RateLimit(name = "goods", capacity = 2, period = "1m")
        @GetMapping("/api/goods/{id}")
        String goods(@PathVariable("id") String id) {
            return "goods " + id;
        }

        @GetMapping("/api/goods/me")
        String myGoods() {
            return "my goods";
        }

        @AbuseGuardExempt
        @GetMapping("/api/pub/**")
        String pub() {
            return "pub";
        }

        @RateLimit(name = "tenant-exports", capacity = 2, period = "1m")
        @GetMapping("/api/{tenant}/export/**")
        String export(@PathVariable("tenant") String tenant) {
            return "exported " + tenant;
        }

        @AbuseGuardExempt
        @GetMapping("/api/catch/free")
        String free() {
            return "free";
        }

        @RateLimit(name = "caught", capacity = 2, period = "1m")
        @GetMapping("/api/catch/**")
        String caught() {
            return "caught";
        }

        @RateLimit(name = "w-reports", capacity = 2, period = "1m")
        @GetMapping("/api/w?/report")
        String wReport() {
            return "w report";
        }

        @AbuseGuardExempt
        @GetMapping("/api/{x}/report")
        String report(@PathVariable("x") String x) {
            return "report " + x;
        }

        @AbuseGuardMonitor
        @GetMapping("/api/mon/free")
        String monFree() {
            return "mon free";
        }

        @RateLimit(name = "mon-caught", capacity = 2, period = "1m")
        @GetMapping("/api/mon/**")
        String monCaught() {
            return "mon caught";
        }

        /** Monitored: its own denials (none here) only reported. */
        @AbuseGuardMonitor
        @GetMapping("/api/wishes/{id}")
        String wish(@PathVariable("id") String id) {
            return id;
        }

        @RateLimit(name = "wish-writes", capacity = 2, period = "1m")
        @PostMapping("/api/wishes/{id}")
        String addWish(@PathVariable("id") String id) {
            return id;
        }
    }
}
