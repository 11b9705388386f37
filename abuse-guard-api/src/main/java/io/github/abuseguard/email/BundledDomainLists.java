package io.github.abuseguard.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The bundled lists, each read once, when its {@link DomainSource#current()} is first asked for: an application
 * that names no e-mail rule never reads them. The holder classes' initialisation makes a caller that
 * asks while a list is being read wait for the whole list, never see part of it.
 */
final class BundledDomainLists {
    static final DomainSource DISPOSABLE = DomainSource.of("bundled", () -> DisposableList.LIST);

    static final DomainSource MAJOR_PROVIDERS = DomainSource.of("major-providers", () -> MajorProvidersList.LIST);

    static final DomainSource SHARED_MAIL_HOSTS = DomainSource.of("shared-mail-hosts", () -> SharedMailHostsList.LIST);

    static final DomainSource ALIAS_RELAYS = DomainSource.of("alias-relays", () -> AliasRelaysList.LIST);

    private BundledDomainLists() {}

    private static final class DisposableList {
        static final DomainList LIST = load("disposable-domains.txt");
    }

    private static final class MajorProvidersList {
        static final DomainList LIST = load("major-providers.txt");
    }

    private static final class SharedMailHostsList {
        static final DomainList LIST = load("shared-mail-hosts.txt");
    }

    private static final class AliasRelaysList {
        static final DomainList LIST = load("alias-relays.txt");
    }

    /** A holder, so the larger list is read only when someone asks for it. */
    static final class Mailchecker {
        static final DomainSource SOURCE = DomainSource.of("mailchecker", load("mailchecker-domains.txt"));
    }

    /**
     * The DNS root zone's top-level names, in ASCII (IANA's list, refreshed with the other lists by {@code
     * tools/refresh-email-lists.py}): a name under any other goes to a resolver of the site's own (probe44a F6:
     * {@code kubernetes.default.svc}, {@code mail.consul}).
     */
    static final class TopLevelDomains {
        static final Set<String> NAMES = names("top-level-domains.txt");

        private static Set<String> names(String resource) {
            Set<String> names = new HashSet<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    Objects.requireNonNull(DomainSource.class.getResourceAsStream(resource), resource),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        names.add(line.strip());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Set.copyOf(names);
        }
    }

    private static DomainList load(String resource) {
        try (InputStream in = DomainSource.class.getResourceAsStream(resource)) {
            return DomainList.read(new InputStreamReader(Objects.requireNonNull(in, resource), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
