package io.github.abuseguard.email;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.internal.IpAddresses;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.Bans;
import io.github.abuseguard.store.Counters;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.Trails;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How the library learns a disposable domain nobody has listed yet: the application (or the
 * notification endpoint, fed by the mail provider) reports each bounce, complaint and delivery, and a
 * domain whose bounces and complaints within the window come from mail that at least {@code threshold}
 * different client networks made the site send, and make up at least {@code maxRate} of its reports, is
 * blocked for the configured time. The same counts are kept for the domain's mail servers when the MX
 * check knows them, and a mail server over both limits becomes a known disposable mail server, so every
 * domain it serves is refused. Allowed domains (the major providers by default) are never counted nor
 * blocked. Counts and blocks live in the state store, so every instance learns; the rates for metrics
 * ({@link #bounceRates()}) are this instance's latest view.
 *
 * <p>Why networks, not bounces: the recipients of a bounce are whatever a client typed into a form.
 * Five sign-ups with made-up mailboxes at a company's domain bounce five times, and counted as bounces
 * they would block the company for a day (probe21 F5). So each address that passes the e-mail guard on
 * a checked route, and that the application then accepts (a 2xx answer), is remembered with the network
 * that sent it ({@link #recordSubmission}) for the window, and a bounce counts toward its domain's threshold
 * once per such network. Repeated bounces of one address, and many made-up addresses from one network,
 * count once.
 *
 * <p>A network here is an allocation: an IPv4 /16 or an IPv6 /32 ({@code IpAddresses.allocation}), not the
 * /24 or /48 of {@link io.github.abuseguard.KeyResolver#network()}. Five adjacent /24s of one hosting
 * customer, or five /48s a tunnel broker hands out for free from one /32, blocked a company's domain
 * (probe22 F7); five different /16s or /32s take five providers, or five regions of a cloud. A real
 * throw-away domain abused from a few /24s of one provider is not learned from its bounces: that shape
 * cannot be told from the attack, and the lists and the MX check still catch the domain.
 *
 * <p>A recipient nobody submitted through the guard (mail sent from an unchecked route, such as a
 * password-reset form, or a submission the bounded store forgot) counts for the rate but for no network:
 * anyone can make the site send such mail, from a network already counted, so it is evidence of no
 * further network (probe22 F7: four networks and one such bounce blocked a company for a day).
 */
public final class BounceFeedback {
    /** The most domains whose rates are kept for metrics. */
    public static final int MAX_REPORTED_DOMAINS = 1_000;

    /** The most networks remembered per submitted address: a bounce counts for each of them. */
    public static final int MAX_NETWORKS_PER_ADDRESS = 4;

    /** The most submissions this instance remembers having written, so a repeat costs no round trip. */
    private static final int MAX_RECENT_SUBMISSIONS = 10_000;

    /**
     * How long one report keeps submissions recorded when they are recorded only once something reports
     * ({@link Builder#recordSubmissionsOnceReported}): longer than any quiet spell of a site that sends mail
     * at all, so a feed that stops for a weekend does not lose the first bounces after it; an application
     * that stopped reporting pays the writes for this long.
     */
    static final Duration REPORTED_FOR = Duration.ofDays(30);

    /**
     * How long an instance trusts its last answer to whether anything reported: it asks the store at most
     * once per this time, so an application that never reports pays one read a minute, not one per sign-up,
     * and an instance learns of another's first report within a minute.
     */
    private static final Duration REPORTED_RECHECK = Duration.ofMinutes(1);

    /** The one key of {@code email:bounce-reported}. */
    private static final String REPORTED = "reported";

    private final Counters reports;
    private final Counters deliveries;
    private final Counters networks;
    private final Trails submissions;
    private final Bans blocked;
    private final int threshold;
    private final double maxRate;
    private final Duration blockFor;
    private final DisposableDomains domains;
    private final Cache<String, Double> rates;
    private final Cache<String, Boolean> recentSubmissions;
    private final @Nullable Bans reported;
    private final Cache<String, Boolean> reportedSeen;
    /** Whether this instance wrote the "reported" flag within {@link #REPORTED_RECHECK}. */
    private final Cache<String, Boolean> reportedWritten;

    private BounceFeedback(Builder builder) {
        StateStore store = builder.store;
        this.reports = store.counters("email:bounces", builder.window);
        this.deliveries = builder.countDeliveries ? store.counters("email:deliveries", builder.window) : null;
        this.networks = store.counters("email:bounce-networks", builder.window);
        this.submissions = store.trails("email:submitted", MAX_NETWORKS_PER_ADDRESS, builder.window);
        this.blocked = store.bans("email:blocked");
        this.threshold = builder.threshold;
        this.maxRate = builder.maxRate;
        this.blockFor = builder.blockFor;
        this.domains = builder.domains;
        this.rates = Caffeine.newBuilder().maximumSize(MAX_REPORTED_DOMAINS).build();
        // A quarter of the window: a submission repeated later writes again and so renews its store entry.
        this.recentSubmissions = Caffeine.newBuilder()
                .maximumSize(MAX_RECENT_SUBMISSIONS)
                .expireAfterWrite(builder.window.dividedBy(4))
                .build();
        this.reported = builder.recordSubmissionsOnceReported ? store.bans("email:bounce-reported") : null;
        this.reportedSeen = Caffeine.newBuilder()
                .maximumSize(1)
                .expireAfterWrite(REPORTED_RECHECK)
                .build();
        this.reportedWritten = Caffeine.newBuilder()
                .maximumSize(1)
                .expireAfterWrite(REPORTED_RECHECK)
                .build();
    }

    /**
     * Bounce feedback kept in {@code store} (namespaces {@code email:bounces}, {@code email:deliveries},
     * {@code email:bounce-networks}, {@code email:submitted}, and {@code email:bounce-reported} when
     * submissions are {@linkplain Builder#recordSubmissionsOnceReported recorded once reported}), blocking in
     * {@code store.bans("email:blocked")}, the bans {@code domains} should read.
     *
     * @param domains whose allowlists protect domains from being blocked, and whose MX check learns
     */
    public static Builder builder(StateStore store, DisposableDomains domains) {
        return new Builder(store, domains);
    }

    /**
     * Remembers, for the window, that a client of {@code network} submitted {@code address} and the
     * application accepted it: a bounce of mail to it then counts for that network. The e-mail guard
     * calls this for each address (the first 4 values of a field) a checked route
     * answered 2xx to; an application that sends mail to addresses from elsewhere may call it too.
     *
     * @param network the client's address or network, as {@link io.github.abuseguard.KeyResolver#network()}
     *     gives it; an IP address or prefix counts as its allocation (IPv4 /16, IPv6 /32), any other key as
     *     itself
     */
    public void recordSubmission(String address, String network) {
        if (!recordingSubmissions()) {
            return;
        }
        String mailbox = mailbox(address);
        if (mailbox == null || domains.isAllowed(mailbox.substring(mailbox.lastIndexOf('@') + 1))) {
            return;
        }
        String key = digest(mailbox);
        // the allocation, not the /24: five networks of one allocation write once, not five times
        String allocation = allocation(network);
        if (recentSubmissions.asMap().putIfAbsent(key + "|" + allocation, Boolean.TRUE) == null) {
            submissions.append(key, allocation);
        }
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
        reported();
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
        reported();
        String domain = deliveryDomain(address);
        if (domain == null || domains.isAllowed(domain)) {
            return false;
        }
        Set<String> from = submitters(address);
        long bounced = reports.add(domain, 1);
        long sites = countNetworks(domain, from);
        double rate = rate(bounced, deliveries == null ? 0 : deliveries.get(domain));
        rates.put(domain, rate);
        for (String host : mailHosts(domain)) {
            String key = "mx:" + host;
            long hostBounced = reports.add(key, 1);
            long hostSites = countNetworks(key, from);
            if (overLimits(hostSites, rate(hostBounced, deliveries == null ? 0 : deliveries.get(key)))) {
                domains.mxCheck().learnHost(host);
            }
        }
        if (overLimits(sites, rate)) {
            blocked.ban(domain, blockFor);
            domains.learnMailHostsOf(domain);
            return true;
        }
        return blocked.isBanned(domain);
    }

    /**
     * Whether submissions are written: always, unless they are recorded only once something reported, and
     * nothing did within {@link #REPORTED_FOR} to any instance sharing the store.
     */
    private boolean recordingSubmissions() {
        return reported == null || reportedSeen.get(REPORTED, reported::isBanned);
    }

    /**
     * Notes that something reports to this feedback, for every instance sharing the store; written at most
     * once per {@link #REPORTED_RECHECK} by this instance, so a stream of deliveries costs no write each.
     */
    private void reported() {
        // Apart from the read of the flag: on a busy site every sign-up refills that read with "reported",
        // and a report would then never renew the flag, which lapsed after 30 days (review13).
        if (reported != null && reportedWritten.getIfPresent(REPORTED) == null) {
            reported.ban(REPORTED, REPORTED_FOR);
            reportedWritten.put(REPORTED, Boolean.TRUE);
            reportedSeen.put(REPORTED, Boolean.TRUE);
        }
    }

    /**
     * The allocations whose clients submitted the address within the window; none for an address nobody
     * submitted. Each entry is read as an allocation again, since an instance of an earlier version shares
     * the store and wrote /24s and /48s.
     */
    private Set<String> submitters(String address) {
        String mailbox = mailbox(address);
        List<String> trail = mailbox == null ? List.of() : submissions.get(digest(mailbox));
        Set<String> from = new LinkedHashSet<>();
        for (String network : trail) {
            from.add(allocation(network));
        }
        return from;
    }

    /**
     * The allocation of a network key: {@code 203.0.113.0/24} and {@code 203.0.113.7} are {@code
     * 203.0.0.0/16}, {@code 2001:db8:4::/48} is {@code 2001:db8::/32}; a key that is no address (a client
     * resolved without one) stays itself.
     */
    static String allocation(String network) {
        int slash = network.indexOf('/');
        byte[] address = IpAddresses.parse(slash < 0 ? network : network.substring(0, slash));
        return address == null ? network : IpAddresses.allocation(address);
    }

    /**
     * Counts each network's first bounce of the window under {@code key}, and answers how many networks
     * the key's bounces came from (none added for a recipient nobody submitted). The first bounce of a network is the one whose count reaches 1, which
     * exactly one of racing reports sees, so racing bounces neither double-count nor lose a network.
     */
    private long countNetworks(String key, Set<String> from) {
        long count = -1;
        for (String network : from) {
            if (networks.add(key + "|" + network, 1) == 1) {
                count = networks.add(key, 1);
            }
        }
        return count < 0 ? networks.get(key) : count;
    }

    /**
     * The address as one mailbox, {@code local@domain} with the local part in lower case and the domain
     * normalised, so that what a client typed and what the provider reports meet; {@code null} for an
     * address without a domain.
     */
    static @Nullable String mailbox(String address) {
        if (address == null) {
            return null;
        }
        String text = address.strip();
        int open = text.lastIndexOf('<');
        if (open >= 0) {
            int close = text.indexOf('>', open);
            text = text.substring(open + 1, close < 0 ? text.length() : close).strip();
        }
        if (EmailDomain.hasRoutes(text)) {
            // comments and folding white space aside, as the guard reads the address: what the client typed
            // ("a@fresh.example (Ann)") and what the provider reports meet
            text = EmailDomain.parsed(text).strip();
        }
        int at = text.lastIndexOf('@');
        String domain = at <= 0 ? null : EmailDomain.of(text);
        return domain == null ? null : text.substring(0, at).toLowerCase(Locale.ROOT) + "@" + domain;
    }

    /** A digest of a mailbox: the store keeps no address. */
    private static String digest(String mailbox) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(mailbox.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 16));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java platform has SHA-256", impossible);
        }
    }

    private List<String> mailHosts(String domain) {
        MxCheck mx = domains.mxCheck();
        return mx == null ? List.of() : mx.cachedHosts(domain, domains);
    }

    private boolean overLimits(long networks, double rate) {
        return networks >= threshold && rate >= maxRate;
    }

    private static double rate(long bounced, long delivered) {
        return bounced + delivered == 0 ? 0.0 : (double) bounced / (bounced + delivered);
    }

    /** Builds {@link BounceFeedback}; the defaults are those of {@code abuse-guard.email.bounce-*}. */
    public static final class Builder {
        private final StateStore store;
        private final DisposableDomains domains;
        private int threshold = EmailSettings.DEFAULT_BOUNCE_THRESHOLD;
        private double maxRate = EmailSettings.DEFAULT_BOUNCE_RATE;
        private Duration window = SettingsBinder.duration("bounce-window", EmailSettings.DEFAULT_BOUNCE_WINDOW);
        private Duration blockFor = SettingsBinder.duration("bounce-block-for", EmailSettings.DEFAULT_BOUNCE_BLOCK_FOR);
        private boolean countDeliveries = true;
        private boolean recordSubmissionsOnceReported;

        private Builder(StateStore store, DisposableDomains domains) {
            this.store = Objects.requireNonNull(store, "store");
            this.domains = Objects.requireNonNull(domains, "domains");
        }

        /**
         * How many different client networks (allocations: IPv4 /16s, IPv6 /32s) whose mail must have bounced or drawn complaints within the window
         * to block a domain (or a mail server); {@value EmailSettings#DEFAULT_BOUNCE_THRESHOLD} by default.
         *
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder threshold(int threshold) {
            if (threshold < 1) {
                throw new IllegalArgumentException("bounce threshold must be positive, was " + threshold);
            }
            this.threshold = threshold;
            return this;
        }

        /**
         * The share of a domain's reports that bounced, from 0 to 1, at which it is blocked; {@value
         * EmailSettings#DEFAULT_BOUNCE_RATE} by default, 0 to count bounces only.
         *
         * @throws IllegalArgumentException if it is not within [0, 1]
         */
        public Builder maxRate(double maxRate) {
            if (!(maxRate >= 0 && maxRate <= 1)) {
                throw new IllegalArgumentException("bounce rate must be within 0 and 1, was " + maxRate);
            }
            this.maxRate = maxRate;
            return this;
        }

        /**
         * The window bounces, deliveries and submissions are counted in; 1 hour by default.
         *
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder window(Duration window) {
            this.window = positive(window, "bounce window");
            return this;
        }

        /**
         * How long a domain stays blocked; 1 day by default.
         *
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder blockFor(Duration blockFor) {
            this.blockFor = positive(blockFor, "block time");
            return this;
        }

        /** Whether deliveries are counted (and so lower a domain's rate); {@code true} by default. */
        public Builder countDeliveries(boolean countDeliveries) {
            this.countDeliveries = countDeliveries;
            return this;
        }

        /**
         * Whether submissions are recorded only once a bounce, complaint or delivery has been reported to
         * a feedback sharing the store, within the last 30 days; {@code false} by default (recorded from
         * the start, for a feedback built to be fed). An application that never reports then pays no store
         * write per accepted address, only a read a minute per instance; one that starts reporting loses
         * the sign-ups before its first report (they bounce as recipients nobody submitted, counting for no
         * network), so it learns a domain up to one window later. The starter sets this when the
         * notification endpoint is off, since it cannot tell whether the application's code reports.
         */
        public Builder recordSubmissionsOnceReported(boolean recordSubmissionsOnceReported) {
            this.recordSubmissionsOnceReported = recordSubmissionsOnceReported;
            return this;
        }

        public BounceFeedback build() {
            return new BounceFeedback(this);
        }

        private static Duration positive(Duration duration, String what) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + Durations.written(duration));
            }
            return duration;
        }
    }
}
