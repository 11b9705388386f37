package io.github.abuseguard.servlet;

import io.github.abuseguard.config.AbstractSettingsSection;
import io.github.abuseguard.config.Default;

/**
 * {@code abuse-guard.responses.*}: how denials are answered.
 *
 * @param problemTypeBase The prefix of the problem type URI, the reason code appended; empty for the IANA types of draft-ietf-httpapi-ratelimit-headers (quota-exceeded, abnormal-usage-detected).
 * @param rateLimitHeaders Whether allowed requests on rate-limited routes carry the RateLimit-Policy and RateLimit fields.
 * @param tagHeader A request header carrying the risk score of a tagged request to the application; empty for none. A client-sent value of it is always removed.
 * @param explain Whether a behavioural refusal names its guard, reason, rule and detail; false answers every such refusal with the same problem (type, title, status, instance), so that a client cannot tell which guard refused it or that a mode is on. Rate-limit quotas, unreadable bodies, e-mail and proof refusals are explained either way.
 */
public record ResponseSettings(
        @Default(DEFAULT_PROBLEM_TYPE_BASE) String problemTypeBase,
        @Default("" + DEFAULT_RATE_LIMIT_HEADERS) boolean rateLimitHeaders,
        @Default(DEFAULT_TAG_HEADER) String tagHeader,
        @Default("" + DEFAULT_EXPLAIN) boolean explain) {

    /** The default of {@code problem-type-base}. */
    public static final String DEFAULT_PROBLEM_TYPE_BASE = "";

    /** The default of {@code rate-limit-headers}. */
    public static final boolean DEFAULT_RATE_LIMIT_HEADERS = true;

    /** The default of {@code tag-header}. */
    public static final String DEFAULT_TAG_HEADER = "";

    /** The default of {@code explain}. */
    public static final boolean DEFAULT_EXPLAIN = true;

    /** Contributes {@code abuse-guard.responses.*} to the schema; registered with {@link java.util.ServiceLoader}. */
    public static final class Section extends AbstractSettingsSection<ResponseSettings> {
        public Section() {
            super("responses");
        }
    }
}
