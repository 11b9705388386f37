package io.github.abuseguard.failure;

import io.github.abuseguard.Guard;
import io.github.abuseguard.config.AbstractGuardFactory;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.PropertyPath;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link FailureGuard} of {@code abuse-guard.failure.*} and the {@link FailureRule}s
 * annotations contribute; no guard without rules.
 */
public final class FailureGuardFactory extends AbstractGuardFactory<FailureSettings> {

    /** The section name. */
    public static final String NAME = "failure";

    public FailureGuardFactory() {
        super(NAME, 600);
    }

    @Override
    protected @Nullable Guard build(FailureSettings failure, GuardContext context) {
        PropertyPath at = context.path();
        List<FailureRule> rules = rules(failure.rules(), FailureRule.class, context, FailureGuardFactory::rule);
        if (rules.isEmpty()) {
            return null;
        }
        FailureGuard.Builder builder =
                FailureGuard.builder().store(context.store()).timeSource(context.timeSource());
        at.check("history-ttl", () -> builder.historyTtl(at.required(failure.historyTtl(), "history-ttl")));
        addRules(rules, at, builder::rule);
        return builder.build();
    }

    private static FailureRule rule(String name, FailureSettings.Rule rule, PropertyPath at) {
        if (rule.paths().isEmpty()) {
            throw at.child("paths").invalid("a failure rule needs at least one path");
        }
        FailureRule.Builder builder = rule.keyedScope(name, at, FailureRule::builder);
        at.check("statuses", () -> builder.statuses(at.required(rule.statuses(), "statuses")));
        at.check("distinct", () -> builder.distinct(rule.distinct()));
        at.check("credential", () -> builder.credential(rule.credential()));
        builder.counting(at.required(rule.counting(), "counting"));
        at.check("find-time", () -> builder.findTime(at.required(rule.findTime(), "find-time")));
        at.check("max-retry", () -> builder.maxRetry(rule.maxRetry()));
        at.check("ban-time", () -> builder.banTime(at.required(rule.banTime(), "ban-time")));
        at.check("ban-factor", () -> builder.banFactor(rule.banFactor()));
        at.check("max-ban-time", () -> builder.maxBanTime(at.required(rule.maxBanTime(), "max-ban-time")));
        builder.action(at.required(rule.action(), "action"));
        FailureSettings.UnderAttackSettings attack = rule.underAttack();
        switchedOn(
                attack.enabled(),
                at,
                "under-attack",
                under -> new UnderAttack(
                        under.required(attack.window(), "window"),
                        attack.multiplier(),
                        attack.minFailures(),
                        attack.minRatio(),
                        under.required(attack.duration(), "duration"),
                        under.required(attack.action(), "action"),
                        Set.copyOf(under.required(attack.signals(), "signals")),
                        attack.appHeader(),
                        under.required(attack.history(), "history"),
                        under.required(attack.slowWindow(), "slow-window"),
                        attack.newcomerAttempts()),
                builder::underAttack);
        return at.get("", builder::build);
    }
}
