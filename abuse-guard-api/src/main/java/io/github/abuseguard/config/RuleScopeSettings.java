package io.github.abuseguard.config;

import io.github.abuseguard.GuardRule;
import java.util.List;
import java.util.function.Function;

/**
 * Where a configured rule applies: {@code paths} and {@code methods}, the two properties every guard's
 * rules share. Rule settings records implement it; their defaults differ per guard.
 */
public interface RuleScopeSettings {

    /** Path patterns the rule applies to. */
    List<String> paths();

    /** HTTP methods the rule applies to; empty means the guard's default methods. */
    List<String> methods();

    /**
     * Starts the builder of the configured rule {@code name} and gives it the scope these settings hold:
     * its paths and methods, declared in properties. Every guard's rule reader starts here, so a bad name,
     * path or method names its property in every guard alike.
     *
     * @param at the rule's property path, such as {@code abuse-guard.origin.rules.checkout}
     * @param builder starts a rule's builder from its name, such as {@code OriginRule::builder}
     * @throws InvalidSettingException naming the rule, the path or the methods at fault
     */
    default <B extends GuardRule.Builder<B>> B scope(String name, PropertyPath at, Function<String, B> builder) {
        B rule = at.get("", () -> builder.apply(name));
        rule.source("properties");
        List<String> paths = at.required(paths(), "paths");
        for (int i = 0; i < paths.size(); i++) {
            String path = at.required(paths.get(i), "paths[" + i + "]");
            at.check("paths[" + i + "]", () -> rule.path(path));
        }
        List<String> given = at.required(methods(), "methods");
        for (int i = 0; i < given.size(); i++) {
            String method = at.required(given.get(i), "methods[" + i + "]");
            at.check("methods[" + i + "]", () -> rule.methods(method));
        }
        return rule;
    }
}
