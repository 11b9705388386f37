package io.github.abuseguard.email.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.email.BounceFeedback;
import io.github.abuseguard.internal.Durations;
import io.github.abuseguard.internal.IpAddresses;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a mail provider's bounce, complaint and delivery notifications into {@link BounceFeedback}, so
 * the warning about a bounce rate comes from us before it comes from the provider. Two shapes are read:
 *
 * <ul>
 *   <li>Amazon SES notifications delivered by Amazon SNS over HTTP(S): the SNS signature (versions 1,
 *       SHA1withRSA, and 2, SHA256withRSA) is verified over the canonical string AWS documents, with the
 *       certificate at {@code SigningCertURL}, which must be an https URL on a host matching the
 *       certificate host pattern ({@code sns.<region>.amazonaws.com} by default); the topic must be one of
 *       the configured topic ARNs (without one, every SNS message is refused: anyone can sign a message
 *       of their own topic); messages older than the maximum age are refused and a message id is
 *       counted once. Permanent bounces count, transient ones do not. A subscription is confirmed only if
 *       confirmation is enabled, and only at a {@code SubscribeURL} on a host matching the same pattern.
 *   <li>A generic JSON shape, {@code {"type":"bounce"|"complaint"|"delivery","recipients":["a@b.example"]}},
 *       accepted only with {@code Authorization: Bearer <shared secret>}; without a configured secret it
 *       is refused.
 * </ul>
 *
 * <p>Every answer is an {@link Outcome}: {@code 204} when processed, {@code 400} for a body that is not
 * what we read (malformed JSON, wrong types, missing fields, stale), {@code 401}/{@code 403} for a
 * missing secret, a forged signature or a foreign topic, {@code 503} when the signing certificate cannot
 * be fetched (SNS retries). Nothing a client sends makes it throw.
 */
public final class BounceNotifications {
    private static final Logger log = LoggerFactory.getLogger(BounceNotifications.class);

    /** The default pattern of the hosts that publish SNS signing certificates. */
    public static final String SNS_HOSTS = "sns\\.[a-z0-9-]{1,30}\\.amazonaws\\.com(\\.cn)?";

    /** The most recipients read from one notification (SES sends at most 50). */
    public static final int MAX_RECIPIENTS = 100;

    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final int MIN_SECRET = 16;

    private final BounceFeedback feedback;
    private final Set<String> topicArns;
    private final Pattern certificateHosts;
    private final SigningCertificates certificates;
    private final Consumer<URI> subscriptionConfirmer;
    private final byte[] secret;
    private final Duration maxAge;
    private final TimeSource timeSource;
    private final Cache<String, Boolean> seenMessages;

    /** The certificates fetched, by URL: up to 100, each kept a day. */
    private final Cache<URI, X509Certificate> fetchedCertificates = Caffeine.newBuilder()
            .maximumSize(100)
            .expireAfterWrite(Duration.ofDays(1))
            .build();

    /** Certificate URLs whose fetch failed, not fetched again for a minute. */
    private final Cache<URI, Boolean> failedCertificates = Caffeine.newBuilder()
            .maximumSize(1_000)
            .expireAfterWrite(Duration.ofMinutes(1))
            .build();

    /**
     * The certificate URLs that verified a message: fetched again when the day's copy expires whatever the budgets
     * below (review98 F1: a forger spending the budget on made-up URLs kept SNS's own messages out once a day).
     */
    private final Cache<URI, Boolean> verifiedUrls = Caffeine.newBuilder()
            .maximumSize(100)
            .expireAfterWrite(Duration.ofDays(30))
            .build();

    /** At most 30 fetches of URLs not fetched before per minute: SNS rotates its certificate a few times a year. */
    private final PerMinute fetches = new PerMinute(30);

    /**
     * At most 3 of them per sending network (an IPv4 /24, an IPv6 /48) a minute, so that one forger's network cannot
     * spend the budget of every sender (review98 F1); SNS sends from many of AWS's networks.
     */
    private final Cache<String, PerMinute> fetchesBySender = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(Duration.ofMinutes(2))
            .build();

    /** At most one WARN a minute for failed fetches. */
    private final PerMinute fetchWarnings = new PerMinute(1);

