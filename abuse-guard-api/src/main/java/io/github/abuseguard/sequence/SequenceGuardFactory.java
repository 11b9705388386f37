package io.github.abuseguard.sequence;

import io.github.abuseguard.Guard;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.config.AbstractGuardFactory;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.PropertyPath;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.internal.SettingsAssembler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link SequenceGuard} of {@code abuse-guard.sequence.*} and the {@link PrecedenceRule}s
 * annotations contribute; no guard when it has neither rules nor a model.
 */
public final class SequenceGuardFactory extends AbstractGuardFactory<SequenceSettings> {

    /** The section name. */
    public static final String NAME = "sequence";

    public SequenceGuardFactory() {
        super(NAME, 500);
    }

    private static final List<String> MODELS = List.of("off", "learn", "score", "learn-and-score");

    /**
     * The model's use as {@code model} names it. YAML 1.1, which both the starter's and the plain filter's
     * YAML readers follow, reads an unquoted {@code off} (and {@code no}) as the boolean false, so a
     * {@code false} here is what the user wrote as off; an unquoted {@code on} or {@code yes} arrives as
     * {@code true}, which names no model, and the error says to quote it.
     */
    private static String model(@Nullable String value, PropertyPath at) {
        String model =
                value == null ? SequenceSettings.DEFAULT_MODEL : value.trim().toLowerCase(Locale.ROOT);
        if (model.equals("false")) {
            return "off";
        }
        if (!MODELS.contains(model)) {
            throw at.child("model")
                    .invalid("'" + value + "' is not off, learn, score or learn-and-score"
                            + (model.equals("true")
                                    ? " (YAML reads an unquoted on or yes as true: quote the value, as 'learn')"
                                    : ""));
        }
        return model;
    }

    @Override
    protected @Nullable Guard build(SequenceSettings sequence, GuardContext context) {
        PropertyPath at = context.path();
        String model = model(sequence.model(), at);
        List<PrecedenceRule> rules = rules(
                sequence.rules(),
                PrecedenceRule.class,
                context,
                (name, rule, path) -> at.get("rules." + name, () -> precedenceRule(name, rule, path)));
        externalOperations(sequence.externalOperations(), at);
        if (rules.isEmpty() && model.equals("off")) {
            return null;
        }
        Duration idle = at.positive(sequence.idleGap(), "idle-gap");
        SequenceGuard.Builder builder =
                SequenceGuard.builder().timeSource(context.timeSource()).idleGap(idle);
        at.check("session", () -> builder.session(KeyResolver.parse(at.required(sequence.session(), "session"))));
        // A forbids rule ("at most once within 24h") must outlive the idle gap: the trails are kept for the
        // longest forbids window, and requires rules and the model still see only the current visit.
        Duration longestForbids = SequenceGuard.longestForbidsWindow(rules);
        Duration kept = longestForbids.compareTo(idle) > 0 ? longestForbids : idle;
        at.check(
                "trail-length", () -> builder.trails(context.store().trails("sequence", sequence.trailLength(), kept)));
        // The assembly's inventory when API discovery runs, so the guard and the inventory agree on templates;
        // else one of the guard's own, which only folds paths.
        EndpointInventory inventory = context.component(EndpointInventory.class)
                .orElseGet(() -> SettingsAssembler.inventory(sequence, at, context.timeSource()));
        builder.inventory(inventory);
        rules.forEach(builder::rule);
        if (!model.equals("off")) {
            // the model's own trails, of every answered request, kept for the idle gap (it scores a visit)
            at.check(
                    "trail-length",
                    () -> builder.modelTrails(context.store().trails("sequence-model", sequence.trailLength(), idle)));
            MarkovModel markov;
            if (sequence.modelFile() != null) {
                markov = at.get("model-file", () -> {
                    try {
                        return MarkovModel.fromJson(Files.readString(Path.of(sequence.modelFile())));
                    } catch (IOException e) {
                        throw new IllegalArgumentException("cannot read " + sequence.modelFile() + ": " + e);
                    }
                });
            } else {
                markov = new MarkovModel(1000);
            }
            at.check(
                    "model-quantile",
                    () -> builder.model(
                            markov,
                            SequenceGuard.ModelUse.valueOf(
                                    model.toUpperCase(Locale.ROOT).replace('-', '_')),
                            sequence.modelQuantile()));
            at.check(
                    "model-score",
                    () -> builder.strangePaths(
                            sequence.modelScore(),
                            sequence.modelDeny()
                                    ? SequenceGuard.StrangePathAnswer.DENY
                                    : SequenceGuard.StrangePathAnswer.FLAG));
        }
        return builder.build();
    }

    /**
     * {@code external-operations}, each as {@code METHOD /template} with the method canonical; the Spring Boot
     * starter checks the rules' steps against the routes and these.
     */
    private static List<String> externalOperations(List<String> operations, PropertyPath at) {
        List<String> canonical = new ArrayList<>(operations.size());
        for (int i = 0; i < operations.size(); i++) {
            String operation = operations.get(i);
            canonical.add(at.get("external-operations[" + i + "]", () -> PrecedenceRule.operation(operation)));
        }
        return canonical;
    }

    private static PrecedenceRule precedenceRule(String name, SequenceSettings.Rule rule, PropertyPath at) {
        if ((rule.requires() == null) == (rule.forbids() == null)) {
            throw new IllegalArgumentException("give exactly one of requires and forbids");
        }
        String status = rule.status() == null ? "any" : rule.status().trim().toLowerCase(Locale.ROOT);
        int statusClass;
        if (status.equals("any")) {
            statusClass = 0;
        } else if (status.matches("[1-5]xx")) {
            statusClass = status.charAt(0) - '0';
        } else {
            throw new IllegalArgumentException("status '" + rule.status() + "' is not 2xx, 3xx, 4xx, 5xx or any");
        }
        boolean requires = rule.requires() != null;
        String operation =
                at.get("operation", () -> PrecedenceRule.operation(at.required(rule.operation(), "operation")));
        String prior = requires
                ? at.get("requires", () -> PrecedenceRule.operation(rule.requires()))
                : at.get("forbids", () -> PrecedenceRule.operation(rule.forbids()));
        at.positive(rule.within(), "within");
        Duration delay = at.required(rule.minimumDelay(), "minimum-delay");
        if (delay.isNegative()) {
            throw at.child("minimum-delay").invalid("must not be negative, was " + Durations.written(delay));
        }
        return new PrecedenceRule(
                name,
                requires ? PrecedenceRule.Kind.REQUIRES : PrecedenceRule.Kind.FORBIDS,
                operation,
                prior,
                statusClass,
                rule.within(),
                rule.minimumDelay(),
                "properties");
    }
}
