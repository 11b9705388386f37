package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.ratelimit.RateLimitRule;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.greenbytes.http.sfv.IntegerItem;
import org.greenbytes.http.sfv.Item;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.Parameters;
import org.greenbytes.http.sfv.Parser;
import org.greenbytes.http.sfv.StringItem;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Every kind of denial answers as draft-ietf-httpapi-ratelimit-headers describes: the fields are read
 * back with an RFC 8941/9651 Structured Fields parser, the problem with a JSON parser, as a client would.
 */
class StandardAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Two limits in one rule: 2 per 10 s and 5 per hour. */
    private static RateLimitGuard burstAndHourly(Action action) {
        return RateLimitGuard.builder()
                .rule(RateLimitRule.builder("search")
                        .path("/api/**")
                        .limit(Limit.of(2, Duration.ofSeconds(10)))
                        .limit(Limit.of(5, Duration.ofHours(1)))
                        .action(action)
                        .build())
                .build();
    }

    /** Refuses /login with the given action, status and rule, as a behavioural guard does. */
    private static Guard behaviour(Action action, int status, String rule) {
        return new Guard() {
            @Override
            public String name() {
                return "sequence";
            }

            @Override
            public Decision check(GuardRequest request) {
                if (!request.path().startsWith("/login")) {
                    return Decision.allow();
                }
                var deny = Decision.deny(action)
                        .guard("sequence")
                        .reason("skipped-step")
                        .status(status);
                return (rule == null ? deny : deny.rule(rule)).build();
            }
        };
    }

    private record Policy(String name, Parameters params) {}

    /** Parses a List of String Items with parameters, failing on anything the draft does not allow. */
    private static List<Policy> parsePolicies(HttpResponse<String> response, String field) {
        List<String> lines = response.headers().allValues(field);
        assertThat(lines).as(field).isNotEmpty();
        List<Policy> policies = new ArrayList<>();
        for (ListElement<?> element : new Parser(lines).parseList().get()) {
            assertThat(element).as(field + " member").isInstanceOf(StringItem.class);
            policies.add(new Policy(((StringItem) element).get(), element.getParams()));
        }
        return policies;
    }

    private static long integer(Parameters params, String key) {
        Item<?> item = params.get(key);
        assertThat(item).as("parameter " + key).isInstanceOf(IntegerItem.class);
        return ((IntegerItem) item).get();
    }

    private static JsonNode problem(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        return JSON.readTree(response.body());
    }

    private static List<String> strings(JsonNode array) {
        assertThat(array.isArray()).as("an array").isTrue();
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.stringValue()));
        return values;
    }

    @Test
    void aRuleOfTwoLimitsAdvertisesBothInRateLimitPolicyAndRateLimit() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(burstAndHourly(Action.THROTTLE))
                        .build())
                .build();
        try (TestServer server = new TestServer(filter)) {
            HttpResponse<String> allowed = server.get("/api/search");

            assertThat(allowed.statusCode()).isEqualTo(200);
            List<Policy> policy = parsePolicies(allowed, "RateLimit-Policy");
            assertThat(policy).extracting(Policy::name).containsExactly("search-10s", "search-3600s");
            assertThat(integer(policy.get(0).params(), "q")).isEqualTo(2);
            assertThat(integer(policy.get(0).params(), "w")).isEqualTo(10);
            assertThat(integer(policy.get(1).params(), "q")).isEqualTo(5);
            assertThat(integer(policy.get(1).params(), "w")).isEqualTo(3600);
            List<Policy> state = parsePolicies(allowed, "RateLimit");
            assertThat(state).extracting(Policy::name).containsExactly("search-10s", "search-3600s");
            for (Policy limit : state) {
                assertThat(integer(limit.params(), "r")).isEqualTo(1);
                assertThat(integer(limit.params(), "t"))
                        .isBetween(1L, integer(policy.get(state.indexOf(limit)).params(), "w"));
                assertThat(limit.params()).doesNotContainKey("pk");
            }
        }
    }

    @Test
    void aThrottledClientGetsQuotaExceededNamingTheViolatedPoliciesAndParseableFields() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(burstAndHourly(Action.THROTTLE))
                        .build())
                .build();
        try (TestServer server = new TestServer(filter)) {
            server.get("/api/search");
            server.get("/api/search");

            HttpResponse<String> denied = server.get("/api/search");

            assertThat(denied.statusCode()).isEqualTo(429);
            IntegerItem retryAfter = (IntegerItem)
                    Parser.parseItem(denied.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter.get()).isBetween(1L, 10L);
            List<Policy> state = parsePolicies(denied, "RateLimit");
            assertThat(state)
                    .allSatisfy(
                            limit -> assertThat(integer(limit.params(), "r")).isZero());
            JsonNode problem = problem(denied);
            assertThat(problem.get("type").stringValue())
                    .isEqualTo("https://iana.org/assignments/http-problem-types#quota-exceeded");
            assertThat(problem.get("status").intValue()).isEqualTo(429);
            assertThat(strings(problem.get("violated-policies")))
                    .containsExactlyElementsOf(parsePolicies(denied, "RateLimit-Policy").stream()
                            .map(Policy::name)
                            .toList());
        }
    }

    @Test
    void aRateLimitRefusedWithRejectStillAnswersQuotaExceeded() throws Exception {
        for (Action action : List.of(Action.REJECT)) {
            AbuseGuardFilter filter = AbuseGuardFilter.builder()
                    .engine(AbuseGuard.builder().guard(burstAndHourly(action)).build())
                    .build();
            try (TestServer server = new TestServer(filter)) {
                server.get("/api/search");
                server.get("/api/search");

                HttpResponse<String> denied = server.get("/api/search");

                assertThat(denied.statusCode()).as(action.name()).isEqualTo(429);
                assertThat(problem(denied).get("type").stringValue()).endsWith("#quota-exceeded");
                assertThat(parsePolicies(denied, "RateLimit-Policy")).hasSize(2);
            }
        }
    }

    /**
     * user60 F2: a rule keyed by a value any client may send (a mailbox, a query parameter) shows no quota fields, so
     * that nobody learns another's quota; its refusal was answered {@code abnormal-usage-detected}, "abnormal request
     * pattern", where README promises {@code quota-exceeded} for every rate limit.
     */
    @Test
    void aRateLimitOfAValueOthersMaySendStillAnswersQuotaExceededWithoutFields() throws Exception {
        RateLimitGuard perCode = RateLimitGuard.builder()
                .rule(RateLimitRule.builder("one-lookup-per-code")
                        .path("/api/**")
                        .key("query:code")
                        .limit(Limit.of(1, Duration.ofDays(1)))
                        .build())
                .build();
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(perCode).build())
                .build();
        try (TestServer server = new TestServer(filter)) {
            server.get("/api/search?code=A");

            HttpResponse<String> denied = server.get("/api/search?code=A");

            assertThat(denied.statusCode()).isEqualTo(429);
            assertThat(denied.headers().firstValue("RateLimit")).isEmpty();
            JsonNode problem = problem(denied);
            assertThat(problem.get("type").stringValue()).endsWith("#quota-exceeded");
            assertThat(strings(problem.get("violated-policies"))).containsExactly("one-lookup-per-code");
            assertThat(problem.get("detail").stringValue()).contains("1 request per 86400 s for this value");
        }
    }

    @Test
    void aSiteWideCapAnswersTemporaryReducedCapacityWithRetryAfterAndNoRateLimitFields() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(RateLimitGuard.builder()
                                .rule(RateLimitRule.builder("search-site")
                                        .path("/api/search")
                                        .key("global")
                                        .limit(Limit.of(1, Duration.ofMinutes(1)))
                                        .build())
                                .build())
                        .build())
                .build();
        try (TestServer server = new TestServer(filter)) {
            HttpResponse<String> allowed = server.get("/api/search");
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("RateLimit"))
                    .as("the site's traffic")
                    .isEmpty();
            assertThat(allowed.headers().firstValue("RateLimit-Policy")).isEmpty();

            HttpResponse<String> denied = server.get("/api/search");

            assertThat(denied.statusCode()).isEqualTo(429);
            assertThat(denied.headers().firstValue("Retry-After")).isPresent();
            assertThat(denied.headers().firstValue("RateLimit")).isEmpty();
            assertThat(denied.headers().firstValue("RateLimit-Policy")).isEmpty();
            JsonNode problem = problem(denied);
            assertThat(problem.get("type").stringValue())
                    .isEqualTo("https://iana.org/assignments/http-problem-types#temporary-reduced-capacity");
            assertThat(problem.get("title").stringValue())
                    .isEqualTo("Request cannot be satisfied due to temporary server capacity constraints");
            assertThat(strings(problem.get("violated-policies"))).containsExactly("search-site");
            assertThat(problem.get("reason").stringValue()).isEqualTo(RateLimitGuard.CAPACITY_REACHED);
        }
    }

    @Test
    void aBehaviouralRefusalAnswersAbnormalUsageDetectedNamingTheRuleWithoutRateLimitFields() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(behaviour(Action.REJECT, 403, "verify-before-checkout"))
                        .build())
                .build();
        try (TestServer server = new TestServer(filter)) {
            HttpResponse<String> denied = server.get("/login");

            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.headers().firstValue("RateLimit")).isEmpty();
            assertThat(denied.headers().firstValue("RateLimit-Policy")).isEmpty();
            JsonNode problem = problem(denied);
            assertThat(problem.get("type").stringValue())
                    .isEqualTo("https://iana.org/assignments/http-problem-types#abnormal-usage-detected");
            assertThat(problem.get("title").stringValue())
                    .isEqualTo("Request not satisfied due to detection of abnormal request pattern");
            assertThat(problem.get("status").intValue()).isEqualTo(403);
            assertThat(strings(problem.get("violated-policies"))).containsExactly("verify-before-checkout");
            assertThat(problem.get("reason").stringValue()).isEqualTo("skipped-step");
        }
    }

    @Test
    void aBehaviouralRefusalWithoutARuleNamesTheGuardAsTheViolatedPolicy() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(behaviour(Action.REJECT, 422, null))
                        .build())
                .build();
        try (TestServer server = new TestServer(filter)) {
            JsonNode problem = problem(server.get("/login"));

            assertThat(problem.get("status").intValue()).isEqualTo(422);
            assertThat(problem.get("type").stringValue()).endsWith("#abnormal-usage-detected");
            assertThat(strings(problem.get("violated-policies"))).containsExactly("sequence");
        }
    }

    @Test
    void aConfiguredProblemTypeBaseStillNamesTheReason() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(burstAndHourly(Action.THROTTLE))
                        .guard(behaviour(Action.REJECT, 403, "verify-before-checkout"))
                        .build())
                .problemTypeBase("https://example.com/problems/")
                .build();
        try (TestServer server = new TestServer(filter)) {
            JsonNode behavioural = problem(server.get("/login"));
            server.get("/api/search");
            server.get("/api/search");
            JsonNode quota = problem(server.get("/api/search"));

            assertThat(behavioural.get("type").stringValue()).isEqualTo("https://example.com/problems/skipped-step");
            assertThat(behavioural.get("title").stringValue()).isEqualTo("Forbidden");
            assertThat(quota.get("type").stringValue()).isEqualTo("https://example.com/problems/rate-limited");
            assertThat(strings(quota.get("violated-policies"))).containsExactly("search-10s", "search-3600s");
        }
    }

    /**
     * probe49b F4: a refusal named its guard, reason and rule, which told a crowd when a route was under attack.
     * With {@code explain(false)} every behavioural refusal is the same problem; a rate limit's quota still names
     * its policies, which the RateLimit fields name anyway and a client needs to wait.
     */
    @Test
    void unexplainedRefusalsNameNoGuardReasonOrRule() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(burstAndHourly(Action.THROTTLE))
                        .guard(behaviour(Action.REJECT, 403, "verify-before-checkout"))
                        .build())
                .explainRefusals(false)
                .build();
        try (TestServer server = new TestServer(filter)) {
            HttpResponse<String> refused = server.get("/login");
            server.get("/api/search");
            server.get("/api/search");
            JsonNode quota = problem(server.get("/api/search"));

            assertThat(refused.statusCode()).isEqualTo(403);
            JsonNode behavioural = problem(refused);
            assertThat(behavioural.propertyNames())
                    .containsExactlyInAnyOrder("type", "title", "status", "instance", "refused-by");
            assertThat(behavioural.get("type").stringValue()).isEqualTo(ProblemResponse.ABNORMAL_USAGE);
            assertThat(refused.body()).doesNotContain("sequence", "skipped-step", "verify-before-checkout");
            assertThat(quota.get("reason").stringValue()).isEqualTo("rate-limited");
            assertThat(strings(quota.get("violated-policies"))).containsExactly("search-10s", "search-3600s");
        }
    }

    @Test
    void unexplainedRefusalsUnderATypeBaseAreOneType() throws Exception {
        AbuseGuardFilter filter = AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder()
                        .guard(behaviour(Action.REJECT, 403, "verify-before-checkout"))
                        .build())
                .problemTypeBase("https://example.com/problems/")
                .explainRefusals(false)
                .build();
        try (TestServer server = new TestServer(filter)) {
            JsonNode behavioural = problem(server.get("/login"));

            assertThat(behavioural.get("type").stringValue()).isEqualTo("https://example.com/problems/refused");
            assertThat(behavioural.get("title").stringValue()).isEqualTo("Forbidden");
            assertThat(behavioural.has("reason")).isFalse();
        }
    }

    @Test
    void aPolicyNameWithQuotesAndControlCharactersStillParsesAsOneString() {
        String field = RateLimitFields.policy(List.of(
                new io.github.abuseguard.RateLimitStatus("we\"ird\\name\u0007", 3, 60, 1, 2),
                new io.github.abuseguard.RateLimitStatus("plain", 1, 1, 0, 1)));

        List<ListElement<?>> parsed = Parser.parseList(field).get();

        assertThat(parsed).hasSize(2);
        assertThat(((StringItem) parsed.get(0)).get()).isEqualTo("we\"ird\\name");
        assertThat(Map.copyOf(parsed.get(1).getParams()).keySet()).containsExactlyInAnyOrder("q", "w");
    }
}