    private BounceNotifications(Builder builder) {
        this.feedback = builder.feedback;
        this.topicArns = Set.copyOf(builder.topicArns);
        this.certificateHosts = builder.certificateHosts;
        this.certificates = builder.certificates;
        this.subscriptionConfirmer = builder.subscriptionConfirmer;
        this.secret = builder.secret == null ? null : builder.secret.getBytes(StandardCharsets.UTF_8);
        this.maxAge = builder.maxAge;
        this.timeSource = builder.timeSource;
        this.seenMessages = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(maxAge.plus(CLOCK_SKEW))
                .build();
    }

    /** Notifications that feed {@code feedback}. */
    public static Builder builder(BounceFeedback feedback) {
        return new Builder(feedback);
    }

    /**
     * What a notification came to.
     *
     * @param status the HTTP status to answer
     * @param title a short title of a problem, {@code null} for a {@code 2xx}
     * @param detail what was wrong, or what was done
     * @param recorded how many recipients were reported to the bounce feedback
     */
    public record Outcome(int status, @Nullable String title, String detail, int recorded) {
        static Outcome done(String detail, int recorded) {
            return new Outcome(204, null, detail, recorded);
        }

        static Outcome problem(int status, String title, String detail) {
            return new Outcome(status, title, detail, 0);
        }

        /** Whether the notification was accepted. */
        public boolean accepted() {
            return status < 300;
        }
    }

    /**
     * Reads one notification.
     *
     * @param body the request body, as UTF-8 text
     * @param authorization the {@code Authorization} header, or {@code null}
     */
    public Outcome handle(String body, @Nullable String authorization) {
        return handle(body, authorization, null);
    }

    /**
     * Reads one notification sent from {@code sender}, whose network's share of the certificate fetches it may spend.
     *
     * @param body the request body, as UTF-8 text
     * @param authorization the {@code Authorization} header, or {@code null}
     * @param sender the sending peer's address, or {@code null} when unknown (then only the endpoint's budget holds)
     */
    public Outcome handle(String body, @Nullable String authorization, @Nullable String sender) {
        Map<String, Object> message;
        try {
            message = JsonValues.object(body == null ? "" : body);
        } catch (JsonValues.MalformedException e) {
            return Outcome.problem(400, "Malformed notification", e.getMessage());
        }
        try {
            return message.containsKey("Type") ? sns(message, sender) : generic(message, authorization);
        } catch (JsonValues.MalformedException e) {
            return Outcome.problem(400, "Malformed notification", e.getMessage());
        }
    }

