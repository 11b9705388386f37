package io.github.abuseguard.spring;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.internal.Spelling;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.Ordered;

/**
 * Turns an {@code abuse-guard.*} property that nothing binds into a start-up report that says which name it most
 * likely means and which names are known where it stands (user59 F8: Spring Boot's report said only that the
 * element was left unbound). Asked before Spring Boot's own analyzer of unbound properties, which answers for
 * any other prefix.
 */
final class UnknownSettingFailureAnalyzer extends AbstractFailureAnalyzer<UnboundConfigurationPropertiesException>
        implements Ordered {

    private static final String PREFIX = AbuseGuardSettings.PREFIX + ".";

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    protected @Nullable FailureAnalysis analyze(Throwable rootFailure, UnboundConfigurationPropertiesException cause) {
        List<String> problems = new ArrayList<>();
        List<String> origins = new ArrayList<>();
        for (ConfigurationProperty property : unboundProperties(rootFailure, cause)) {
            String name = property.getName().toString();
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            String problem = problem(name, property.getValue() == null ? "" : String.valueOf(property.getValue()));
            if (problem != null) {
                problems.add(problem);
                origins.add(property.getOrigin() == null ? name : name + " (" + property.getOrigin() + ")");
            }
        }
        if (problems.isEmpty()) {
            return null;
        }
        // the other failures of the same start, such as a value that does not convert (review103 F3)
        for (Throwable failure = rootFailure; failure != null; failure = failure.getCause()) {
            for (Throwable suppressed : failure.getSuppressed()) {
                if (suppressed instanceof BindException other
                        && !(other.getCause() instanceof UnboundConfigurationPropertiesException)) {
                    problems.add(other.getName() + ": "
                            + NestedExceptionUtils.getMostSpecificCause(other).getMessage());
                }
            }
        }
        return new FailureAnalysis(
                "Unknown abuse-guard configuration:\n    " + String.join("\n    ", problems),
                "Correct or remove " + String.join(", ", origins) + " in your application configuration.",
                cause);
    }

    /**
     * The properties {@code cause} left unbound, then those of the other sections' failures that the binder
     * suppressed in the one it threw (user65 F3: every misspelt key of one start, not one section's).
     */
    private static Set<ConfigurationProperty> unboundProperties(
            Throwable rootFailure, UnboundConfigurationPropertiesException cause) {
        Set<ConfigurationProperty> unbound = new LinkedHashSet<>(cause.getUnboundProperties());
        for (Throwable failure = rootFailure; failure != null; failure = failure.getCause()) {
            for (Throwable suppressed : failure.getSuppressed()) {
                for (Throwable inner = suppressed; inner != null; inner = inner.getCause()) {
                    if (inner instanceof UnboundConfigurationPropertiesException other) {
                        unbound.addAll(other.getUnboundProperties());
                    }
                }
            }
        }
        return unbound;
    }

    /** What is wrong with the unbound property {@code name}, or {@code null} when this class cannot tell. */
    static @Nullable String problem(String name, String value) {
        String path = name.substring(PREFIX.length());
        int end = segmentEnd(path, 0);
        String first = path.substring(0, end);
        List<String> starter = SettingsBinder.componentNames(AbuseGuardProperties.Starter.class);
        Class<? extends Record> section = starterSection(first);
        if (section != null) {
            if (end >= path.length()) {
                return value.isBlank() ? emptySection(name) : null;
            }
            int from = end + 1;
            String second = path.substring(from, segmentEnd(path, from));
            return unknown(PREFIX + first + "." + second, second, SettingsBinder.componentNames(section));
        }
        List<String> root = new ArrayList<>(SettingsBinder.knownAtRoot(new AbuseGuardSettings()));
        root.addAll(starter);
        if (!known(first, root)) {
            root.sort(null);
            return unknown(PREFIX + first, first, root);
        }
        try {
            AbuseGuardSettings.bind(Map.of(name, value));
            // the plain binder knows it: an empty section's key is left unbound by Spring Boot's binder, whose own
            // report says only that (user68 F2); for anything else that report says why
            return value.isBlank() ? emptySection(name) : null;
        } catch (InvalidSettingException e) {
            return e.getMessage();
        }
    }

    private static String emptySection(String name) {
        return name + ": an empty section (a key with nothing under it, or an empty value): remove the key to keep"
                + " its defaults, or give it its properties";
    }

    private static String unknown(String key, String token, List<String> known) {
        return key + ": unknown property '" + token + "'" + Spelling.suggestion(token, known);
    }

    /** The record of a section only the starter has ({@code filter}, {@code report}, ...), or {@code null}. */
    @SuppressWarnings("unchecked")
    private static @Nullable Class<? extends Record> starterSection(String token) {
        for (RecordComponent component : AbuseGuardProperties.Starter.class.getRecordComponents()) {
            if (Spelling.sameName(component.getName(), token)) {
                return (Class<? extends Record>) component.getType();
            }
        }
        return null;
    }

    private static boolean known(String token, List<String> known) {
        for (String name : known) {
            if (Spelling.sameName(name, token)) {
                return true;
            }
        }
        return false;
    }

    /** Where the segment of {@code path} starting at {@code from} ends: the next {@code .}, {@code [} or the end. */
    private static int segmentEnd(String path, int from) {
        int end = from;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
            end++;
        }
        return end;
    }
}
