package io.github.abuseguard.email;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The bundled lists, each read once, when its {@link DomainSource#current()} is first asked for: an application
 * that names no e-mail rule never reads them. The holder classes' initialisation makes a caller that
 * asks while a list is being read wait for the whole list, never see part of it.
 */
final class BundledDomainLists {
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

    private BundledDomainLists() {}

    private static final class DisposableList {
        static final DomainList LIST = load("disposable-domains.txt");
    }

    private static final class MajorProvidersList {
        static final DomainList LIST = load("major-providers.txt");
    }

    /** A holder, so the larger list is read only when someone asks for it. */
    static final class Mailchecker {
        static final DomainSource SOURCE = DomainSource.of("mailchecker", load("mailchecker-domains.txt"));
    }

    private static DomainList load(String resource) {
        try (InputStream in = DomainSource.class.getResourceAsStream(resource)) {
            return DomainList.read(new InputStreamReader(Objects.requireNonNull(in, resource), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
