package io.github.abuseguard.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a configured rule applies: {@code paths} and {@code methods}, the two properties every guard's
 * rules share. Rule settings types extend it; their defaults differ per guard and are set in their
 * constructors.
 */
public abstract class RuleScopeSettings {

    /** Path patterns the rule applies to. */
    private List<String> paths = new ArrayList<>();

    /** HTTP methods the rule applies to; empty means the guard's default methods. */
    private List<String> methods = new ArrayList<>();

    protected RuleScopeSettings() {}

    protected RuleScopeSettings(List<String> defaultPaths) {
        this.paths = new ArrayList<>(defaultPaths);
    }

    public List<String> getPaths() {
        return paths;
    }

    public void setPaths(List<String> paths) {
        this.paths = paths;
    }

    public List<String> getMethods() {
        return methods;
    }

    public void setMethods(List<String> methods) {
        this.methods = methods;
    }

    /**
     * Hands each path to {@code builder}, naming {@code at.paths[i]} if one is refused.
     *
     * @throws InvalidSettingException naming the path at fault
     */
    public void applyPaths(PropertyPath at, java.util.function.Consumer<String> builder) {
        for (int i = 0; i < paths.size(); i++) {
            String path = paths.get(i);
            at.check("paths[" + i + "]", () -> builder.accept(path));
        }
    }

    /** The methods as an array, for a rule builder. */
    public String[] methodArray() {
        return methods.toArray(String[]::new);
    }
}
