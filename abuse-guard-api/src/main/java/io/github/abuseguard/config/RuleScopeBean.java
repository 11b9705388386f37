package io.github.abuseguard.config;

import java.util.ArrayList;
import java.util.List;

/** {@link RuleScopeSettings} as a JavaBean, for the rule settings types that are not yet records. */
public abstract class RuleScopeBean implements RuleScopeSettings {

    /** Path patterns the rule applies to. */
    private List<String> paths = new ArrayList<>();

    /** HTTP methods the rule applies to; empty means the guard's default methods. */
    private List<String> methods = new ArrayList<>();

    protected RuleScopeBean() {}

    protected RuleScopeBean(List<String> defaultPaths) {
        this.paths = new ArrayList<>(defaultPaths);
    }

    @Override
    public List<String> paths() {
        return paths;
    }

    @Override
    public List<String> methods() {
        return methods;
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
}
