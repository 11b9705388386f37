package io.github.abuseguard.email;

import io.github.abuseguard.store.Bans;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Knows which e-mail domains are disposable: the domain lists of its sources, the domains that bounce
 * feedback blocked, and, when enabled, domains whose mail servers are disposable. An allowlist entry
 * wins over a list entry or a bounce no more specific than itself (the closer entry decides). Look-ups
 * cost one hash look-up per label and source.
 */
public final class DisposableDomains implements AutoCloseable {
    private final List<DomainSource> blocklists;
    private final List<DomainSource> allowlists;
    private final List<DomainSource> sharedMailHosts;
    private final Bans blocked;
    private final MxCheck mxCheck;

    /**
     * Domains of these lists, without an MX check ({@code abuse-guard.email.mx-check} builds one).
     *
     * @param blocklists the lists of disposable domains
     * @param allowlists domains never treated as disposable, whatever any list or feedback says
     * @param blocked domains blocked by bounce feedback, or {@code null}
     */
    DisposableDomains(List<DomainSource> blocklists, List<DomainSource> allowlists, @Nullable Bans blocked) {
        this(blocklists, allowlists, blocked, null);
    }

    /**
     * @param blocklists the lists of disposable domains
     * @param allowlists domains never treated as disposable, whatever any list, MX or feedback says
     * @param blocked domains blocked by bounce feedback, or {@code null}
     * @param mxCheck the MX check, or {@code null} for none
     */
    DisposableDomains(
            List<DomainSource> blocklists,
            List<DomainSource> allowlists,
            @Nullable Bans blocked,
            @Nullable MxCheck mxCheck) {
        this(blocklists, allowlists, List.of(), blocked, mxCheck);
    }

    /**
     * @param blocklists the lists of disposable domains
     * @param allowlists domains never treated as disposable, whatever any list, MX or feedback says
     * @param sharedMailHosts mail servers that serve many unrelated domains, which the MX check never takes for
     *     disposable ones, never learns and never matches against a list; addresses under them are not allowed
     *     by it
     * @param blocked domains blocked by bounce feedback, or {@code null}
     * @param mxCheck the MX check, or {@code null} for none
     */
    DisposableDomains(
            List<DomainSource> blocklists,
            List<DomainSource> allowlists,
            List<DomainSource> sharedMailHosts,
            @Nullable Bans blocked,
            @Nullable MxCheck mxCheck) {
        this.blocklists = List.copyOf(blocklists);
        this.allowlists = List.copyOf(allowlists);
        this.sharedMailHosts = List.copyOf(sharedMailHosts);
        this.blocked = blocked;
        this.mxCheck = mxCheck;
    }

    /** The bundled list with the major providers, alias relays and shared mail hosts protected, and nothing else. */
    public static DisposableDomains bundled() {
        return new DisposableDomains(
                List.of(DomainSource.bundled()),
                List.of(DomainSource.majorProviders(), DomainSource.aliasRelays()),
                List.of(DomainSource.sharedMailHosts()),
                null,
                null);
    }

