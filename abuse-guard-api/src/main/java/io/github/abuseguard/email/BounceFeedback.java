package io.github.abuseguard.email;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How the library learns a disposable domain nobody has listed yet: the application (or the
 * notification endpoint, fed by the mail provider) reports each bounce, complaint and delivery, and a
 * domain with at least {@code threshold} bounces and complaints within the window, making up at least
 * {@code maxRate} of its reports, is blocked for the configured time. The same counts are kept for the
 * domain's mail servers when the MX check knows them, and a mail server over both limits becomes a known
 * disposable mail server, so every domain it serves is refused. Allowed domains (the major providers by
 * default) are never counted nor blocked. Counts and blocks live in the state store, so every instance
 * learns; the rates for metrics ({@link #bounceRates()}) are this instance's latest view.
 */
public final class BounceFeedback {
    /** The most domains whose rates are kept for metrics. */
    public static final int MAX_REPORTED_DOMAINS = 1_000;

    private final Counters reports;
    private final Counters deliveries;
    private final Bans blocked;
    private final int threshold;
    private final double maxRate;
    private final Duration blockFor;
    private final DisposableDomains domains;
    private final Cache<String, Double> rates;

    /**
     * Bounce feedback that counts bounces only: a domain is blocked at {@code threshold} bounces and
     * complaints within the window, whatever its deliveries.
     */
    public BounceFeedback(Counters reports, Bans blocked, int threshold, Duration blockFor, DisposableDomains domains) {
        this(reports, null, blocked, threshold, 0.0, blockFor, domains);
    }

    /**
     * @param reports counts of bounces and complaints per domain, windowed
     * @param deliveries counts of deliveries per domain, windowed like {@code reports}; {@code null} to
     *     count none (every domain's rate is then 100%)
     * @param blocked the blocks, shared with {@link DisposableDomains}
     * @param threshold bounces and complaints within the window that may block a domain
     * @param maxRate the share of a domain's reports that bounced, from 0 to 1, at which it is blocked
     * @param blockFor how long a domain stays blocked
     * @param domains whose allowlists protect domains from being blocked, and whose MX check learns
     * @throws IllegalArgumentException if the threshold or the time is not positive, or the rate is not
     *     within [0, 1]
     */
    public BounceFeedback(
            Counters reports,
            @Nullable Counters deliveries,
            Bans blocked,
            int threshold,
            double maxRate,
            Duration blockFor,
            DisposableDomains domains) {
        if (threshold < 1) {
            throw new IllegalArgumentException("bounce threshold must be positive, was " + threshold);
        }
        if (!(maxRate >= 0 && maxRate <= 1)) {
            throw new IllegalArgumentException("bounce rate must be within 0 and 1, was " + maxRate);
        }
        if (blockFor.isNegative() || blockFor.isZero()) {
            throw new IllegalArgumentException("block time must be positive, was " + blockFor);
        }
        this.reports = Objects.requireNonNull(reports, "reports");
        this.deliveries = deliveries;
        this.blocked = Objects.requireNonNull(blocked, "blocked");
        this.threshold = threshold;
        this.maxRate = maxRate;
        this.blockFor = blockFor;
        this.domains = Objects.requireNonNull(domains, "domains");
        this.rates = Caffeine.newBuilder().maximumSize(MAX_REPORTED_DOMAINS).build();
    }

    /**
     * Reports that mail to an address bounced (hard bounce).
     *
     * @return whether the address's domain is blocked now
     */
    public boolean recordBounce(String address) {
        return record(address);
    }

    /**
     * Reports a spam complaint about mail to an address; counts like a bounce.
     *
     * @return whether the address's domain is blocked now
     */
    public boolean recordComplaint(String address) {
        return record(address);
    }

    /** Reports that mail to an address was delivered, which lowers its domain's bounce rate. */
    public void recordDelivery(String address) {
        String domain = deliveryDomain(address);
        if (deliveries == null || domain == null || domains.isAllowed(domain)) {
            return;
        }
        long delivered = deliveries.add(domain, 1);
        rates.put(domain, rate(reports.get(domain), delivered));
        for (String host : mailHosts(domain)) {
            deliveries.add("mx:" + host, 1);
        }
    }

    /**
     * The latest bounce rate (0 to 1) of the domains reported recently, at most {@value
     * #MAX_REPORTED_DOMAINS} of them; for metrics.
     */
    public Map<String, Double> bounceRates() {
        return Map.copyOf(rates.asMap());
    }

    /**
     * The domain mail to an address goes to, read as the guard reads the address (comments, display names
     * and folding white space aside: {@code a@x.example (Ann)} is at x.example); {@code null} for none.
     */
    private static @Nullable String deliveryDomain(String address) {
        if (address == null) {
            return null;
        }
        FieldAddresses read = FieldAddresses.read(List.of(address));
        return read.size() == 0 ? null : read.deliveryDomain(0);
    }

    private boolean record(String address) {
        String domain = deliveryDomain(address);
        if (domain == null || domains.isAllowed(domain)) {
            return false;
        }
        long bounced = reports.add(domain, 1);
        double rate = rate(bounced, deliveries == null ? 0 : deliveries.get(domain));
        rates.put(domain, rate);
        for (String host : mailHosts(domain)) {
            String key = "mx:" + host;
            long hostBounced = reports.add(key, 1);
            if (overLimits(hostBounced, rate(hostBounced, deliveries == null ? 0 : deliveries.get(key)))) {
                domains.mxCheck().learnHost(host);
            }
        }
        if (overLimits(bounced, rate)) {
            blocked.ban(domain, blockFor);
            domains.learnMailHostsOf(domain);
            return true;
        }
        return blocked.isBanned(domain);
    }

    private List<String> mailHosts(String domain) {
        MxCheck mx = domains.mxCheck();
        return mx == null ? List.of() : mx.cachedHosts(domain, domains);
    }

    private boolean overLimits(long bounced, double rate) {
        return bounced >= threshold && rate >= maxRate;
    }

    private static double rate(long bounced, long delivered) {
        return bounced + delivered == 0 ? 0.0 : (double) bounced / (bounced + delivered);
    }
}
