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
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(list, "list");
        return new DomainSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public DomainList current() {
                return list;
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
}
