package io.github.abuseguard.servlet;

import io.github.abuseguard.Action;
import io.github.abuseguard.BodyField;
import io.github.abuseguard.Decision;
import io.github.abuseguard.RateLimitStatus;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes a denial as an RFC 9457 problem: {@code application/problem+json} with {@code type},
 * {@code title}, {@code status}, {@code detail} and {@code instance}, the fields Spring's
 * {@code ProblemDetail} renders, plus {@code violated-policies}, {@code guard} and {@code reason}.
 * Sets {@code Retry-After} in whole seconds, at least one, when waiting helps.
 *
 * <p>By default the {@code type} is one of the problem types of draft-ietf-httpapi-ratelimit-headers:
 * {@code quota-exceeded} for a rate limit, naming the exhausted policies in {@code violated-policies},
 * {@code temporary-reduced-capacity} for a rate-limit rule keyed {@code global} (a cap for every client
 * together: the client is refused for everyone's traffic, not for its own quota or behaviour), and
 * {@code abnormal-usage-detected} for every behavioural refusal, naming the rule (or the guard)
 * that refused. A body in a content type or charset the route does not take ({@code 415},
 * {@code unreadable-body:unsupported}), a multipart body without its length ({@code 411}) and a body that is not
 * well-formed ({@code 400}, {@code unreadable-body:malformed}) are {@code about:blank}, as the application would
 * answer them: no abuse, only their status. A configured type base replaces all of that with {@code <base><reason>}.
 */
final class ProblemResponse {
    static final String CONTENT_TYPE = "application/problem+json";
    private static final JsonFactory JSON = new JsonFactory();

    static final String QUOTA_EXCEEDED = "https://iana.org/assignments/http-problem-types#quota-exceeded";
    static final String ABNORMAL_USAGE = "https://iana.org/assignments/http-problem-types#abnormal-usage-detected";
    static final String REDUCED_CAPACITY = "https://iana.org/assignments/http-problem-types#temporary-reduced-capacity";
    private static final String REDUCED_CAPACITY_TITLE =
            "Request cannot be satisfied due to temporary server capacity constraints";
    private static final String QUOTA_EXCEEDED_TITLE =
            "Request cannot be satisfied as assigned quota has been exceeded";
    /**
     * The reason of a body in a content type or charset the route does not take ({@code 415}), such as a multipart
     * body sent to a handler that consumes JSON only.
     */
    private static final String UNSUPPORTED_BODY = BodyField.Unreadable.UNSUPPORTED.reason();

    /** The reason of a multipart body sent without its length ({@code 411}): what a server answers, no abuse. */
    private static final String LENGTH_REQUIRED = BodyField.Unreadable.LENGTH_REQUIRED.reason();

    /**
     * The reason of a body that is not well-formed ({@code 400}): a client's serialisation bug far more often than an
     * attack, answered as the application answers it (user65 F5: a truncated JSON body was told it broke an abuse
     * policy, in another shape than the application's own 400s).
     */
    private static final String MALFORMED = BodyField.Unreadable.MALFORMED.reason();

    private static final String ABNORMAL_USAGE_TITLE =
            "Request not satisfied due to detection of abnormal request pattern";

    /** Empty for the draft's problem types; otherwise the prefix the reason code is appended to. */
    private final String typeBase;

    /** Whether a behavioural refusal names its guard, reason, rule and detail; see {@link #explains}. */
    private final boolean explain;

    /** The reasons of a body or header the guards could not read ({@link BodyField.Unreadable}). */
    private static final Set<String> UNREADABLE = Arrays.stream(BodyField.Unreadable.values())
            .map(BodyField.Unreadable::reason)
            .collect(Collectors.toUnmodifiableSet());

    /** The member that marks a refusal not explained as the filter's own (review51 F4). */
    static final String REFUSED_BY = "refused-by";

    /** The reason code of a refusal that is not explained, where a type base is set. */
    static final String UNEXPLAINED = "refused";

    ProblemResponse(String typeBase) {
        this(typeBase, true);
    }

    ProblemResponse(String typeBase, boolean explain) {
        this.typeBase = typeBase;
        this.explain = explain;
    }

    /**
     * Whether the problem names the refusal's guard, reason, rule and detail: always, unless {@code
     * responses.explain} is off; then only for what an honest client needs to change its request (a rate limit's
     * quota or cap, an unreadable body, an e-mail address, the browser proof).
     */
    private boolean explains(Decision decision, boolean quota) {
        if (explain || quota || UNREADABLE.contains(decision.reason())) {
            return true;
        }
        String guard = decision.guard();
        return RateLimitGuard.NAME.equals(guard)
                || DisposableEmailGuard.NAME.equals(guard)
                || ProofEndpoint.GUARD.equals(guard);
    }

    static int status(Decision decision) {
        if (decision.status() != 0) {
            return decision.status();
        }
        return decision.action() == Action.THROTTLE ? 429 : 403;
    }

    void write(HttpServletResponse response, Decision decision, String instance) throws IOException {
        int status = status(decision);
        response.setStatus(status);
        Duration retryAfter = decision.retryAfter();
        if (retryAfter != null) {
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            response.setHeader("Retry-After", Long.toString(seconds));
        }
        response.setHeader("Cache-Control", "no-store");
        byte[] body = body(decision, status, instance);
        response.setContentType(CONTENT_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    byte[] body(Decision decision, int status, String instance) {
        // a rate limit, also one keyed by a value others may send, whose fields are not shown (user60 F2)
        boolean quota = !decision.rateLimits().isEmpty()
                || (RateLimitGuard.NAME.equals(decision.guard())
                        && RateLimitGuard.RATE_LIMITED.equals(decision.reason()));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            json.writeStartObject();
            if (explains(decision, quota)) {
                writeExplained(json, decision, status, instance, quota);
            } else {
                json.writeStringProperty("type", typeBase.isEmpty() ? ABNORMAL_USAGE : typeBase + UNEXPLAINED);
                json.writeStringProperty("title", typeBase.isEmpty() ? ABNORMAL_USAGE_TITLE : title(status));
                json.writeNumberProperty("status", status);
                if (instance != null) {
                    json.writeStringProperty("instance", instance);
                }
                // the same on every such refusal: what tells proof.js the filter refused, not the application
                json.writeStringProperty(REFUSED_BY, "abuse-guard");
            }
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    private void writeExplained(JsonGenerator json, Decision decision, int status, String instance, boolean quota) {
        if (typeBase.isEmpty()
                && (UNSUPPORTED_BODY.equals(decision.reason())
                        || LENGTH_REQUIRED.equals(decision.reason())
                        || MALFORMED.equals(decision.reason()))) {
            // what the application itself answers a body it does not take (Spring MVC: 415 about:blank), not
            // a sign of abuse: the problem has no meaning beyond its status (RFC 9457 section 4.2.1)
            json.writeStringProperty("type", "about:blank");
            json.writeStringProperty("title", title(status));
        } else if (typeBase.isEmpty()) {
            boolean capped = RateLimitGuard.NAME.equals(decision.guard())
                    && RateLimitGuard.CAPACITY_REACHED.equals(decision.reason());
            json.writeStringProperty("type", quota ? QUOTA_EXCEEDED : capped ? REDUCED_CAPACITY : ABNORMAL_USAGE);
            json.writeStringProperty(
                    "title", quota ? QUOTA_EXCEEDED_TITLE : capped ? REDUCED_CAPACITY_TITLE : ABNORMAL_USAGE_TITLE);
        } else {
            json.writeStringProperty("type", typeBase + decision.reason());
            json.writeStringProperty("title", title(status));
        }
        json.writeNumberProperty("status", status);
        if (decision.detail() != null) {
            json.writeStringProperty("detail", decision.detail());
        }
        if (instance != null) {
            json.writeStringProperty("instance", instance);
        }
        json.writeName("violated-policies");
        json.writeStartArray();
        if (quota && !decision.rateLimits().isEmpty()) {
            for (String policy : violatedPolicies(decision.rateLimits())) {
                json.writeString(policy);
            }
        } else {
            json.writeString(decision.rule() != null ? decision.rule() : decision.guard());
        }
        json.writeEndArray();
        json.writeStringProperty("guard", decision.guard());
        json.writeStringProperty("reason", decision.reason());
        if (decision.rule() != null) {
            json.writeStringProperty("rule", decision.rule());
        }
    }

    /** The policies with no quota left; all of them if none reports zero (a cost larger than what is left). */
    private static List<String> violatedPolicies(List<RateLimitStatus> statuses) {
        List<String> exhausted = new ArrayList<>(statuses.size());
        for (RateLimitStatus status : statuses) {
            if (status.remaining() == 0) {
                exhausted.add(status.policy());
            }
        }
        if (exhausted.isEmpty()) {
            for (RateLimitStatus status : statuses) {
                exhausted.add(status.policy());
            }
        }
        return exhausted;
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Server Error" : "Client Error";
        };
    }
}
