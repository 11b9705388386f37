package io.github.abuseguard.servlet;

import io.github.abuseguard.config.AbstractSettingsSection;
import io.github.abuseguard.config.Default;

/**
 * {@code abuse-guard.body.*}: how much of a request body guards may read, and what a body they cannot read
 * gets. Body capture is the filter's: the engine and its guards only ask a request for a field, and hear
 * from it whether the field could be read.
 *
 * @param maxBytes The most bytes of a body that guards read, and hold in memory per request while they do; a longer
 *     body is not read and counts as unreadable. The application still receives every byte.
 * @param onUnreadable What a guard does with a body it needs but cannot read (longer than max-bytes, malformed, an
 *     unknown or non-ASCII charset, consumed by an earlier filter): reject refuses it with a problem
 *     naming the reason (413, 400 or 415); allow judges the field as absent.
 * @param maxConcurrentReadsPerClient The most bodies of one client (its address, or its IPv6 network) that guards read at once; beyond
 *     it a request whose body a guard needs is refused at once with 429 (too-many-body-reads, Retry-After), before a byte of
 *     it is read, whatever on-unreadable says. A body that arrives slowly holds a request thread while it is read, so one
 *     client cannot hold them all. Bodies no guard reads, and those longer than max-bytes, are not counted.
 */
public record BodySettings(
        @Default("" + DEFAULT_MAX_BYTES) int maxBytes,
        @Default(DEFAULT_ON_UNREADABLE) OnUnreadable onUnreadable,

        @Default("" + DEFAULT_MAX_CONCURRENT_READS_PER_CLIENT)
        int maxConcurrentReadsPerClient) {

    /** The default of {@code max-bytes}. */
    public static final int DEFAULT_MAX_BYTES = 65536;

    /**
     * The most bytes of a URL-encoded form body parsed into parameters where no container bounds it, 2 MiB
     * (Tomcat's default {@code maxPostSize} for POST forms): by this filter for a form a guard read, and in
     * Spring Boot before Spring's {@code FormContentFilter} reads a PUT, PATCH or DELETE form whole, where a
     * longer form is refused with {@code 413}.
     */
    public static final int MAX_FORM_BYTES = 2 * 1024 * 1024;

    /**
     * The default of {@code max-concurrent-reads-per-client}: 20. Many users share one address behind a
     * carrier-grade NAT or an office proxy, and a photo or form sent over a slow mobile link takes seconds to
     * arrive, so several of one address's bodies being read at once is normal; 20 leaves room for that while
     * one address holds at most a tenth of Tomcat's 200 request threads.
     */
    public static final int DEFAULT_MAX_CONCURRENT_READS_PER_CLIENT = 20;

    /** The default of {@code on-unreadable}. */
    public static final String DEFAULT_ON_UNREADABLE = "reject";

    /** The values of {@code abuse-guard.body.on-unreadable}. */
    public enum OnUnreadable {
        /** Refuse the request: a body a guard cannot read is never waved through. */
        REJECT,
        /** Judge the field as absent: the request goes on unless another rule refuses it. */
        ALLOW
    }

    /** Contributes {@code abuse-guard.body.*} to the schema; registered with {@link java.util.ServiceLoader}. */
    public static final class Section extends AbstractSettingsSection<BodySettings> {
        public Section() {
            super("body");
        }
    }
}
