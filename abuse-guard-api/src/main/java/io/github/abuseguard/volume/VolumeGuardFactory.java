package io.github.abuseguard.volume;

import io.github.abuseguard.Guard;
import io.github.abuseguard.config.AbstractGuardFactory;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.PropertyPath;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link VolumeGuard} of {@code abuse-guard.volume.*} and of the rules the host read from
 * annotations (the starter's {@code @VolumeLimit}); no guard without rules.
 */
public final class VolumeGuardFactory extends AbstractGuardFactory<VolumeSettings> {

    /** The section name. */
    public static final String NAME = "volume";

    public VolumeGuardFactory() {
        super(NAME, VolumeSettings.class, VolumeSettings::new, 700);
    }

    @Override
    public @Nullable Guard create(VolumeSettings volume, GuardContext context) {
        if (!volume.isEnabled()) {
            return null;
        }
        List<DistinctRule> rules = rules(volume.getRules(), DistinctRule.class, context, VolumeGuardFactory::rule);
        if (rules.isEmpty()) {
            return null;
        }
        VolumeGuard.Builder builder =
                VolumeGuard.builder().store(context.store()).timeSource(context.timeSource());
        // instances that share a store must hash alike: unset, the seed is the store's, the same on all of them
        builder.seed(
                volume.getSeed() != null ? volume.getSeed() : context.store().sharedSeed("volume"));
        addRules(rules, context.path(), builder::rule);
        return builder.build();
    }

    private static DistinctRule rule(String name, VolumeSettings.Rule rule, PropertyPath at) {
        DistinctRule.Builder distinct = rule.keyedScope(name, at, DistinctRule::builder);
        at.check("window", () -> distinct.window(at.required(rule.getWindow(), "window")));
        at.check("max-distinct", () -> distinct.maxDistinct(rule.getMaxDistinct()));
        distinct.action(at.required(rule.getAction(), "action"));
        at.check("score", () -> distinct.score(rule.getScore()));
        VolumeSettings.UnderScrapeSettings scrape = rule.getUnderScrape();
        switchedOn(
                scrape.isEnabled(),
                at,
                "under-scrape",
                under -> new UnderScrape(
                        under.required(scrape.getWindow(), "window"),
                        scrape.getMultiplier(),
                        scrape.getMinDistinct(),
                        under.required(scrape.getDuration(), "duration"),
                        under.required(scrape.getAction(), "action"),
                        scrape.getMinRatio(),
                        scrape.getMaxDistinct()),
                distinct::underScrape);
        VolumeSettings.RateBaselineSettings rates = rule.getRateBaseline();
        switchedOn(
                rates.isEnabled(),
                at,
                "rate-baseline",
                rate -> new RateBaseline(
                        rate.required(rates.getWindow(), "window"),
                        rates.getMultiplier(),
                        rates.getMinRequests(),
                        rates.getLearningWindows(),
                        rate.required(rates.getAction(), "action"),
                        rates.getScore()),
                distinct::rateBaseline);
        VolumeSettings.OnlyReadsSettings reads = rule.getOnlyReads();
        switchedOn(
                reads.isEnabled(),
                at,
                "only-reads",
                only -> {
                    if (reads.getMinDistinct() >= rule.getMaxDistinct()) {
                        throw only.child("min-distinct")
                                .invalid("must be below " + at.child("max-distinct") + " (" + rule.getMaxDistinct()
                                        + "), was " + reads.getMinDistinct());
                    }
                    return new OnlyReads(
                            reads.getMinDistinct(), reads.getScore(), only.required(reads.getAction(), "action"));
                },
                distinct::onlyReads);
        return at.get("paths", distinct::build);
    }
}
