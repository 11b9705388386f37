package io.github.abuseguard.ratelimit;

import io.github.abuseguard.Guard;
import io.github.abuseguard.config.AbstractGuardFactory;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.PropertyPath;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link RateLimitGuard} of {@code abuse-guard.rate-limit.*}: the configured rules, then the
 * {@link RateLimitRule}s annotations contribute. Last in the engine, so refused requests spend no tokens.
 */
public final class RateLimitGuardFactory extends AbstractGuardFactory<RateLimitSettings> {

    /** The section name. */
    public static final String NAME = "rate-limit";

    public RateLimitGuardFactory() {
        super(NAME, 800);
    }

    @Override
    protected @Nullable Guard build(RateLimitSettings settings, GuardContext context) {
        List<RateLimitRule> rules = rules(settings.rules(), RateLimitRule.class, context, RateLimitGuardFactory::rule);
        if (rules.isEmpty()) {
            return null;
        }
        RateLimitGuard.Builder builder = RateLimitGuard.builder().store(context.store());
        addRules(rules, context.path(), builder::rule);
        return builder.build();
    }

    /**
     * The rules of {@code rules.*}, each marked with source {@code properties}.
     *
     * @throws io.github.abuseguard.config.InvalidSettingException naming the property of a bad value
     */
    public static List<RateLimitRule> rules(RateLimitSettings settings, PropertyPath at) {
        return configuredRules(settings.rules(), at, RateLimitGuardFactory::rule);
    }

    private static RateLimitRule rule(String name, RateLimitSettings.Rule settings, PropertyPath at) {
        RateLimitRule.Builder builder = settings.keyedScope(name, at, RateLimitRule::builder);
        at.check("cost", () -> builder.cost(settings.cost()));
        builder.action(at.required(settings.action(), "action"));
        builder.decoy(settings.decoy());
        at.check("refund-statuses", () -> builder.refundStatuses(settings.refundStatuses()));
        List<RateLimitSettings.LimitSettings> limits = settings.limits();
        if (limits.isEmpty()) {
            throw at.child("limits")
                    .invalid("a rule needs at least one limit, as in " + at + ".limits[0].capacity=100 and .period=1m");
        }
        for (int i = 0; i < limits.size(); i++) {
            builder.limit(limit(at.child("limits").index(i), limits.get(i)));
        }
        return at.get("", builder::build);
    }

    private static final String BOTH_REQUIRED = "give each limit its capacity and period (with Spring Boot, a list"
            + " given in two places, application.yml and the command line, is taken whole from one of them)";

    private static Limit limit(PropertyPath at, RateLimitSettings.LimitSettings limit) {
        // the period first: a limit bound from two places (a list in the YAML file, one element's period on
        // the command line) keeps only the later place's elements, so an unset capacity is its symptom
        if (limit.period() == null) {
            throw at.child("period").invalid("is required: " + BOTH_REQUIRED);
        }
        Duration period = at.positive(limit.period(), "period");
        long capacity = limit.capacity();
        if (capacity == 0) {
            throw at.child("capacity").invalid("is required, and positive: " + BOTH_REQUIRED); // user67 F7
        }
        if (capacity < 1) {
            throw at.child("capacity").invalid("must be positive, was " + capacity);
        }
        long refillTokens = limit.refillTokens() == null ? capacity : limit.refillTokens();
        if (refillTokens < 1) {
            throw at.child("refill-tokens").invalid("must be positive, was " + refillTokens);
        }
        if (refillTokens > period.toNanos()) {
            // Bucket4j refuses it only when the guard is built, without the property's name
            throw at.child("refill-tokens")
                    .invalid(refillTokens + " per " + period + " is more than one token a nanosecond");
        }
        return new Limit(capacity, refillTokens, period, at.required(limit.refill(), "refill"));
    }
}
