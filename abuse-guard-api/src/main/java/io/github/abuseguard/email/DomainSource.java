package io.github.abuseguard.email;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where a list of disposable (or allowed) domains comes from: the bundled list, a file, a URL. A source
 * always answers with the last list it loaded, never blocking a request; the bundled lists are read on
 * first use, which {@link DisposableDomains#load()} brings forward to start-up.
 */
public interface DomainSource {

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
        return Bundled.DISPOSABLE;
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
            return Bundled.Mailchecker.SOURCE;
        }
        if ("disposable-email-domains".equals(name)) {
            return Bundled.DISPOSABLE;
        }
        throw new IllegalArgumentException(
                "no bundled list named '" + name + "'; there are disposable-email-domains and mailchecker");
    }

    /** The major real providers bundled as an allowlist, {@code major-providers.txt}. Read on first use. */
    static DomainSource majorProviders() {
        return Bundled.MAJOR_PROVIDERS;
    }

    /**
     * The bundled lists, each read once, when its {@link #current()} is first asked for: an application
     * that names no e-mail rule never reads them. The holder classes' initialisation makes a caller that
     * asks while a list is being read wait for the whole list, never see part of it.
     */
    final class Bundled {
        static final DomainSource DISPOSABLE = new DomainSource() {
            @Override
            public String name() {
                return "bundled";
            }

            @Override
            public DomainList current() {
                return DisposableList.LIST;
            }
        };

        static final DomainSource MAJOR_PROVIDERS = new DomainSource() {
            @Override
            public String name() {
                return "major-providers";
            }

            @Override
            public DomainList current() {
                return MajorProvidersList.LIST;
            }
        };

        private Bundled() {}

        private static final class DisposableList {
            static final DomainList LIST = load("disposable-domains.txt");
        }

        private static final class MajorProvidersList {
            static final DomainList LIST = load("major-providers.txt");
        }

        /** A holder, so the larger list is read only when someone asks for it. */
        private static final class Mailchecker {
            static final DomainSource SOURCE = DomainSource.of("mailchecker", load("mailchecker-domains.txt"));
        }

        private static DomainList load(String resource) {
            try (InputStream in = DomainSource.class.getResourceAsStream(resource)) {
                return DomainList.read(
                        new InputStreamReader(Objects.requireNonNull(in, resource), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
