package io.github.abuseguard.config;

import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A {@link GuardFactory} given by its section name, settings type and constructor, and order; only
 * {@link #build} is left to write. {@link #create} builds no guard for settings that switch it off
 * ({@link GuardSettings#enabled()} false) and asks {@link #build} otherwise.
 *
 * <pre>{@code
 * public final class HoneypotGuardFactory extends AbstractGuardFactory<HoneypotSettings> {
 *     public HoneypotGuardFactory() {
 *         super("honeypot", 150);
 *     }
 *
 *     protected Guard build(HoneypotSettings settings, GuardContext context) { ... }
 * }
 * }</pre>
 *
 * @param <S> the settings type
 */
public abstract class AbstractGuardFactory<S> extends AbstractSettingsSection<S> implements GuardFactory<S> {

    private final int order;

    /**
     * A factory whose settings are the record its subclass names as {@code S}
     * ({@code extends AbstractGuardFactory<RateLimitSettings>}): its defaults are its components'
     * {@link Default}s.
     *
     * @param name the section's path under {@code abuse-guard.}, in kebab-case, such as {@code rate-limit}
     * @param order where the guard stands in the engine, see {@link GuardFactory#order()}
     * @throws IllegalArgumentException if {@code S} is not a record the subclass names
     */
    protected AbstractGuardFactory(String name, int order) {
        super(name);
        this.order = order;
    }

    /**
     * @param name the section's path under {@code abuse-guard.}, in kebab-case, such as {@code rate-limit}
     * @param type the settings type
     * @param defaults makes a settings object holding the defaults
     * @param order where the guard stands in the engine, see {@link GuardFactory#order()}
     */
    protected AbstractGuardFactory(String name, Class<S> type, Supplier<S> defaults, int order) {
        super(name, type, defaults);
        this.order = order;
    }

    @Override
    public final int order() {
        return order;
    }

    /**
     * No guard when {@code settings} switch it off ({@link GuardSettings#enabled()} false); else what
     * {@link #build} makes.
     */
    @Override
    public final @Nullable Guard create(S settings, GuardContext context) {
        if (settings instanceof GuardSettings guard && !guard.enabled()) {
            return null;
        }
        return build(settings, context);
    }

    /**
     * The guard of settings that do not switch it off, or {@code null} when they give it nothing to
     * check.
     *
     * @throws InvalidSettingException naming the property ({@link GuardContext#path()}) of a bad value
     */
    protected abstract @Nullable Guard build(S settings, GuardContext context);

    /**
     * The section's rules: those of {@code rules.NAME.*}, each made by {@code read} at its property path,
     * then the rules of {@code type} that annotations contributed to the context.
     *
     * @throws InvalidSettingException naming the property of a bad value
     */
    protected static <T, R> List<R> rules(
            Map<String, T> configured, Class<R> type, GuardContext context, RuleReader<T, R> read) {
        List<R> rules = configuredRules(configured, context.path(), read);
        rules.addAll(context.rules(type));
        return rules;
    }

    /**
     * The rules of {@code rules.NAME.*} under {@code at}, each made by {@code read} at its property path.
     *
     * @throws InvalidSettingException naming the property of a bad value
     */
    protected static <T, R> List<R> configuredRules(Map<String, T> configured, PropertyPath at, RuleReader<T, R> read) {
        List<R> rules = new ArrayList<>();
        configured.forEach((name, settings) -> rules.add(read.read(name, settings, at.child("rules." + name))));
        return rules;
    }

    /**
     * Hands each rule to {@code add} (a guard builder's {@code rule}); a refusal names the rule's property. A
     * name two rules share is refused naming both places that declare it (cfgrest 3: a configured rule and an
     * annotated one, where the error used to blame the properties alone): the property
     * {@code rules.NAME} of a configured rule, the annotation and method ({@link GuardRule#source()}) of
     * another.
     *
     * @throws InvalidSettingException naming {@code rules.NAME} of the refused rule
     */
    protected static <R extends GuardRule> void addRules(List<R> rules, PropertyPath at, Consumer<R> add) {
        Map<String, R> named = new HashMap<>();
        for (R rule : rules) {
            R earlier = named.putIfAbsent(rule.name(), rule);
            if (earlier != null) {
                throw at.child("rules." + rule.name())
                        .invalid("the rule name '" + rule.name() + "' is declared twice, by " + declaredBy(earlier, at)
                                + " and by " + declaredBy(rule, at) + "; rename one of them (an annotation's name"
                                + " attribute, or the key under " + at.child("rules") + ")");
            }
            at.check("rules." + rule.name(), () -> add.accept(rule));
        }
    }

    /** Where {@code rule} is declared: its property, for a rule of the properties, or its {@link GuardRule#source()}. */
    private static String declaredBy(GuardRule rule, PropertyPath at) {
        return CONFIGURED.equals(rule.source())
                ? at.child("rules." + rule.name()).toString()
                : rule.source();
    }

    /** The {@link GuardRule#source()} of a rule of the properties ({@link RuleScopeSettings}). */
    private static final String CONFIGURED = "properties";

    /**
     * Reads a part of a rule that its own {@code enabled} switches on, such as a failure rule's
     * {@code under-attack}: when {@code enabled}, hands what {@code read} makes at {@code at.section} to
     * {@code add} (a rule builder's setter). A value {@code read} refuses names the property below the
     * section that the refusal starts with, as the detectors' own checks write it ({@code window must be
     * positive} names {@code at.section.window}), or else the section.
     *
     * @throws InvalidSettingException naming {@code at.section}, or a property below it, of a bad value
     */
    protected static <T> void switchedOn(
            boolean enabled, PropertyPath at, String section, Function<PropertyPath, T> read, Consumer<T> add) {
        if (enabled) {
            PropertyPath under = at.child(section);
            T part;
            try {
                part = read.apply(under);
            } catch (IllegalArgumentException | IllegalStateException e) {
                if (e instanceof InvalidSettingException) {
                    throw e;
                }
                Matcher property = LEADING_PROPERTY.matcher(String.valueOf(e.getMessage()));
                throw property.lookingAt()
                        ? under.child(property.group(1)).invalid(e.getMessage().substring(property.end()))
                        : under.invalid(String.valueOf(e.getMessage()));
            }
            add.accept(part);
        }
    }

    /** A refusal that starts with the kebab-case property it is about: {@code min-ratio must be ...}. */
    private static final Pattern LEADING_PROPERTY = Pattern.compile("([a-z][a-z0-9-]*) (?=must )");

    /**
     * Makes one rule from its settings.
     *
     * @param <T> the rule's settings type
     * @param <R> the rule type
     */
    @FunctionalInterface
    protected interface RuleReader<T, R> {

        /**
         * @param at the rule's property path, such as {@code abuse-guard.origin.rules.checkout}
         * @throws InvalidSettingException naming the property of a bad value
         */
        R read(String name, T settings, PropertyPath at);
    }
}
