package io.github.abuseguard.servlet;

import io.github.abuseguard.config.AbstractSettingsSection;

/** {@code abuse-guard.responses.*}: how denials are answered. */
public class ResponseSettings {

    /** The default of {@code problem-type-base}. */
    public static final String DEFAULT_PROBLEM_TYPE_BASE = "";

    /** The default of {@code rate-limit-headers}. */
    public static final boolean DEFAULT_RATE_LIMIT_HEADERS = true;

    /** The default of {@code tag-header}. */
    public static final String DEFAULT_TAG_HEADER = "";

    /** The prefix of the problem type URI, the reason code appended; empty for the IANA types of draft-ietf-httpapi-ratelimit-headers (quota-exceeded, abnormal-usage-detected). */
    private String problemTypeBase = DEFAULT_PROBLEM_TYPE_BASE;

    /** Whether allowed requests on rate-limited routes carry the RateLimit-Policy and RateLimit fields. */
    private boolean rateLimitHeaders = DEFAULT_RATE_LIMIT_HEADERS;

    /** A request header carrying the risk score of a tagged request to the application; empty for none. A client-sent value of it is always removed. */
    private String tagHeader = DEFAULT_TAG_HEADER;

    public String getProblemTypeBase() {
        return problemTypeBase;
    }

    public void setProblemTypeBase(String problemTypeBase) {
        this.problemTypeBase = problemTypeBase;
    }

    public boolean isRateLimitHeaders() {
        return rateLimitHeaders;
    }

    public void setRateLimitHeaders(boolean rateLimitHeaders) {
        this.rateLimitHeaders = rateLimitHeaders;
    }

    public String getTagHeader() {
        return tagHeader;
    }

    public void setTagHeader(String tagHeader) {
        this.tagHeader = tagHeader;
    }

    /** Contributes {@code abuse-guard.responses.*} to the schema; registered with {@link java.util.ServiceLoader}. */
    public static final class Section extends AbstractSettingsSection<ResponseSettings> {
        public Section() {
            super("responses", ResponseSettings.class, ResponseSettings::new);
        }
    }
}
