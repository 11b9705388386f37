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
        if (volume.getSeed() != null) {
            builder.seed(volume.getSeed());
        }
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
        if (scrape.isEnabled()) {
            PropertyPath under = at.child("under-scrape");
            distinct.underScrape(under.get(
                    "",
                    () -> new UnderScrape(
                            under.required(scrape.getWindow(), "window"),
                            scrape.getMultiplier(),
                            scrape.getMinDistinct(),
                            under.required(scrape.getDuration(), "duration"),
                            under.required(scrape.getAction(), "action"),
                            scrape.getMinRatio(),
                            scrape.getMaxDistinct())));
        }
        VolumeSettings.RateBaselineSettings rates = rule.getRateBaseline();
        if (rates.isEnabled()) {
            PropertyPath rate = at.child("rate-baseline");
            distinct.rateBaseline(rate.get(
                    "",
                    () -> new RateBaseline(
                            rate.required(rates.getWindow(), "window"),
                            rates.getMultiplier(),
                            rates.getMinRequests(),
                            rates.getLearningWindows(),
                            rate.required(rates.getAction(), "action"),
                            rates.getScore())));
        }
        VolumeSettings.OnlyReadsSettings reads = rule.getOnlyReads();
        if (reads.isEnabled()) {
            PropertyPath only = at.child("only-reads");
            if (reads.getMinDistinct() >= rule.getMaxDistinct()) {
                throw only.child("min-distinct")
                        .invalid("must be below " + at.child("max-distinct") + " (" + rule.getMaxDistinct() + "), was "
                                + reads.getMinDistinct());
            }
            distinct.onlyReads(only.get(
                    "",
                    () -> new OnlyReads(
                            reads.getMinDistinct(), reads.getScore(), only.required(reads.getAction(), "action"))));
        }
        return at.get("paths", distinct::build);
    }
}
