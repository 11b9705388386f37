package io.github.abuseguard.email;

import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import java.time.Duration;
import java.util.Objects;

/**
 * How the library learns a disposable domain nobody has listed yet: the application reports each
 * bounce or complaint (from its mail provider's notifications), and a domain whose reports reach the
 * threshold within the window is blocked for the configured time. Allowed domains (the major providers
 * by default) are never blocked. Counts and blocks live in the state store, so every instance learns.
 */
public final class BounceFeedback {
    private final Counters reports;
    private final Bans blocked;
    private final int threshold;
    private final Duration blockFor;
    private final DisposableDomains allowlistOwner;

    /**
     * @param reports counts of reports per domain, windowed
     * @param blocked the blocks, shared with {@link DisposableDomains}
     * @param threshold reports within the window that block a domain
     * @param blockFor how long a domain stays blocked
     * @param domains whose allowlists protect domains from being blocked
     * @throws IllegalArgumentException if the threshold or the time is not positive
     */
    public BounceFeedback(Counters reports, Bans blocked, int threshold, Duration blockFor, DisposableDomains domains) {
        if (threshold < 1) {
            throw new IllegalArgumentException("bounce threshold must be positive, was " + threshold);
        }
        if (blockFor.isNegative() || blockFor.isZero()) {
            throw new IllegalArgumentException("block time must be positive, was " + blockFor);
        }
        this.reports = Objects.requireNonNull(reports, "reports");
        this.blocked = Objects.requireNonNull(blocked, "blocked");
        this.threshold = threshold;
        this.blockFor = blockFor;
        this.allowlistOwner = Objects.requireNonNull(domains, "domains");
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

    private boolean record(String address) {
        String domain = EmailDomain.of(address);
        if (domain == null || allowlistOwner.isAllowed(domain)) {
            return false;
        }
        long count = reports.add(domain, 1);
        if (count >= threshold) {
            blocked.ban(domain, blockFor);
            return true;
        }
        return blocked.isBanned(domain);
    }
}
