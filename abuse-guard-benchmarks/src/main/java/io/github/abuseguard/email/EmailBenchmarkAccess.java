package io.github.abuseguard.email;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * The benchmarks' way to the package-private domain lists ({@code DomainSource}, {@code DomainList}): it
 * sits in the api's {@code email} package, on the benchmarks' class path only, so the benchmarks measure
 * the lists themselves without the api making them public.
 */
public final class EmailBenchmarkAccess {
    private EmailBenchmarkAccess() {}

    /**
     * The bundled list, with the mailchecker list too if asked, and the major providers protected; no
     * bounce feedback, no MX check.
     */
    public static DisposableDomains disposableDomains(boolean withMailchecker) {
        List<DomainSource> blocklists = withMailchecker
                ? List.of(DomainSource.bundled(), DomainSource.named("mailchecker"))
                : List.of(DomainSource.bundled());
        return new DisposableDomains(blocklists, List.of(DomainSource.majorProviders()), null);
    }

    /** Loads the classes and the small allowlist, so that a measurement that follows sees neither. */
    public static void loadClasses() {
        DomainSource.majorProviders().current();
    }

    /**
     * Reads one bundled list resource into a new list, each call a new copy.
     *
     * @param resource such as {@code disposable-domains.txt}
     * @return the list's size, answered by the list, which the supplier keeps reachable
     */
    public static IntSupplier readBundled(String resource) throws IOException {
        try (InputStream in = DomainSource.class.getResourceAsStream(resource)) {
            DomainList list = DomainList.read(
                    new InputStreamReader(Objects.requireNonNull(in, resource), StandardCharsets.UTF_8));
            return list::size;
        }
    }
}
