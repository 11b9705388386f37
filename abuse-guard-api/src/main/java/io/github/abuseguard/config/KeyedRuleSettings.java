package io.github.abuseguard.config;

import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRule;
import java.util.List;
import java.util.function.Function;

/**
 * A rule that counts per key and answers what it refuses: {@code key} and {@code action} besides
 * {@code paths} and {@code methods}, shared by the rate-limit, failure and volume rules.
 */
public abstract class KeyedRuleSettings extends RuleScopeSettings {

    /**
     * Whose count a request goes to: ip, header:NAME, session, principal, query:NAME, body:/pointer, or
     * several joined by +.
     */
    private String key = GuardRule.DEFAULT_KEY;

    /** How a refused request is answered: throttle (429), reject (403), tarpit, decoy, tag or log. */
    private Action action = GuardRule.KeyedBuilder.DEFAULT_ACTION;

    protected KeyedRuleSettings() {}

    protected KeyedRuleSettings(List<String> defaultPaths) {
        super(defaultPaths);
    }

    /**
     * As {@link #scope}, and the key these settings give.
     *
     * @throws InvalidSettingException naming the rule, the path, the methods or the key at fault
     */
    public <B extends GuardRule.KeyedBuilder<B>> B keyedScope(
            String name, PropertyPath at, Function<String, B> builder) {
        B rule = scope(name, at, builder);
        at.check("key", () -> rule.key(at.required(key, "key")));
        return rule;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public Action getAction() {
        return action;
    }

    public void setAction(Action action) {
        this.action = action;
    }
}
