package io.github.abuseguard.email;

import io.github.abuseguard.Action;
import io.github.abuseguard.BodyField;
import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.KeyResolver;
import io.github.abuseguard.RuleGuard;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Rejects disposable e-mail addresses before any mail is sent to them. The address is read from the
 * rule's field (a JSON field or form field of the bounded body capture, or a query parameter); a
 * disposable one is answered {@code 422} naming the field, or flagged, or decoyed. An address whose
 * domain cannot be read as a domain name, so that no list can be asked about it, is answered {@code 422}
 * as well (reason {@code unreadable-email-domain}; flagged under a flag rule, never decoyed), and so is a
 * field whose addresses together name more than {@link DisposableDomains#MAX_DOMAINS} different domains,
 * or more than {@link DisposableDomains#MAX_DOMAINS_NAMED} in all (reason {@code too-many-email-domains}):
 * each different domain costs a normalisation and a look-up, so both counts are bounded before any is
 * made, and each different domain is looked up once. With the MX check on, a field naming more than four
 * domains whose mail servers are neither cached nor decided by a list is refused the same
 * way: the look-ups one request may start are few, and a domain left unasked is not known to be clean. An address that names no public mail domain (an
 * address literal such as {@code a@[192.0.2.1]}, which delivers to whatever host the client runs and so
 * is a mailbox no list can know; a numeric name; a name of one label such as {@code localhost}) is
 * answered {@code 422} too (reason {@code non-public-email-domain}; flagged under a flag rule, never
 * decoyed) unless the guard is built to allow it. Whether an address is otherwise valid is the
 * application's business.
 *
 * <p>Decisions name the matched list entry and its source ({@code rule} is the field; {@code reason}
 * is {@code disposable-email}); they never carry the mailbox, only the domain.
 */
public class DisposableEmailGuard extends RuleGuard<EmailRule> implements AutoCloseable {

    /** The guard's name. */
    public static final String NAME = "disposable-email";

    /** The reason of a refusal for a listed domain. */
    private static final String DISPOSABLE = "disposable-email";

    /** The reason of a refusal for an address whose domain is not a domain name no list can be asked about. */
    private static final String UNREADABLE_DOMAIN = "unreadable-email-domain";

    /**
     * The reason of a refusal for a field whose addresses name more than {@link DisposableDomains#MAX_DOMAINS}
     * different domains, or more than {@link DisposableDomains#MAX_DOMAINS_NAMED} in all (hops of a percent
     * hack, addresses of a list or an array, together): none is looked up; or, with the MX check on, more domains
     * whose mail servers are unknown than one request may look up. One reason for all: the same fault (more domains than one field can be checked for), handled alike; the detail names the bound.
     */
    private static final String TOO_MANY_DOMAINS = "too-many-email-domains";

    /**
     * The reason of a refusal for an address whose domain declares that it accepts no mail (RFC 7505's null MX,
     * {@code 0 .}) or does not exist (NXDOMAIN), found by the MX check: every message to it bounces (probe63a F2).
     */
    private static final String NO_MAIL_DOMAIN = "no-mail-email-domain";

    /** The reason of a refusal for an address literal, a numeric name or a name of one label. */
    private static final String NON_PUBLIC_DOMAIN = "non-public-email-domain";

    private final DisposableDomains domains;
    private final boolean requirePublicDomain;

    private DisposableEmailGuard(DisposableDomains domains, List<EmailRule> rules, boolean requirePublicDomain) {
        super(NAME, rules);
        this.domains = Objects.requireNonNull(domains, "domains");
        this.requirePublicDomain = requirePublicDomain;
    }

    /** A guard that refuses addresses of non-public domains too ({@code require-public-domain: true}). */
    public static DisposableEmailGuard of(DisposableDomains domains, List<EmailRule> rules) {
        return new DisposableEmailGuard(domains, rules, EmailSettings.DEFAULT_REQUIRE_PUBLIC_DOMAIN);
    }

    /**
     * A guard that also tells {@code feedback} which client network submitted each address the
     * application accepted (answered 2xx), so that a bounce counts once per network that made the site
     * send mail ({@link BounceFeedback#recordSubmission}). Without feedback, the guard observes nothing.
     */
    public static DisposableEmailGuard of(
            DisposableDomains domains, List<EmailRule> rules, @Nullable BounceFeedback feedback) {
        return of(domains, rules, feedback, EmailSettings.DEFAULT_REQUIRE_PUBLIC_DOMAIN);
    }

    /**
     * A guard with bounce feedback (or none), and with {@code requirePublicDomain} {@code false} letting
     * address literals ({@code a@[192.0.2.1]}), numeric names and names of one label ({@code a@localhost})
     * through, as an intranet application whose users have such addresses needs.
     */
    public static DisposableEmailGuard of(
            DisposableDomains domains,
            List<EmailRule> rules,
            @Nullable BounceFeedback feedback,
            boolean requirePublicDomain) {
        return feedback == null
                ? new DisposableEmailGuard(domains, rules, requirePublicDomain)
                : new Attributing(domains, rules, feedback, requirePublicDomain);
    }

    public DisposableDomains domains() {
        return domains;
    }

    @Override
    protected boolean decoys(EmailRule rule) {
        return rule.response() == EmailRule.Response.DECOY;
    }

    /** Every e-mail rule reads its address from the body (or a form's parameters). */
    @Override
    protected boolean readsBody(EmailRule rule) {
        return true;
    }

    @Override
    public Decision check(GuardRequest request) {
        return check(request, eachRuleMatched());
    }

    @Override
    protected Decision check(GuardRequest request, Applying applying) {
        List<EmailRule> rules = rules();
        for (int i = 0; i < rules.size(); i++) {
            if (!applies(applying, i, request)) {
                continue;
            }
            EmailRule rule = rules.get(i);
            BodyField addresses = rule.addresses(request);
            if (addresses.isUnreadable()) {
                // An address the guard cannot see is not a clean one: padding, a bad charset or a
                // truncated body must not carry a throw-away address past the check.
                return rule.response() == EmailRule.Response.FLAG
                        ? Decision.flag(NAME, addresses.unreadableReason().reason(), rule.score())
                        : addresses.refusal(NAME, rule.name());
            }
            // Every value counts: a field given twice binds to one of them, and which one depends on the
            // binder. All of them together name at most MAX_DOMAINS different domains and MAX_DOMAINS_NAMED
            // in all, counted before any is normalised or looked up.
            FieldAddresses field = FieldAddresses.read(addresses.values())
                    .site(io.github.abuseguard.internal.IpAddresses.site(
                            request.client().key()));
            if (field.excess() != null) {
                return tooManyDomains(rule, field.excess());
            }
            for (int a = 0; a < field.size(); a++) {
                DisposableDomains.Match match = domains.match(field, a);
                if (match != null) {
                    return disposable(rule, match);
                }
                if (field.hasUnreadableDomain(a)) {
                    // No list can be asked about a name that is not one, and an application that
                    // cleans it up further may still deliver to a listed domain: not a clean address.
                    return unreadable(rule);
                }
                if (requirePublicDomain && field.hasNonPublicDomain(a, domains)) {
                    // a@[192.0.2.1] is delivered to the host the client names, its own: a throw-away
                    // mailbox no list can hold
                    return nonPublic(rule);
                }
            }
            if (field.isMxBusy()) {
                return mailServersBeingLookedUp(rule);
            }
            if (field.isMxUnchecked()) {
                // decoy domains ahead of a fresh temp-mail domain must not spend the look-ups that would judge it
                return tooManyUnknownDomains(rule);
            }
            // the next rule of the route may name another field (a recovery address beside the address)
        }
        return Decision.allow();
    }

    private static Decision disposable(EmailRule rule, DisposableDomains.Match match) {
        if (DisposableDomains.NULL_MX.equals(match.source())) {
            // a typing error as often as a trick: told, never decoyed
            return refusedNeverDecoyed(
                    rule,
                    NO_MAIL_DOMAIN,
                    "' is at " + match.domain() + ", whose DNS says it accepts no mail; please check the address.");
        }
        return switch (rule.response()) {
            case FLAG -> Decision.flag(NAME, DISPOSABLE, rule.score());
            case REJECT, DECOY ->
                Decision.deny(rule.response() == EmailRule.Response.DECOY ? Action.DECOY : Action.REJECT)
                        .guard(NAME)
                        .rule(rule.name()) // the rule's own name: its switch and report (probe48e F5, F7)
                        .reason(DISPOSABLE)
                        .status(422)
                        .detail("The address in '" + rule.fieldName() + "' is at " + match.domain()
                                + ", a disposable mail service; please use a permanent address.")
                        .decoy(rule.decoy())
                        .build();
        };
    }

    private static Decision unreadable(EmailRule rule) {
        // A decoy's fake success would hide a typing error from a real user.
        return refusedNeverDecoyed(
                rule, UNREADABLE_DOMAIN, "' has a domain that is not a valid domain name; please check the address.");
    }

    private static Decision nonPublic(EmailRule rule) {
        // a@gmailcom is a typing error as often as a trick
        return refusedNeverDecoyed(
                rule,
                NON_PUBLIC_DOMAIN,
                "' does not name a public mail domain (an address literal, a numeric name or a name without a"
                        + " dot); please check the address.");
    }

    private static Decision tooManyDomains(EmailRule rule, FieldAddresses.Excess excess) {
        // Not an address anyone types.
        return refusedNeverDecoyed(
                rule,
                TOO_MANY_DOMAINS,
                "' names more than "
                        + (excess == FieldAddresses.Excess.DISTINCT_DOMAINS
                                ? DisposableDomains.MAX_DOMAINS + " different domains"
                                : DisposableDomains.MAX_DOMAINS_NAMED + " domains in all")
                        + "; please give fewer addresses.");
    }

    private static Decision tooManyUnknownDomains(EmailRule rule) {
        // The look-ups started land in the cache: the same field sent again in a moment needs fewer.
        return refusedNeverDecoyed(
                rule,
                TOO_MANY_DOMAINS,
                "' names more than " + MxCheck.LOOK_UPS_PER_FIELD
                        + " domains whose mail servers are not yet known; please give fewer addresses, or send them"
                        + " again in a moment.");
    }

    private static Decision mailServersBeingLookedUp(EmailRule rule) {
        // review57 F4: a field of one address was told it named too many domains
        return refusedNeverDecoyed(
                rule,
                TOO_MANY_DOMAINS,
                "' names a domain whose mail servers cannot be looked up now (other look-ups from your network, or"
                        + " for that domain, are in progress); please send it again in a moment.");
    }

    /**
     * A flag under a flag rule, otherwise a {@code 422} refusal under a reject or decoy rule alike: what the
     * field holds is no address a list could judge, and a decoy's fake success would leave a person who made
     * a mistake believing it went through.
     *
     * @param problem the detail after the quoted field name
     */
    private static Decision refusedNeverDecoyed(EmailRule rule, String reason, String problem) {
        if (rule.response() == EmailRule.Response.FLAG) {
            return Decision.flag(NAME, reason, rule.score());
        }
        return Decision.deny(Action.REJECT)
                .guard(NAME)
                .rule(rule.name())
                .reason(reason)
                .status(422)
                .detail("The address in '" + rule.fieldName() + problem)
                .build();
    }

    /**
     * A refusal of a listed (disposable) address judges what the client chose to send, so the request
     * still spends the rate-limit tokens of its route: the list cannot be probed for free. A refusal of
     * a body the guard cannot read (a multipart body without a length, which the client library chose,
     * a body over the bound, a bad charset) tells nothing about the list and spends nothing.
     */
    @Override
    public boolean refusalSpendsQuota(Decision denial) {
        return DISPOSABLE.equals(denial.reason());
    }

    /**
     * The e-mail guard of an application with bounce feedback: it observes outcomes (a separate class,
     * so that a guard without feedback does not make the engine report every outcome to it).
     */
    private static final class Attributing extends DisposableEmailGuard {
        /** The most values of one field remembered: a field of many addresses costs a few writes. */
        private static final int MAX_ATTRIBUTED_VALUES = 4;

        private final BounceFeedback feedback;

        Attributing(
                DisposableDomains domains,
                List<EmailRule> rules,
                BounceFeedback feedback,
                boolean requirePublicDomain) {
            super(domains, rules, requirePublicDomain);
            this.feedback = feedback;
        }

        @Override
        public void observe(GuardRequest request, int status) {
            observe(request, status, false, eachRuleMatched());
        }

        @Override
        protected void observe(GuardRequest request, int status, boolean watched, Applying applying) {
            if (status < 200 || status >= 300) {
                return; // nothing was accepted, so no mail goes out because of this request
            }
            List<EmailRule> rules = rules();
            String network = null;
            for (int i = 0; i < rules.size(); i++) {
                if (!applies(applying, i, request)) {
                    continue;
                }
                BodyField addresses = rules.get(i).addresses(request);
                if (addresses.isUnreadable()) {
                    continue;
                }
                List<String> values = addresses.values();
                for (int v = 0; v < Math.min(values.size(), MAX_ATTRIBUTED_VALUES); v++) {
                    if (network == null) {
                        network = KeyResolver.network().resolve(request);
                    }
                    feedback.recordSubmission(values.get(v), network);
                }
            }
        }
    }

    /** Stops the background refresh of the domain sources (files, URLs); look-ups keep the last lists. */
    @Override
    public void close() {
        domains.close();
    }

    /** Each rule with its paths, methods, address field and response. */
    @Override
    protected void describeRule(EmailRule rule, Map<String, Object> settings) {
        settings.put("field", rule.field());
        settings.put("response", rule.response());
        if (rule.response() == EmailRule.Response.FLAG) {
            settings.put("score", rule.score());
        }
    }
}
