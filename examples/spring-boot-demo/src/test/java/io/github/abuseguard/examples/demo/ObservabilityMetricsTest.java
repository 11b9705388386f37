package io.github.abuseguard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The Grafana dashboard and the Prometheus rules in {@code observability/} read only metrics, and
 * labels, that the demo really exposes on {@code /actuator/prometheus} after some traffic: a metric
 * renamed in the code, or misspelt in a query, fails here.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "abuse-guard.client.trusted-proxies=127.0.0.1",
            Operator.NAME,
            Operator.PASSWORD,
            Operator.ROLES,
            "abuse-guard.bounce-notifications.enabled=true",
            "abuse-guard.bounce-notifications.secret=" + ObservabilityMetricsTest.BOUNCE_SECRET
        })
class ObservabilityMetricsTest {
    static final String BOUNCE_SECRET = "observability-test-secret";
    private static final Path OBSERVABILITY = Path.of("../../observability");
    /** Labels Prometheus adds when it scrapes, not the application. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    /** A sample line: name, then labels whose quoted values may hold braces (a route such as /api/scores/{game}). */
    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[^}\"]|\"(?:[^\"\\\\]|\\\\.)*\")*)\\})? ");

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private HttpResponse<String> get(String path, String client) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("X-Forwarded-For", client)
                        .header("Authorization", Operator.AUTHORIZATION)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @BeforeEach
    void sendAMixOfAllowedAndRefusedRequests() throws Exception {
        for (int i = 0; i < 25; i++) {
            get("/api/giftcards/CODE" + i, "203.0.113.77"); // 20 per minute, then refused
        }
        get("/api/scores/chess", "203.0.113.78");
        HttpResponse<String> bounce = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/abuse-guard/bounce-notifications"))
                        .header("Authorization", "Bearer " + BOUNCE_SECRET)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"type\":\"bounce\",\"recipients\":[\"gone@bounce.example\"]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bounce.statusCode()).as(bounce.body()).isLessThan(300);
    }

    /** Metric name to the label names its samples carry, from the Prometheus text format. */
    private Map<String, Set<String>> scrape() throws Exception {
        HttpResponse<String> response = get("/actuator/prometheus", "127.0.0.1");
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Set<String>> exposed = new HashMap<>();
        for (String line : response.body().split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.find()) {
                continue;
            }
            Set<String> labels = exposed.computeIfAbsent(sample.group(1), name -> new HashSet<>());
            if (sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                while (label.find()) {
                    labels.add(label.group(1));
                }
            }
        }
        return exposed;
    }

    static List<String> dashboardExpressions() throws Exception {
        JsonNode dashboard =
                new ObjectMapper().readTree(Files.readString(OBSERVABILITY.resolve("grafana-dashboard.json")));
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                expressions.add(target.get("expr").stringValue());
            }
        }
        for (JsonNode variable : dashboard.get("templating").get("list")) {
            JsonNode query = variable.get("query");
            Matcher labelValues =
                    Pattern.compile("label_values\\((.*),[^,]*\\)").matcher(query.stringValue());
            if (labelValues.matches()) {
                expressions.add(labelValues.group(1));
            }
        }
        return expressions;
    }

    @SuppressWarnings("unchecked")
    static List<String> ruleExpressions() throws Exception {
        Map<String, Object> rules = new Yaml().load(Files.readString(OBSERVABILITY.resolve("prometheus-rules.yml")));
        List<String> expressions = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                expressions.add((String) rule.get("expr"));
            }
        }
        return expressions;
    }

    /** What each expression reads that the scrape lacks, "metric" or "metric{label}". */
    private static Map<String, List<String>> missing(List<String> expressions, Map<String, Set<String>> exposed) {
        Map<String, List<String>> missing = new LinkedHashMap<>();
        for (String expression : expressions) {
            Map<String, Set<String>> used = PromQlMetricNames.of(expression);
            assertThat(used).as("metrics read by %s", expression).isNotEmpty();
            used.forEach((metric, labels) -> {
                if (!exposed.containsKey(metric)) {
                    missing.computeIfAbsent(expression, e -> new ArrayList<>()).add(metric);
                    return;
                }
                for (String label : labels) {
                    if (!TARGET_LABELS.contains(label) && !exposed.get(metric).contains(label)) {
                        missing.computeIfAbsent(expression, e -> new ArrayList<>())
                                .add(metric + "{" + label + "}");
                    }
                }
            });
        }
        return missing;
    }

    @Test
    void everyMetricTheDashboardQueriesIsExposedUnderItsPrometheusName() throws Exception {
        List<String> expressions = dashboardExpressions();

        assertThat(expressions).hasSizeGreaterThanOrEqualTo(12);
        assertThat(missing(expressions, scrape())).isEmpty();
    }

    @Test
    void everyMetricTheAlertRulesQueryIsExposedUnderItsPrometheusName() throws Exception {
        List<String> expressions = ruleExpressions();

        assertThat(expressions).hasSizeGreaterThanOrEqualTo(5);
        assertThat(missing(expressions, scrape())).isEmpty();
    }

    @Test
    void aRenamedMetricOrLabelIsReportedMissing() throws Exception {
        Map<String, Set<String>> exposed = scrape();
        Map<String, Set<String>> renamed = new HashMap<>(exposed);
        renamed.put("abuseguard_verdicts_total", renamed.remove("abuseguard_decisions_total"));
        List<String> dashboard = dashboardExpressions();

        assertThat(missing(dashboard, renamed))
                .isNotEmpty()
                .allSatisfy((expression, metrics) -> assertThat(metrics).contains("abuseguard_decisions_total"));
        assertThat(missing(ruleExpressions(), Map.of("abuseguard_store_available", Set.of())))
                .containsValue(List.of("abuseguard_decisions_total"));
        assertThat(missing(List.of("sum(rate(abuseguard_decisions_total{verdict=\"deny\"}[5m]))"), exposed))
                .containsValue(List.of("abuseguard_decisions_total{verdict}"));
    }

    @Test
    void theExtractorReadsNamesNotFunctionsLabelsOrStrings() {
        assertThat(PromQlMetricNames.of("sum by (job, route) (rate(a_total{outcome=~\"deny|x{y}\", job=~\"$job\"}[5m]))"
                        + " / on (job) group_left clamp_min(sum(b_seconds_count offset 5m), 1e-9) > 0.5 and c"))
                .containsOnlyKeys("a_total", "b_seconds_count", "c")
                .containsEntry("a_total", Set.of("outcome", "job"));
    }
}
