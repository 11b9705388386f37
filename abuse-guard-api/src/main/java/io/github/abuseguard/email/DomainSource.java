package io.github.abuseguard.email;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where a list of disposable (or allowed) domains comes from: the bundled list, a file, a URL. A source
 * always answers with the last list it loaded, never blocking a request.
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

    /** The curated list in the api jar, {@code disposable-domains.txt}. */
    static DomainSource bundled() {
        return Bundled.DISPOSABLE;
    }

    /** The major real providers bundled as an allowlist, {@code major-providers.txt}. */
    static DomainSource majorProviders() {
        return Bundled.MAJOR_PROVIDERS;
    }

    /** The bundled lists, read once. */
    final class Bundled {
        static final DomainSource DISPOSABLE = DomainSource.of("bundled", load("disposable-domains.txt"));
        static final DomainSource MAJOR_PROVIDERS = DomainSource.of("major-providers", load("major-providers.txt"));

        private Bundled() {}

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
