package io.github.abuseguard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a guard tells operators about itself, as {@link Guard#describe()} returns it: its name, its
 * rules with where each came from and its settings, and its live state (routes under attack, learned
 * baselines, the endpoint inventory). The Actuator endpoint shows it as it is.
 *
 * <p>Immutable, and made of plain values only: every setting and state value is a {@link String},
 * {@link Number}, {@link Boolean}, or an unmodifiable list or map of those, in the order the guard
 * gave them, so that any JSON writer can show it. The builder turns an enum into its kebab-case name
 * ({@code UNDER_ATTACK} becomes {@code under-attack}), a {@link Duration} into its ISO-8601 text and any
 * other object into its {@code toString()}; it leaves {@code null} values out.
 *
 * @param name the guard's name, as {@link Guard#name()}
 * @param rules the guard's rules, in the order it applies them
 * @param state live state worth showing, keyed by a stable camel-case name; empty when there is none
 */
public record GuardDescription(String name, List<Rule> rules, Map<String, Object> state) {

    /**
     * One rule of a guard.
     *
     * @param name the rule's name
     * @param source where the rule came from: {@code properties}, or the annotation and handler that
     *     declared it, such as {@code @RateLimit on OrdersController.order}
     * @param settings what the rule does, keyed by the property names users write, in a stable order
     */
    public record Rule(String name, String source, Map<String, Object> settings) {

        public Rule {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(source, "source");
            settings = frozenMap(settings);
        }
    }

    public GuardDescription {
        Objects.requireNonNull(name, "name");
        rules = List.copyOf(rules);
        state = frozenMap(state);
    }

    /** A guard with neither rules nor state to show. */
    public static GuardDescription of(String name) {
        return new GuardDescription(name, List.of(), Map.of());
    }

    /** Starts the description of the guard of this name. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Collects rules and state in order; {@link #build()} freezes them. */
    public static final class Builder {
        private final String name;
        private final List<Rule> rules = new ArrayList<>();
        private final Map<String, Object> state = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Adds a rule: its paths and methods, then {@code settings}, under its name and source. */
        public Builder rule(GuardRule rule, Map<String, ?> settings) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("paths", rule.paths());
            view.put("methods", rule.methods());
            view.putAll(settings);
            return rule(rule.name(), rule.source(), view);
        }

        public Builder rule(String ruleName, String source, Map<String, ?> settings) {
            rules.add(new Rule(ruleName, source, new LinkedHashMap<>(settings)));
            return this;
        }

        /** Adds a piece of live state; a {@code null} value is left out. */
        public Builder state(String key, Object value) {
            if (value != null) {
                state.put(Objects.requireNonNull(key, "key"), value);
            }
            return this;
        }

        public GuardDescription build() {
            return new GuardDescription(name, rules, state);
        }
    }

    private static Map<String, Object> frozenMap(Map<String, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            if (value != null) {
                copy.put(Objects.requireNonNull(key, "key"), plain(value));
            }
        });
        return Collections.unmodifiableMap(copy);
    }

    private static Object plain(Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Enum<?> constant) {
            return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, entry) -> copy.put(String.valueOf(key), entry));
            return frozenMap(copy);
        }
        if (value instanceof Collection<?> values) {
            List<Object> copy = new ArrayList<>(values.size());
            for (Object entry : values) {
                if (entry != null) {
                    copy.add(plain(entry));
                }
            }
            return Collections.unmodifiableList(copy);
        }
        return value.toString();
    }
}
