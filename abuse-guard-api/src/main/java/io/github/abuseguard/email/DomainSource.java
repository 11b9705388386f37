package io.github.abuseguard.email;

import java.util.Objects;

/**
 * Where a list of disposable (or allowed) domains comes from: the bundled list, a file, a URL. A source
 * always answers with the last list it loaded, never blocking a request; the bundled lists are read on
 * first use, which {@link DisposableDomains#load()} brings forward to start-up.
 */
interface DomainSource {

    /** A short name for reports, such as {@code bundled} or the file's path. */
    String name();

    /** The list now in force. */
    DomainList current();

    /** A fixed list. */
    static DomainSource of(String name, DomainList list) {
        Objects.requireNonNull(list, "list");
        return of(name, () -> list);
    }

    /** The list {@code list} gives each time it is asked for (a holder class's, read when it is first used). */
    static DomainSource of(String name, java.util.function.Supplier<DomainList> list) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(list, "list");
        return new DomainSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public DomainList current() {
                return list.get();
            }
        };
    }

    /**
     * The default list in the api jar, {@code disposable-domains.txt}: the CC0 list of the
     * disposable-email-domains project (about 8,900 domains; source, version and date in the file's
     * header), refreshed by the maintainers with {@code tools/refresh-email-lists.py}. Read on first use.
     */
    static DomainSource bundled() {
        return BundledDomainLists.DISPOSABLE;
    }

    /**
     * An opt-in list bundled in the api jar, read on first use. {@code mailchecker}: the MIT-licensed list
     * of the mailchecker project (about 56,000 domains, broader and with more false positives than the
     * default list; its licence notice is in the file's header).
     *
     * @throws IllegalArgumentException if no bundled list has that name
     */
    static DomainSource named(String name) {
        if ("mailchecker".equals(name)) {
            return BundledDomainLists.Mailchecker.SOURCE;
        }
        if ("disposable-email-domains".equals(name)) {
            return BundledDomainLists.DISPOSABLE;
        }
        throw new IllegalArgumentException(
                "no bundled list named '" + name + "'; there are disposable-email-domains and mailchecker");
    }

    /** The major real providers bundled as an allowlist, {@code major-providers.txt}. Read on first use. */
    static DomainSource majorProviders() {
        return BundledDomainLists.MAJOR_PROVIDERS;
    }

    /**
     * The mail servers of the major providers, forwarders, hosting companies and filtering services bundled as
     * a list of shared mail hosts, {@code shared-mail-hosts.txt}: the MX check never takes one of them for a
     * disposable mail server (it serves many unrelated domains), but an address at such a name is judged like
     * any other. Read on first use.
     */
    static DomainSource sharedMailHosts() {
        return BundledDomainLists.SHARED_MAIL_HOSTS;
    }

    /**
     * The privacy relays and alias forwarders bundled as an allowlist, {@code alias-relays.txt}: each address
     * forwards to a real mailbox. Read on first use.
     */
    static DomainSource aliasRelays() {
        return BundledDomainLists.ALIAS_RELAYS;
    }
}
