package io.github.abuseguard.servlet;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Evaluation;
import io.github.abuseguard.RateLimitStatus;
import io.github.abuseguard.RouteTable;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.SettingsAssembler;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.store.StateStore;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet filter: builds a {@link io.github.abuseguard.GuardRequest} for each HTTP request, asks
 * the {@link AbuseGuard} engine, and carries out its decision.
 *
 * <ul>
 *   <li>{@code THROTTLE}: 429 with {@code Retry-After}, {@code RateLimit-Policy}, {@code RateLimit} and
 *       an {@code application/problem+json} body.
 *   <li>{@code REJECT}: the decision's status (403 by default) with a problem body.
 *   <li>{@code TAG}: the request goes on with the {@link Evaluation} in the request attribute
 *       {@link #EVALUATION_ATTRIBUTE} and, when configured, the risk score in a request header.
 *   <li>{@code LOG}: the request goes on; listeners have recorded the decision.
 *   <li>{@code TARPIT} and {@code DECOY} are answered as {@code REJECT} for now.
 * </ul>
 *
 * <p>Allowed requests on rate-limited routes carry {@code RateLimit-Policy} and {@code RateLimit}
 * unless switched off. Build one with {@link #builder()} or {@link #fromSettings(AbuseGuardSettings)};
 * a container that instantiates the filter itself (web.xml) configures it from the file named by the
 * init parameter {@value #CONFIG_PARAMETER}.
 */
public class AbuseGuardFilter implements Filter {

    /** The request attribute holding the {@link Evaluation} of every request the filter let through. */
    public static final String EVALUATION_ATTRIBUTE = "io.github.abuseguard.evaluation";

    /** The init parameter naming the configuration file, a path or {@code classpath:abuse-guard.yml}. */
    public static final String CONFIG_PARAMETER = "abuse-guard.config";

    private static final Logger log = LoggerFactory.getLogger(AbuseGuardFilter.class);

    private volatile Setup setup;

    /** For containers that instantiate filters themselves; {@link #init(FilterConfig)} then loads the configuration. */
    public AbuseGuardFilter() {}

    private AbuseGuardFilter(Setup setup) {
        this.setup = setup;
    }

    /** Starts a filter around an engine you built. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A filter configured entirely from settings: the store of {@code abuse-guard.store.type}, the
     * rate-limit guard of the configured rules, and the engine.
     *
     * @throws io.github.abuseguard.config.InvalidSettingException naming the property of a bad value
     */
    public static AbuseGuardFilter fromSettings(AbuseGuardSettings settings) {
        TimeSource time = TimeSource.system();
        StateStore store = SettingsAssembler.stateStore(settings, time);
        AbuseGuard.Builder engine = SettingsAssembler.engine(settings, time);
        RateLimitGuard rateLimits = SettingsAssembler.rateLimitGuard(settings, store, List.of());
        if (rateLimits != null) {
            engine.guard(rateLimits, settings.getRateLimit().getMode());
        }
        return builder().engine(engine.build()).settings(settings).build();
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        if (setup != null) {
            return;
        }
        String location = config.getInitParameter(CONFIG_PARAMETER);
        if (location == null) {
            throw new ServletException("AbuseGuardFilter needs the init parameter '" + CONFIG_PARAMETER
                    + "' naming its configuration file, or build it with AbuseGuardFilter.builder()");
        }
        AbuseGuardSettings settings =
                SettingsFile.load(location, Thread.currentThread().getContextClassLoader());
        this.setup = fromSettings(settings).setup;
    }

    /** The engine this filter asks. */
    public AbuseGuard engine() {
        return setup().engine;
    }

    @Override
    public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
            throws IOException, ServletException {
        Setup current = setup();
        if (!current.enabled
                || !(servletRequest instanceof HttpServletRequest request)
                || !(servletResponse instanceof HttpServletResponse response)) {
            chain.doFilter(servletRequest, servletResponse);
            return;
        }
        ServletGuardRequest guardRequest =
                new ServletGuardRequest(request, current.clientResolver, current.routes, current.maxBodyBytes);
        Evaluation evaluation = current.engine.evaluate(guardRequest);
        Decision decision = evaluation.decision();
        List<RateLimitStatus> rateLimits = evaluation.rateLimits();
        if (!rateLimits.isEmpty() && (current.rateLimitHeaders || decision.isDeny())) {
            response.setHeader(RateLimitFields.POLICY, RateLimitFields.policy(rateLimits));
            response.setHeader(RateLimitFields.STATE, RateLimitFields.state(rateLimits));
        }
        if (decision.isDeny() && !decision.action().passesRequestOn()) {
            current.problems.write(response, decision, request.getRequestURI());
            return;
        }
        HttpServletRequest downstream = guardRequest.downstream();
        if (current.tagHeader != null) {
            downstream = new TaggedRequest(downstream, current.tagHeader, tag(evaluation));
        }
        if (decision.isDeny() || !evaluation.signals().isEmpty()) {
            downstream.setAttribute(EVALUATION_ATTRIBUTE, evaluation);
        }
        chain.doFilter(downstream, response);
        if (current.engine.observesOutcomes()) {
            observe(current.engine, guardRequest, downstream, response);
        }
    }

    private static String tag(Evaluation evaluation) {
        if (evaluation.riskScore() == 0 && !evaluation.isDenied()) {
            return null;
        }
        return evaluation.riskScore() + "; reasons=\"" + String.join(" ", evaluation.reasons()) + "\"";
    }

    private static void observe(
            AbuseGuard engine,
            ServletGuardRequest guardRequest,
            HttpServletRequest request,
            HttpServletResponse response) {
        if (request.isAsyncStarted()) {
            request.getAsyncContext().addListener(new AsyncListener() {
                @Override
                public void onComplete(AsyncEvent event) {
                    engine.complete(guardRequest, response.getStatus());
                }

                @Override
                public void onTimeout(AsyncEvent event) {}

                @Override
                public void onError(AsyncEvent event) {}

                @Override
                public void onStartAsync(AsyncEvent event) {}
            });
        } else {
            engine.complete(guardRequest, response.getStatus());
        }
    }

    private Setup setup() {
        Setup current = setup;
        if (current == null) {
            throw new IllegalStateException("AbuseGuardFilter was not initialised");
        }
        return current;
    }

    @Override
    public void destroy() {
        log.debug("AbuseGuardFilter stopped");
    }

    private record Setup(
            AbuseGuard engine,
            boolean enabled,
            ClientResolver clientResolver,
            RouteTable routes,
            int maxBodyBytes,
            boolean rateLimitHeaders,
            String tagHeader,
            ProblemResponse problems) {}

    /** Builds an {@link AbuseGuardFilter}. */
    public static final class Builder {
        private AbuseGuard engine;
        private boolean enabled = true;
        private ClientResolver clientResolver = ClientResolver.peerOnly();
        private RouteTable routes = RouteTable.empty();
        private int maxBodyBytes = 8192;
        private boolean rateLimitHeaders = true;
        private String tagHeader;
        private String problemTypeBase = "urn:abuse-guard:problem:";

        private Builder() {}

        /** The engine to ask. Required. */
        public Builder engine(AbuseGuard engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /**
         * Applies the filter-level settings: enabled, client resolution, body cap, response options.
         *
         * @throws io.github.abuseguard.config.InvalidSettingException naming the property of a bad value
         */
        public Builder settings(AbuseGuardSettings settings) {
            enabled(settings.isEnabled());
            clientResolver(SettingsAssembler.clientResolver(settings));
            maxBodyBytes(SettingsAssembler.maxBodyBytes(settings));
            rateLimitHeaders(settings.getResponses().isRateLimitHeaders());
            String header = settings.getResponses().getTagHeader();
            tagHeader(header == null || header.isBlank() ? null : header.trim());
            problemTypeBase(settings.getResponses().getProblemTypeBase());
            return this;
        }

        /** Whether the filter checks requests at all. Default {@code true}. */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /** Who the client is. Default: the peer address, no proxy trusted. */
        public Builder clientResolver(ClientResolver clientResolver) {
            this.clientResolver = Objects.requireNonNull(clientResolver, "clientResolver");
            return this;
        }

        /** The application's route templates, for metrics and guards that key by route. Default none. */
        public Builder routes(RouteTable routes) {
            this.routes = Objects.requireNonNull(routes, "routes");
            return this;
        }

        /**
         * The most body bytes a guard may read. Default 8192; 0 means guards never see the body.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder maxBodyBytes(int maxBodyBytes) {
            if (maxBodyBytes < 0) {
                throw new IllegalArgumentException("maxBodyBytes must not be negative, was " + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** Whether allowed requests carry the rate-limit fields. Default {@code true}. */
        public Builder rateLimitHeaders(boolean rateLimitHeaders) {
            this.rateLimitHeaders = rateLimitHeaders;
            return this;
        }

        /**
         * A request header carrying the risk score of tagged requests to the application, or {@code null}
         * for none (the default: the request attribute always carries it). Any value a client sent in
         * this header is removed, so the application can trust it.
         */
        public Builder tagHeader(String tagHeader) {
            this.tagHeader = tagHeader;
            return this;
        }

        /** The prefix of problem {@code type} URIs. Default {@code urn:abuse-guard:problem:}. */
        public Builder problemTypeBase(String problemTypeBase) {
            this.problemTypeBase = Objects.requireNonNull(problemTypeBase, "problemTypeBase");
            return this;
        }

        /** @throws IllegalStateException if no engine was given */
        public AbuseGuardFilter build() {
            if (engine == null) {
                throw new IllegalStateException("AbuseGuardFilter needs an engine");
            }
            return new AbuseGuardFilter(new Setup(
                    engine,
                    enabled,
                    clientResolver,
                    routes,
                    maxBodyBytes,
                    rateLimitHeaders,
                    tagHeader,
                    new ProblemResponse(problemTypeBase)));
        }
    }
}
