package io.github.abuseguard.examples.demo;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names, and the label names each selector matches on, that a PromQL expression reads.
 * Enough PromQL for our dashboard and rules: selectors with label matchers, range vectors, functions,
 * aggregations with {@code by}/{@code without}, vector matching and arithmetic.
 */
final class PromQlMetricNames {
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*\\{([^}]*)\\}");
    private static final Pattern MATCHER_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "inf",
            "nan");

    private PromQlMetricNames() {}

    /** Each metric the expression reads, with the labels its selectors match on (possibly none). */
    static Map<String, Set<String>> of(String expression) {
        Map<String, Set<String>> metrics = new LinkedHashMap<>();
        // A label value may hold braces or words, so strings are emptied before anything else is read.
        String text = STRING.matcher(expression).replaceAll("\"\"");
        Matcher selector = SELECTOR.matcher(text);
        StringBuilder rest = new StringBuilder();
        while (selector.find()) {
            String name = selector.group(1);
            Set<String> labels = new LinkedHashSet<>();
            Matcher label = MATCHER_LABEL.matcher(selector.group(2));
            while (label.find()) {
                labels.add(label.group(1));
            }
            if (name == null) {
                throw new IllegalArgumentException("a selector without a metric name: " + expression);
            }
            metrics.computeIfAbsent(name, key -> new LinkedHashSet<>()).addAll(labels);
            selector.appendReplacement(rest, " ");
        }
        selector.appendTail(rest);
        text = STRING.matcher(rest).replaceAll(" ");
        text = GROUPING.matcher(text).replaceAll(" ");
        text = RANGE.matcher(text).replaceAll(" ");
        Matcher identifier = IDENTIFIER.matcher(text);
        while (identifier.find()) {
            String word = identifier.group();
            int after = identifier.end();
            while (after < text.length() && Character.isWhitespace(text.charAt(after))) {
                after++;
            }
            boolean function = after < text.length() && text.charAt(after) == '(';
            boolean grafanaVariable = identifier.start() > 0 && text.charAt(identifier.start() - 1) == '$';
            boolean exponent = identifier.start() > 0 && Character.isDigit(text.charAt(identifier.start() - 1));
            if (!function && !grafanaVariable && !exponent && !KEYWORDS.contains(word.toLowerCase())) {
                metrics.computeIfAbsent(word, key -> new LinkedHashSet<>());
            }
        }
        return metrics;
    }
}
