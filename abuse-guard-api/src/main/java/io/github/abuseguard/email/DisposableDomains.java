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
        this.blocklists = List.copyOf(blocklists);
        this.allowlists = List.copyOf(allowlists);
        this.blocked = blocked;
        this.mxCheck = mxCheck;
    }

    /** The bundled list with the major providers protected, and nothing else. */
    public static DisposableDomains bundled() {
        return new DisposableDomains(List.of(DomainSource.bundled()), List.of(DomainSource.majorProviders()), null);
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

    /** Whether an address is disposable; see {@link #match(String)}. */
    public boolean isDisposable(String address) {
        return match(address) != null;
    }

    /**
     * Why an address is disposable. Besides the domain after the last {@code @}, every domain that mail
     * software could deliver the address to or through is looked up (an address with comments, quoted
     * strings, a list, a source route or a percent hack; see {@code EmailDomain.routes}), so that
     * {@code a@mailinator.com(x)} is as disposable as {@code a@mailinator.com}. Only the delivery domain
     * is asked about its mail servers.
     *
     * @return the match, or {@code null} when the address is not disposable or has no domain
     */
    public @Nullable Match match(String address) {
        return match(address, EmailDomain.of(address));
    }

    /**
     * Whether an address names a domain that cannot be read as a domain name, so that no list can be
     * asked about it ({@code a@yop\uFFFCmail.com}, an empty or over-long label, padding after the
     * {@code @}). {@link DisposableEmailGuard} refuses such an address ({@code unreadable-email-domain})
     * when {@link #match(String)} found nothing; a validator that stands in for the guard should too.
     * An address without {@code @} or with an address literal names no domain and is not unreadable.
     */
    public static boolean hasUnreadableDomain(String address) {
        return address != null && EmailDomain.hasUnreadableDomain(address, EmailDomain.of(address));
    }

    /** {@link #match(String)} with the address's domain already read ({@code EmailDomain.of}). */
    @Nullable
    Match match(String address, @Nullable String domain) {
        if (domain != null) {
            Match match = matchDomain(domain, true);
            if (match != null) {
                return match;
            }
        }
        if (EmailDomain.hasRoutes(address)) {
            for (String other : EmailDomain.routes(address)) {
                if (!other.equals(domain)) {
                    Match match = matchDomain(other, false);
                    if (match != null) {
                        return match;
                    }
                }
            }
        }
        return null;
    }

    private @Nullable Match matchDomain(String domain, boolean askMailServers) {
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
        if (blocked != null && blocked.isBanned(domain)) {
            return allowedOver(domain, domain) ? null : new Match(domain, domain, "bounce-feedback");
        }
        if (askMailServers && mxCheck != null && !isAllowed(domain)) {
            String host = mxCheck.disposableMailHost(domain, this);
            if (host != null) {
                return new Match(domain, host, "mx");
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
