package io.github.abuseguard.config;

import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRule;
import java.util.List;

/** {@link KeyedRuleSettings} as a JavaBean, for the rule settings types that are not yet records. */
public abstract class KeyedRuleBean extends RuleScopeBean implements KeyedRuleSettings {

    /**
     * Whose count a request goes to: ip, header:NAME, session, principal, query:NAME, body:/pointer, or
     * several joined by +.
     */
    private String key = GuardRule.DEFAULT_KEY;

    /** How a refused request is answered: throttle (429), reject (403), tarpit, decoy, tag or log. */
    private Action action = GuardRule.KeyedBuilder.DEFAULT_ACTION;

    protected KeyedRuleBean() {}

    protected KeyedRuleBean(List<String> defaultPaths) {
        super(defaultPaths);
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public Action action() {
        return action;
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
