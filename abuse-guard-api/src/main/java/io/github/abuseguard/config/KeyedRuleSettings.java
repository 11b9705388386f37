package io.github.abuseguard.config;

import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRule;
import java.util.function.Function;

/**
 * A rule that counts per key and answers what it refuses: {@code key} and {@code action} besides
 * {@code paths} and {@code methods}, shared by the rate-limit, failure and volume rules.
 */
public interface KeyedRuleSettings extends RuleScopeSettings {

    /** The default of {@code key}. */
    String DEFAULT_KEY = GuardRule.DEFAULT_KEY;

    /** The default of {@code action}. */
    String DEFAULT_ACTION = "throttle";

    /**
     * Whose count a request goes to: ip, header:NAME, session, principal, query:NAME, body:/pointer (folded as a
     * user name), body-exact:/pointer (case kept: a code), mailbox:/pointer (the inbox of an e-mail
     * address), or
     * several joined by +.
     */
    String key();

    /** How a refused request is answered: throttle (429), reject (403), tarpit, decoy, tag or log. */
    Action action();

    /**
     * As {@link #scope}, and the key these settings give.
     *
     * @throws InvalidSettingException naming the rule, the path, the methods or the key at fault
     */
    default <B extends GuardRule.KeyedBuilder<B>> B keyedScope(
            String name, PropertyPath at, Function<String, B> builder) {
        B rule = scope(name, at, builder);
        at.check("key", () -> rule.key(at.required(key(), "key")));
        return rule;
    }
}