    /**
     * Why an address is disposable.
     *
     * @param domain the address's normalised domain
     * @param entry the list entry, blocked domain or mail server that matched
     * @param source the list's name, {@code bounce-feedback} or {@code mx}
     */
    public record Match(String domain, String entry, String source) {
        public Match {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * The most different domains one address, or one field of a request with all its values, may name:
     * the domain after every {@code @} (each address of a list or array, each domain of a source route)
     * and every hop of a percent hack, a domain named again counted once. Domains are compared as a mail
     * parser reads the address (comments, quoted strings, display names and folding white space aside:
     * {@code u@acme.com (User 3)} names the {@code acme.com} of {@code u@acme.com}), ignoring ASCII case,
     * before any is normalised, so two spellings of one domain ({@code acme.com} and {@code acme.com.}, a
     * full-width letter) count twice; they are looked up once. An address or field
     * that names more is not looked up at all: {@link #match(String)} finds nothing, {@link
     * #hasUnreadableDomain(String)} answers {@code true} and {@link DisposableEmailGuard} refuses it
     * ({@code too-many-email-domains}). Each different domain costs a normalisation (NFKC, IDN) and a store
     * look-up (bounce feedback; a round trip on a shared store), so this bounds what one field can make the
     * guard do: without it one field of a large body made it do a few hundred thousand of each. A real
     * address names one domain, a relayed one two or three; a field of colleagues' addresses names one
     * domain however many they are, a list of customers' a few dozen at most.
     */
    public static final int MAX_DOMAINS = 32;

    /**
     * The source of a match, with the MX check on, for a delivery domain whose only mail server is RFC 7505's null MX,
     * or which DNS says does not exist (NXDOMAIN): it accepts no mail ({@link #isDisposable} answers {@code true} for it
     * too: no sign-up can use the address).
     */
    public static final String NULL_MX = "null-mx";

    /**
     * The most domains one address, or one field with all its values, may name in all, repeats included:
     * each address with an {@code @} of a list or array, each domain of a source route, each percent-hack
     * hop. A field that names more is refused like one that names more than {@link #MAX_DOMAINS} different
     * domains, before any is normalised or looked up. A domain named again costs a hash and a comparison
     * of its text (no normalisation, no look-up), so this bound is not about the store; it keeps the
     * reading of one field (the bookkeeping of each address, the comparisons with the different domains
     * met so far) within a size fixed in advance, whatever the body capture allows: 1,024 addresses are
     * twice the recipients Gmail takes in one message (500), and about 20 KB of {@code
     * name@company.example} addresses, within the default 64 KiB body capture, while a field at that
     * capture could name 32,000 ({@code %b} hops).
     */
    public static final int MAX_DOMAINS_NAMED = 1024;

    /** Whether an address is disposable; see {@link #match(String)}. */
    public boolean isDisposable(String address) {
        return match(address) != null;
    }

    /**
     * Why an address is disposable. Besides the domain after the last {@code @}, every domain that mail
     * software could deliver the address to or through is looked up (an address with comments, quoted
     * strings, a list, a source route or a percent hack; see {@code EmailDomain.parsed}), so that
     * {@code a@mailinator.com(x)} is as disposable as {@code a@mailinator.com}; each distinct domain
     * once, and each asked every question (lists, bounce feedback, mail servers when the MX check is on),
     * so that every spelling of an address is judged as the address is. An address naming more than
     * {@value #MAX_DOMAINS} different domains, or more than {@value #MAX_DOMAINS_NAMED} in all, is not
     * looked up (see {@link #hasUnreadableDomain(String)}).
     *
     * @return the match, or {@code null} when the address is not disposable, has no domain or names too
     *     many; with the MX check on, an address naming more domains whose mail servers are unknown than one
     *     address may look up (a percent hack of five fresh hops) matches with source {@code mx-unchecked} and
     *     its delivery domain, as the guard refuses such a field (review55 F5)
     */
    public @Nullable Match match(String address) {
        return match(address, null);
    }

    /**
     * {@link #match(String)} for a request from {@code clientSite}, whose fresh domains' mail-server look-ups spend
     * that site's share of those in flight, as the guard's do: one client's slow decoy domains then make its own
     * addresses wait, not everyone's (review57 F3, review59 F4).
     *
     * @param clientSite the client's site (an IPv4 address, an IPv6 /48), or {@code null} when unknown
     */
    public @Nullable Match match(String address, @Nullable String clientSite) {
        if (address == null) {
            return null;
        }
        FieldAddresses read = FieldAddresses.read(List.of(address)).site(clientSite);
        if (read.size() == 0) {
            return null;
        }
        Match match = match(read, 0);
        if (match == null && read.isMxUnchecked()) {
            List<String> domains = read.domains(0);
            String delivery = domains.isEmpty() ? "" : domains.get(0);
            return new Match(delivery, delivery, MX_UNCHECKED);
        }
        return match;
    }

    /** The source of a match for an address whose domains could not all be looked up; see {@link #match(String)}. */
    public static final String MX_UNCHECKED = "mx-unchecked";

    /**
     * Whether an address names a domain that cannot be read as a domain name, so that no list can be
     * asked about it ({@code a@yop\uFFFCmail.com}, an empty or over-long label, padding after the
     * {@code @}), or names more than {@value #MAX_DOMAINS} different domains or {@value
     * #MAX_DOMAINS_NAMED} in all, so that none was asked about.
     * {@link DisposableEmailGuard} refuses such an address ({@code unreadable-email-domain},
     * {@code too-many-email-domains}) when {@link #match(String)} found nothing; a validator that stands
     * in for the guard should too. An address without {@code @} or with an address literal names no
     * domain and is not unreadable.
     */
    public static boolean hasUnreadableDomain(String address) {
        if (address == null) {
            return false;
        }
        FieldAddresses read = FieldAddresses.read(List.of(address));
        return read.excess() != null || (read.size() > 0 && read.hasUnreadableDomain(0));
    }

    /**
     * Whether an address names no public mail domain after one of its {@code @}s: an address literal
     * ({@code a@[192.0.2.1]}, which delivers to whatever host the sender runs, so that no list can judge
     * it), a numeric name ({@code a@192.0.2.1}) or a name of one label ({@code a@localhost}).
     * {@link DisposableEmailGuard} refuses such an address ({@code non-public-email-domain}) unless
     * {@code abuse-guard.email.require-public-domain} is {@code false}; a validator that stands in for the
     * guard should too. An address without {@code @}, or one that names too many domains, is not counted.
     */
    public static boolean hasNonPublicDomain(String address) {
        if (address == null) {
            return false;
        }
        FieldAddresses read = FieldAddresses.read(List.of(address));
        return read.size() > 0 && read.hasNonPublicDomain(0);
    }

    /**
     * {@link #hasNonPublicDomain(String)}, except that a domain these lists' allowlists cover is public: an
     * operator lets a top-level name delegated after this release, or an intranet's own mail domain, through by
     * naming it on {@code abuse-guard.email.allowlist}, as the guard does.
     */
    public boolean namesNonPublicDomain(String address) {
        if (address == null) {
            return false;
        }
        FieldAddresses read = FieldAddresses.read(List.of(address));
        return read.size() > 0 && read.hasNonPublicDomain(0, this);
    }

    /**
     * Why the address at {@code index} of a field is disposable: each of its domains, its delivery
     * domain first, unless the field has looked it up already (then that answer).
     */
    @Nullable
    Match match(FieldAddresses field, int index) {
        if (blocked != null && !field.bansLookedUp()) {
            lookUpBans(field);
        }
        List<String> domains = field.domains(index);
        // what the lists and bans know first, for every domain of the address: a DNS look-up of one domain neither
        // delays nor decides what a list knows of another (probe48c F1)
        for (String domain : domains) {
            Match match = field.answered(domain) ? field.answer(domain) : matchKnown(domain, field);
            if (match != null && speaksFor(match, domain, field, index)) {
                field.answer(domain, match);
                return match;
            }
        }
        // what a careless application delivers to (probe60a, review80): the lists alone are asked; an address whose
        // domain cannot be read is refused as such anyway
        if (!field.hasUnreadableDomain(index)) {
            Match careless = CarelessDomains.firstAnswer(field.value(index), domains, candidate -> {
                if (domains.contains(candidate)) {
                    return null;
                }
                Match match = matchLists(candidate);
                return match != null && !allowedOver(candidate, match.entry()) ? match : null;
            });
            if (careless != null) {
                return careless;
            }
        }
        if (mxCheck != null && field.startMxLookUps()) {
            startMxLookUps(field);
        }
        for (String domain : domains) {
            Match match;
            if (field.answered(domain)) {
                match = field.answer(domain);
            } else {
                match = matchMailHosts(domain, field);
                field.answer(domain, match);
            }
            if (match != null && !speaksFor(match, domain, field, index)) {
                continue;
            }
            if (match != null) {
                return match;
            }
        }
        return null;
    }

    /**
     * Whether an answer about {@code domain} speaks for the address at {@code index}: a null MX speaks only for the
     * domain it is published on, so a hop or second reading that takes no mail does not make the delivery domain
     * undeliverable (review91 F2: anna@müllerstraße.example, whose "ss" reading is parked; review92 F1: nor when the
     * field kept that answer for its next address).
     */
    private static boolean speaksFor(Match match, String domain, FieldAddresses field, int index) {
        return !NULL_MX.equals(match.source()) || domain.equals(field.deliveryDomain(index));
    }

    /**
     * Asks the bounce-feedback bans about every domain of a field that names more than one, in one store step
     * (one round trip on Redis, not one per domain: probe26 F2); a field of one domain asks as it always did.
     */
    private void lookUpBans(FieldAddresses field) {
        java.util.Set<String> all = new java.util.LinkedHashSet<>();
        for (int i = 0; i < field.size(); i++) {
            all.addAll(field.domains(i));
        }
        if (all.size() < 2) {
            field.bans(null);
            return;
        }
        List<String> keys = List.copyOf(all);
        List<java.time.Duration> remaining = blocked.remainingAll(keys);
        java.util.Map<String, Boolean> bans = new java.util.HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            java.time.Duration left = remaining.get(i);
            bans.put(keys.get(i), !left.isZero() && !left.isNegative());
        }
        field.bans(bans);
    }

    /**
     * Starts the mail-server look-ups of every domain of the field that the lists, the bans and the allowlists do
     * not decide, once, when its first address needs one: together they share the field's budget.
     */
    private void startMxLookUps(FieldAddresses field) {
        java.util.Set<String> needed = new java.util.LinkedHashSet<>();
        for (int i = 0; i < field.size(); i++) {
            for (String domain : field.domains(i)) {
                if (!field.answered(domain) && !isAllowed(domain) && matchLists(domain) == null) {
                    needed.add(domain);
                }
            }
        }
        mxCheck.startLookUps(List.copyOf(needed), field, this);
    }

    /** What the lists and the bounce-feedback bans say of a domain; {@code null} for neither. */
    private @Nullable Match matchKnown(String domain, @Nullable FieldAddresses field) {
        // The allowlists win, but are asked only once something matched: most addresses match nothing.
        Match listed = matchLists(domain);
        if (listed != null) {
            if (allowedOver(domain, listed.entry())) {
                return null;
            }
            if (mxCheck != null) {
                // the entry, not the name asked: random subdomains of a listed domain teach nothing new
                mxCheck.learnFrom(listed.entry(), this);
            }
            return listed;
        }
        Boolean known = field == null ? null : field.banned(domain);
        if (blocked != null && (known != null ? known : blocked.isBanned(domain))) {
            return allowedOver(domain, domain) ? null : new Match(domain, domain, "bounce-feedback");
        }
        return null;
    }

    /** Whether the domain's mail servers are disposable ones, by the MX check; {@code null} without one. */
    private @Nullable Match matchMailHosts(String domain, @Nullable FieldAddresses field) {
        if (mxCheck != null && !isAllowed(domain)) {
            String host = mxCheck.disposableMailHost(domain, this, field);
            if (host != null) {
                return new Match(domain, host, host.equals(MxCheck.NULL_MX_HOST) ? NULL_MX : "mx");
            }
        }
        return null;
    }

    /** Remembers the mail servers of a domain found disposable elsewhere (bounce feedback), if MX checks are on. */
    void learnMailHostsOf(String domain) {
        if (mxCheck != null && !isAllowed(domain)) {
            mxCheck.learnFrom(domain, this);
        }
    }

    /** The MX check, or {@code null} when there is none. */
    @Nullable
    MxCheck mxCheck() {
        return mxCheck;
    }

    /**
     * Whether an allowlist entry at least as specific as a blocking entry covers the domain: the closer
     * entry decides, and an allowlist wins a tie. So {@code amazonaws.com} on the allowlist (a mail
     * host's suffix, kept so the MX check never learns it) does not cover an operator's
     * {@code compute-1.amazonaws.com}, nor a bounce of one host under it, while {@code gmail.com} still
     * outweighs a {@code gmail.com} that a list or forged bounces name.
     */
    private boolean allowedOver(String domain, String blockingEntry) {
        for (DomainSource allowlist : allowlists) {
            String entry = allowlist.current().match(domain);
            if (entry != null && entry.length() >= blockingEntry.length()) {
                return true;
            }
        }
        return false;
    }

    /** Whether the allowlists cover a normalised domain. */
    public boolean isAllowed(String domain) {
        for (DomainSource allowlist : allowlists) {
            if (allowlist.current().match(domain) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a normalised mail server's name is one the MX check must never take for a disposable one: an
     * allowlisted domain's, or a shared mail host's (a forwarder's, a hosting company's), which serves many
     * unrelated domains (probe57a F1: a listed domain routed through Cloudflare Email Routing taught the check to
     * refuse every domain Cloudflare forwards for).
     */
    boolean isSharedMailHost(String host) {
        if (isAllowed(host)) {
            return true;
        }
        for (DomainSource hosts : sharedMailHosts) {
            if (hosts.current().match(host) != null) {
                return true;
            }
        }
        return false;
    }

    /** The first blocklist entry covering a normalised domain or host name, or {@code null}. */
    @Nullable
    Match matchLists(String domain) {
        for (DomainSource blocklist : blocklists) {
            String entry = blocklist.current().match(domain);
            if (entry != null) {
                return new Match(domain, entry, blocklist.name());
            }
        }
        return null;
    }

    /**
     * Reads every list that is read on first use (the bundled ones) now, so that a guard built on these
     * domains answers its first request without reading a list. Without it they are read by the first
     * look-up; a look-up while a list is being read waits for the whole list.
     *
     * @return these domains
     */
    public DisposableDomains load() {
        for (DomainSource blocklist : blocklists) {
            blocklist.current();
        }
        for (DomainSource allowlist : allowlists) {
            allowlist.current();
        }
        for (DomainSource hosts : sharedMailHosts) {
            hosts.current();
        }
        return this;
    }

    /** The sources of disposable domains. */
    List<DomainSource> blocklists() {
        return blocklists;
    }

    /** Stops every source that refreshes itself in the background (file and URL sources), each once. */
    @Override
    public void close() {
        java.util.Set<DomainSource> sources = new java.util.LinkedHashSet<>(blocklists);
        sources.addAll(allowlists);
        sources.addAll(sharedMailHosts);
        for (DomainSource source : sources) {
            if (source instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    org.slf4j.LoggerFactory.getLogger(DisposableDomains.class).warn("Closing {} failed", source, e);
                }
            }
        }
    }
}
