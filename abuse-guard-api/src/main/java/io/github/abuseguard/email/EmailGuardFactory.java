package io.github.abuseguard.email;

import io.github.abuseguard.Guard;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbstractGuardFactory;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.PropertyPath;
import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.store.StateStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link DisposableEmailGuard} of {@code abuse-guard.email.*} and the {@link EmailRule}s
 * annotations contribute. It judges with the host's {@link DisposableDomains} when the context offers
 * one (the starter's bean), otherwise with its own, which the engine closes on shutdown.
 */
public final class EmailGuardFactory extends AbstractGuardFactory<EmailSettings> {

    /** The section name. */
    public static final String NAME = "email";

    public EmailGuardFactory() {
        super(NAME, 400);
    }

    @Override
    protected @Nullable Guard build(EmailSettings settings, GuardContext context) {
        PropertyPath at = context.path();
        DisposableDomains domains = context.component(DisposableDomains.class).orElse(null);
        if (domains == null) {
            domains = disposableDomains(settings, at, context.store(), context.timeSource());
            // its sources refresh in the background even when no rule uses them
            context.closing(domains);
        }
        List<EmailRule> rules = rules(settings.rules(), EmailRule.class, context, EmailGuardFactory::rule);
        if (rules.isEmpty()) {
            return null; // the bundled lists stay unread: nothing asks them
        }
        // Read at start-up, not by the first request with an address.
        // With bounce feedback, the guard remembers who submitted each accepted address, so that a bounce
        // counts once per client network (probe21 F5).
        return DisposableEmailGuard.of(
                domains.load(),
                rules,
                context.component(BounceFeedback.class).orElse(null),
                settings.requirePublicDomain());
    }

    private static EmailRule rule(String name, EmailSettings.Rule rule, PropertyPath at) {
        EmailRule.Builder builder = rule.scope(name, at, EmailRule::builder);
        at.check("field", () -> builder.field(at.required(rule.field(), "field")));
        at.check("score", () -> builder.response(at.required(rule.response(), "response"), rule.score()));
        builder.decoy(rule.decoy());
        return at.get("", builder::build);
    }

    /**
     * The longest {@code mx-budget}: a request waits that long for a fresh domain's mail servers, a sign-up's thread
     * with it, while the answer lands in the cache for the next request anyway.
     */
    static final Duration MAX_MX_BUDGET = Duration.ofSeconds(2);

    /**
     * What the settings say is disposable: the bundled list, the configured sources, the allowlists,
     * the blocks of bounce feedback in {@code store}, and the MX check when enabled.
     *
     * @param at the section's path, {@code abuse-guard.email}
     * @throws io.github.abuseguard.config.InvalidSettingException naming the property of a bad value
     */
    public static DisposableDomains disposableDomains(
            EmailSettings email, PropertyPath at, StateStore store, TimeSource timeSource) {
        Duration refresh = at.positive(email.refreshInterval(), "refresh-interval");
        List<DomainSource> blocklists = new ArrayList<>();
        if (email.bundled()) {
            blocklists.add(DomainSource.bundled());
        }
        for (int i = 0; i < email.sources().size(); i++) {
            String source = email.sources().get(i).trim();
            blocklists.add(at.get(
                    "sources[" + i + "]",
                    () -> source.startsWith("bundled:")
                            ? DomainSource.named(source.substring(8))
                            : source.startsWith("http://") || source.startsWith("https://")
                                    ? new UrlDomainSource(URI.create(source), refresh, Duration.ofSeconds(30))
                                    : new FileDomainSource(
                                            Path.of(source.startsWith("file:") ? source.substring(5) : source),
                                            refresh)));
        }
        if (blocklists.isEmpty()) {
            // probe52b F4: bundled: false without sources started without a word, and mailinator.com signed up
            org.slf4j.LoggerFactory.getLogger(EmailGuardFactory.class)
                    .warn(
                            "{}.bundled is false and {}.sources is empty: no list names a disposable domain, so only"
                                    + " bounce feedback and mx-hosts can refuse one",
                            at,
                            at);
        }
        List<DomainSource> allowlists = new ArrayList<>();
        List<DomainSource> sharedMailHosts = new ArrayList<>();
        if (email.protectMajorProviders()) {
            allowlists.add(DomainSource.majorProviders());
            sharedMailHosts.add(DomainSource.sharedMailHosts());
        }
        if (email.allowAliasRelays()) {
            allowlists.add(DomainSource.aliasRelays());
        }
        for (int i = 0; i < email.allowlist().size(); i++) {
            String entry = email.allowlist().get(i);
            at.check("allowlist[" + i + "]", () -> {
                // probe52b F4: `*.com`, `.` and '' were dropped without a word (a name of one label is kept: it makes
                // a top-level domain delegated after this release public, review44 F8)
                String normal = entry == null ? null : EmailDomain.normalise(entry);
                if (normal == null) {
                    throw new IllegalArgumentException(
                            "'" + entry + "' is not a domain name (write example.com; a domain allows its subdomains)");
                }
            });
        }
        if (!email.allowlist().isEmpty()) {
            allowlists.add(DomainSource.of("allowlist", DomainList.of(email.allowlist())));
        }
        Duration budget = email.mxBudget();
        if (budget != null || email.mxCheck()) {
            // checked whether the check is on or not, so that switching it on later meets no surprise (probe52b F4)
            at.check("mx-budget", () -> {
                if (budget == null || budget.isNegative() || budget.compareTo(MAX_MX_BUDGET) > 0) {
                    throw new IllegalArgumentException("must be between 0s and " + Durations.written(MAX_MX_BUDGET)
                            + ", was " + (budget == null ? "not set" : Durations.written(budget)));
                }
            });
        }
        MxCheck mx = null;
        if (email.mxCheck()) {
            mx = at.get(
                    "mx-hosts",
                    () -> new MxCheck(
                            MxResolver.dns(MxCheck.DNS_TIMEOUT), budget, 10_000, Duration.ofHours(1), email.mxHosts()));
        }
        return new DisposableDomains(blocklists, allowlists, sharedMailHosts, store.bans("email:blocked"), mx);
    }

    /**
     * Bounce feedback of {@code bounce-*} over the same blocks as {@code domains}.
     *
     * @param at the section's path, {@code abuse-guard.email}
     * @param fed whether something is known to report bounces (the notification endpoint is on); otherwise
     *     submissions are recorded only once something reports ({@link
     *     BounceFeedback.Builder#recordSubmissionsOnceReported})
     * @throws io.github.abuseguard.config.InvalidSettingException naming the property of a bad value
     */
    public static BounceFeedback bounceFeedback(
            EmailSettings email, PropertyPath at, StateStore store, DisposableDomains domains, boolean fed) {
        Duration window = at.positive(email.bounceWindow(), "bounce-window");
        Duration blockFor = at.positive(email.bounceBlockFor(), "bounce-block-for");
        BounceFeedback.Builder builder = BounceFeedback.builder(store, domains)
                .window(window)
                .blockFor(blockFor)
                .recordSubmissionsOnceReported(!fed);
        at.check("bounce-rate", () -> builder.maxRate(email.bounceRate()));
        at.check("bounce-threshold", () -> builder.threshold(email.bounceThreshold()));
        return at.get("bounce-window", builder::build);
    }
}
