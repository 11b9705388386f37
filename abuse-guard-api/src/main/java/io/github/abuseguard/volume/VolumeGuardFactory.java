package io.github.abuseguard.volume;

import io.github.abuseguard.Guard;
import io.github.abuseguard.config.AbstractGuardFactory;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.PropertyPath;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link VolumeGuard} of {@code abuse-guard.volume.*} and of the rules the host read from
 * annotations (the starter's {@code @VolumeLimit}); no guard without rules.
 */
public final class VolumeGuardFactory extends AbstractGuardFactory<VolumeSettings> {

    private static final Logger log = LoggerFactory.getLogger(VolumeGuardFactory.class);

    /** The section name. */
    public static final String NAME = "volume";

    public VolumeGuardFactory() {
        super(NAME, 700);
    }

    @Override
    protected @Nullable Guard build(VolumeSettings volume, GuardContext context) {
        List<DistinctRule> rules = rules(volume.rules(), DistinctRule.class, context, VolumeGuardFactory::rule);
        if (rules.isEmpty()) {
            return null;
        }
        for (DistinctRule rule : rules) {
            if (rule.neverPassesItsBound() && rule.rateBaseline() == null) {
                // user64 F1: GET /api/catalogue?page=N is one resource, and the rule never refused a walk of its pages
                log.warn(
                        "Volume rule '{}' ({}) counts distinct paths, and its paths {} are literal: at most {} per key,"
                                + " within max-distinct {}, so it never refuses. Where the route names its resource in"
                                + " its query or body, name it as the rule's resource (resource: query:NAME).",
                        rule.name(),
                        rule.source(),
                        rule.paths(),
                        rule.paths().size(),
                        rule.maxDistinct());
            }
        }
        VolumeGuard.Builder builder =
                VolumeGuard.builder().store(context.store()).timeSource(context.timeSource());
        // instances that share a store must hash alike: unset, the seed is the store's, the same on all of them
        builder.seed(volume.seed() != null ? volume.seed() : context.store().sharedSeed("volume"));
        addRules(rules, context.path(), builder::rule);
        return builder.build();
    }

    private static DistinctRule rule(String name, VolumeSettings.Rule rule, PropertyPath at) {
        DistinctRule.Builder distinct = rule.keyedScope(name, at, DistinctRule::builder);
        at.check("window", () -> distinct.window(at.required(rule.window(), "window")));
        at.check("max-distinct", () -> distinct.maxDistinct(rule.maxDistinct()));
        distinct.action(at.required(rule.action(), "action"));
        at.check("score", () -> distinct.score(rule.score()));
        at.check("resource", () -> distinct.resource(rule.resource()));
        VolumeSettings.UnderScrapeSettings scrape = rule.underScrape();
        switchedOn(
                scrape.enabled(),
                at,
                "under-scrape",
                under -> {
                    // the default bound is never above the rule's own (review9: max-distinct 5 with the
                    // default 10 failed on a value the user never wrote); a larger value given is refused:
                    // it looks tighter but does nothing
                    int bound = scrape.maxDistinct() == UnderScrape.DEFAULT_MAX_DISTINCT
                            ? Math.min(scrape.maxDistinct(), rule.maxDistinct())
                            : scrape.maxDistinct();
                    if (bound > rule.maxDistinct()) {
                        throw under.child("max-distinct")
                                .invalid("must be at most " + at.child("max-distinct") + " (" + rule.maxDistinct()
                                        + "), was " + scrape.maxDistinct());
                    }
                    return new UnderScrape(
                            under.required(scrape.window(), "window"),
                            scrape.multiplier(),
                            scrape.minDistinct(),
                            under.required(scrape.duration(), "duration"),
                            under.required(scrape.action(), "action"),
                            scrape.minRatio(),
                            bound);
                },
                distinct::underScrape);
        VolumeSettings.RateBaselineSettings rates = rule.rateBaseline();
        switchedOn(
                rates.enabled(),
                at,
                "rate-baseline",
                rate -> new RateBaseline(
                        rate.required(rates.window(), "window"),
                        rates.multiplier(),
                        rates.minRequests(),
                        rates.learningWindows(),
                        rate.required(rates.action(), "action"),
                        rates.score()),
                distinct::rateBaseline);
        VolumeSettings.OnlyReadsSettings reads = rule.onlyReads();
        switchedOn(
                reads.enabled(),
                at,
                "only-reads",
                only -> {
                    if (reads.minDistinct() >= rule.maxDistinct()) {
                        throw only.child("min-distinct")
                                .invalid("must be below " + at.child("max-distinct") + " (" + rule.maxDistinct()
                                        + "), was " + reads.minDistinct());
                    }
                    return new OnlyReads(reads.minDistinct(), reads.score(), only.required(reads.action(), "action"));
                },
                distinct::onlyReads);
        return at.get("paths", distinct::build);
    }
}
