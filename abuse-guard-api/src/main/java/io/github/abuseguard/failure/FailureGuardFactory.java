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
        super(NAME, FailureSettings.class, FailureSettings::new, 600);
    }

    @Override
    public @Nullable Guard create(FailureSettings failure, GuardContext context) {
        if (!failure.isEnabled()) {
            return null;
        }
        PropertyPath at = context.path();
        List<FailureRule> rules = rules(failure.getRules(), FailureRule.class, context, FailureGuardFactory::rule);
        if (rules.isEmpty()) {
            return null;
        }
        FailureGuard.Builder builder =
                FailureGuard.builder().store(context.store()).timeSource(context.timeSource());
        at.check("history-ttl", () -> builder.historyTtl(at.required(failure.getHistoryTtl(), "history-ttl")));
        addRules(rules, at, builder::rule);
        return builder.build();
    }

    private static FailureRule rule(String name, FailureSettings.Rule rule, PropertyPath at) {
        if (rule.getPaths() == null || rule.getPaths().isEmpty()) {
            throw at.child("paths").invalid("a failure rule needs at least one path");
        }
        FailureRule.Builder builder = rule.keyedScope(name, at, FailureRule::builder);
        at.check("statuses", () -> builder.statuses(at.required(rule.getStatuses(), "statuses")));
        at.check("distinct", () -> builder.distinct(rule.getDistinct()));
        at.check("credential", () -> builder.credential(rule.getCredential()));
        builder.counting(at.required(rule.getCounting(), "counting"));
        at.check("find-time", () -> builder.findTime(at.required(rule.getFindTime(), "find-time")));
        at.check("max-retry", () -> builder.maxRetry(rule.getMaxRetry()));
        at.check("ban-time", () -> builder.banTime(at.required(rule.getBanTime(), "ban-time")));
        at.check("ban-factor", () -> builder.banFactor(rule.getBanFactor()));
        at.check("max-ban-time", () -> builder.maxBanTime(at.required(rule.getMaxBanTime(), "max-ban-time")));
        builder.action(at.required(rule.getAction(), "action"));
        FailureSettings.UnderAttackSettings attack = rule.getUnderAttack();
        switchedOn(
                attack.isEnabled(),
                at,
                "under-attack",
                under -> new UnderAttack(
                        under.required(attack.getWindow(), "window"),
                        attack.getMultiplier(),
                        attack.getMinFailures(),
                        attack.getMinRatio(),
                        under.required(attack.getDuration(), "duration"),
                        under.required(attack.getAction(), "action"),
                        Set.copyOf(under.required(attack.getSignals(), "signals")),
                        attack.getAppHeader(),
                        under.required(attack.getHistory(), "history")),
                builder::underAttack);
        return at.get("", builder::build);
    }
}