    private Outcome generic(Map<String, Object> message, String authorization) throws JsonValues.MalformedException {
        if (secret == null) {
            return Outcome.problem(
                    403, "Generic notifications are off", "the generic shape needs a shared secret to be configured");
        }
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return Outcome.problem(401, "Unauthorized", "an 'Authorization: Bearer <secret>' header is required");
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, secret)) {
            return Outcome.problem(401, "Unauthorized", "the shared secret does not match");
        }
        String type = string(message, "type", true).toLowerCase(Locale.ROOT);
        List<String> recipients = strings(message.get("recipients"), "recipients");
        return switch (type) {
            case "bounce" -> record(recipients, feedback::recordBounce, "bounce");
            case "complaint" -> record(recipients, feedback::recordComplaint, "complaint");
            case "delivery" -> record(recipients, feedback::recordDelivery, "delivery");
            default ->
                throw new JsonValues.MalformedException(
                        "'type' must be bounce, complaint or delivery, was '" + clip(type) + "'");
        };
    }

    private Outcome sns(Map<String, Object> message, @Nullable String sender) throws JsonValues.MalformedException {
        String type = string(message, "Type", true);
        boolean notification = type.equals("Notification");
        boolean subscription = type.equals("SubscriptionConfirmation") || type.equals("UnsubscribeConfirmation");
        if (!notification && !subscription) {
            throw new JsonValues.MalformedException("unknown SNS message Type '" + clip(type) + "'");
        }
        String messageId = string(message, "MessageId", true);
        String topicArn = string(message, "TopicArn", true);
        Instant timestamp;
        try {
            timestamp = Instant.parse(string(message, "Timestamp", true));
        } catch (DateTimeParseException e) {
            throw new JsonValues.MalformedException("'Timestamp' is not an ISO-8601 instant");
        }
        String version = string(message, "SignatureVersion", true);
        if (!version.equals("1") && !version.equals("2")) {
            throw new JsonValues.MalformedException("'SignatureVersion' must be 1 or 2, was '" + clip(version) + "'");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(string(message, "Signature", true));
        } catch (IllegalArgumentException e) {
            throw new JsonValues.MalformedException("'Signature' is not base64");
        }
        URI certificateUrl = url(string(message, "SigningCertURL", true), "SigningCertURL");
        StringBuilder canonical = new StringBuilder();
        if (notification) {
            canonical(canonical, "Message", string(message, "Message", true));
            canonical(canonical, "MessageId", messageId);
            String subject = string(message, "Subject", false);
            if (subject != null) {
                canonical(canonical, "Subject", subject);
            }
        } else {
            canonical(canonical, "Message", string(message, "Message", true));
            canonical(canonical, "MessageId", messageId);
            canonical(canonical, "SubscribeURL", string(message, "SubscribeURL", true));
        }
        canonical(canonical, "Timestamp", string(message, "Timestamp", true));
        if (!notification) {
            canonical(canonical, "Token", string(message, "Token", true));
        }
        canonical(canonical, "TopicArn", topicArn);
        canonical(canonical, "Type", type);

        if (!topicArns.contains(topicArn)) {
            return Outcome.problem(403, "Foreign topic", "the topic is not one of the configured topic ARNs");
        }
        if (!isCertificateHost(certificateUrl)
                || !certificateUrl.getPath().endsWith(".pem")
                || certificateUrl.getRawQuery() != null
                || certificateUrl.getRawFragment() != null) {
            // SNS's certificate URLs carry no query: one would make each message a URL of its own (probe64e F2)
            return Outcome.problem(
                    403, "Untrusted certificate", "'SigningCertURL' is not an https .pem URL on an allowed SNS host");
        }
        Instant now = timeSource.instant();
        if (timestamp.isBefore(now.minus(maxAge)) || timestamp.isAfter(now.plus(CLOCK_SKEW))) {
            return Outcome.problem(
                    400, "Stale notification", "the message is older than " + maxAge + " or dated ahead");
        }
        X509Certificate certificate = fetchedCertificates.getIfPresent(certificateUrl);
        if (certificate == null) {
            boolean verifiedBefore = verifiedUrls.getIfPresent(certificateUrl) != null;
            if (failedCertificates.getIfPresent(certificateUrl) != null
                    || (!verifiedBefore && !mayFetchNew(sender, now))) {
                // a URL that failed a moment ago, or more new URLs than SNS rotates certificates: a forger's, not
                // fetched (probe64e F2: 200 forged messages, 200 outbound fetches and 200 WARN lines)
                return Outcome.problem(503, "Certificate unavailable", "the signing certificate could not be fetched");
            }
            try {
                certificate = certificates.certificate(certificateUrl);
                fetchedCertificates.put(certificateUrl, certificate);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                failedCertificates.put(certificateUrl, Boolean.TRUE);
                if (fetchWarnings.tryTake(now)) {
                    log.warn("SNS signing certificate {} not fetched: {}", certificateUrl, e.toString());
                }
                return Outcome.problem(503, "Certificate unavailable", "the signing certificate could not be fetched");
            }
        }
        if (!verifies(certificate, version, canonical.toString(), signature, now)) {
            return Outcome.problem(403, "Forged notification", "the SNS signature does not verify");
        }
        verifiedUrls.put(certificateUrl, Boolean.TRUE);
        if (seenMessages.asMap().putIfAbsent(messageId, Boolean.TRUE) != null) {
            return Outcome.done("message " + clip(messageId) + " was already counted", 0);
        }
        if (!notification) {
            return subscription(type, message);
        }
        return ses(string(message, "Message", true));
    }

    private Outcome subscription(String type, Map<String, Object> message) throws JsonValues.MalformedException {
        URI subscribe = url(string(message, "SubscribeURL", true), "SubscribeURL");
        if (type.equals("UnsubscribeConfirmation")) {
            log.info("SNS topic {} unsubscribed this endpoint", message.get("TopicArn"));
            return Outcome.done("unsubscription noted", 0);
        }
        if (subscriptionConfirmer == null) {
            log.info(
                    "SNS subscription to {} awaits confirmation; confirming automatically is off. Visit {}",
                    message.get("TopicArn"),
                    subscribe);
            return Outcome.done("subscription not confirmed automatically", 0);
        }
        if (!isCertificateHost(subscribe)) {
            return Outcome.problem(403, "Untrusted subscription", "'SubscribeURL' is not an https URL on an SNS host");
        }
        subscriptionConfirmer.accept(subscribe);
        return Outcome.done("subscription confirmed", 0);
    }

    private Outcome ses(String text) throws JsonValues.MalformedException {
        Map<String, Object> ses = JsonValues.object(text);
        String kind = string(ses, ses.containsKey("eventType") ? "eventType" : "notificationType", true);
        switch (kind) {
            case "Bounce" -> {
                Map<String, Object> bounce = object(ses, "bounce");
                if (!"Permanent".equals(string(bounce, "bounceType", true))) {
                    return Outcome.done("a transient bounce says nothing about the domain", 0);
                }
                return record(addresses(bounce, "bouncedRecipients"), feedback::recordBounce, "bounce");
            }
            case "Complaint" -> {
                return record(
                        addresses(object(ses, "complaint"), "complainedRecipients"),
                        feedback::recordComplaint,
                        "complaint");
            }
            case "Delivery" -> {
                return record(
                        strings(object(ses, "delivery").get("recipients"), "delivery.recipients"),
                        feedback::recordDelivery,
                        "delivery");
            }
            default -> {
                return Outcome.done("an SES '" + clip(kind) + "' notification is not counted", 0);
            }
        }
    }

    private static Outcome record(List<String> recipients, Consumer<String> sink, String what) {
        Set<String> distinct = new LinkedHashSet<>(recipients);
        distinct.forEach(sink);
        return Outcome.done(distinct.size() + " " + what + "(s) recorded", distinct.size());
    }

    private static List<String> addresses(Map<String, Object> parent, String field)
            throws JsonValues.MalformedException {
        if (!(parent.get(field) instanceof List<?> list)) {
            throw new JsonValues.MalformedException("'" + field + "' must be an array");
        }
        bound(list, field);
        List<String> addresses = new ArrayList<>();
        for (Object entry : list) {
            if (!(entry instanceof Map<?, ?> recipient) || !(recipient.get("emailAddress") instanceof String address)) {
                throw new JsonValues.MalformedException("each of '" + field + "' needs a string 'emailAddress'");
            }
            addresses.add(address);
        }
        return addresses;
    }

    private static List<String> strings(Object value, String field) throws JsonValues.MalformedException {
        if (!(value instanceof List<?> list)) {
            throw new JsonValues.MalformedException("'" + field + "' must be an array of strings");
        }
        bound(list, field);
        List<String> strings = new ArrayList<>();
        for (Object entry : list) {
            if (!(entry instanceof String string)) {
                throw new JsonValues.MalformedException("'" + field + "' must be an array of strings");
            }
            strings.add(string);
        }
        return strings;
    }

    private static void bound(List<?> list, String field) throws JsonValues.MalformedException {
        if (list.size() > MAX_RECIPIENTS) {
            throw new JsonValues.MalformedException("'" + field + "' holds more than " + MAX_RECIPIENTS + " entries");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> parent, String field)
            throws JsonValues.MalformedException {
        if (!(parent.get(field) instanceof Map<?, ?> map)) {
            throw new JsonValues.MalformedException("'" + field + "' must be an object");
        }
        return (Map<String, Object>) map;
    }

    private static String string(Map<String, Object> message, String field, boolean required)
            throws JsonValues.MalformedException {
        Object value = message.get(field);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof String string)) {
            throw new JsonValues.MalformedException("'" + field + "' must be a string");
        }
        return string;
    }

    private static URI url(String text, String field) throws JsonValues.MalformedException {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new JsonValues.MalformedException("'" + field + "' is not a URL");
        }
    }

    /** Whether a URL not fetched before may be fetched for {@code sender} now: its network's share, then the endpoint's. */
    private boolean mayFetchNew(@Nullable String sender, Instant now) {
        byte[] address = sender == null ? null : IpAddresses.parse(sender);
        if (address != null
                && !fetchesBySender
                        .get(IpAddresses.network(address), network -> new PerMinute(3))
                        .tryTake(now)) {
            return false;
        }
        return fetches.tryTake(now);
    }

    /** A budget of {@code most} a minute, by the notification's clock. */
    private static final class PerMinute {
        private final int most;
        private long minute = Long.MIN_VALUE;
        private int taken;

        PerMinute(int most) {
            this.most = most;
        }

        synchronized boolean tryTake(Instant now) {
            long current = now.getEpochSecond() / 60;
            if (current != minute) {
                minute = current;
                taken = 0;
            }
            if (taken >= most) {
                return false;
            }
            taken++;
            return true;
        }
    }

    private boolean isCertificateHost(URI url) {
        return "https".equals(url.getScheme())
                && url.getRawUserInfo() == null
                && (url.getPort() == -1 || url.getPort() == 443)
                && url.getHost() != null
                && certificateHosts.matcher(url.getHost()).matches();
    }

    private static void canonical(StringBuilder canonical, String name, String value) {
        canonical.append(name).append('\n').append(value).append('\n');
    }

    private static boolean verifies(
            X509Certificate certificate, String version, String canonical, byte[] signature, Instant now) {
        try {
            certificate.checkValidity(Date.from(now));
            Signature verifier = Signature.getInstance(version.equals("1") ? "SHA1withRSA" : "SHA256withRSA");
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(canonical.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static String clip(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    /** Builds {@link BounceNotifications}. */
    public static final class Builder {
        private final BounceFeedback feedback;
        private final Set<String> topicArns = new LinkedHashSet<>();
        private Pattern certificateHosts = Pattern.compile(SNS_HOSTS);
        private SigningCertificates certificates = SigningCertificates.https(Duration.ofSeconds(5));
        private Consumer<URI> subscriptionConfirmer;
        private String secret;
        private Duration maxAge = Duration.ofHours(1);
        private TimeSource timeSource = TimeSource.system();

        private Builder(BounceFeedback feedback) {
            this.feedback = Objects.requireNonNull(feedback, "feedback");
        }

        /** The SNS topics whose messages are read; none by default, so every SNS message is refused. */
        public Builder topicArns(Collection<String> arns) {
            for (String arn : arns) {
                if (arn == null || !arn.startsWith("arn:")) {
                    throw new IllegalArgumentException("'" + arn + "' is not a topic ARN");
                }
                topicArns.add(arn);
            }
            return this;
        }

        /**
         * The hosts that may publish signing certificates and subscription URLs, a regular expression
         * matched against the whole host name; {@value #SNS_HOSTS} by default.
         *
         * @throws IllegalArgumentException if it is not a regular expression
         */
        public Builder certificateHosts(String pattern) {
            this.certificateHosts = Pattern.compile(pattern);
            return this;
        }

        /** Where signing certificates come from; fetched over HTTPS by default. */
        public Builder signingCertificates(SigningCertificates certificates) {
            this.certificates = Objects.requireNonNull(certificates, "certificates");
            return this;
        }

        /**
         * Confirms SNS subscriptions by handing the validated {@code SubscribeURL} to {@code confirmer}
         * (which visits it); off by default, when the URL is only logged.
         */
        public Builder confirmSubscriptions(Consumer<URI> confirmer) {
            this.subscriptionConfirmer = confirmer;
            return this;
        }

        /**
         * The shared secret of the generic shape; without one the generic shape is refused.
         *
         * @throws IllegalArgumentException if it is shorter than 16 characters
         */
        public Builder sharedSecret(String secret) {
            if (secret != null && secret.strip().length() < MIN_SECRET) {
                throw new IllegalArgumentException(
                        "the shared secret must have at least " + MIN_SECRET + " characters");
            }
            this.secret = secret == null ? null : secret.strip();
            return this;
        }

        /**
         * How old an SNS message may be; 1 hour by default.
         *
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder maxAge(Duration maxAge) {
            if (maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException(
                        "the maximum age must be positive, was " + Durations.written(maxAge));
            }
            this.maxAge = maxAge;
            return this;
        }

        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
            return this;
        }

        public BounceNotifications build() {
            return new BounceNotifications(this);
        }
    }
}
