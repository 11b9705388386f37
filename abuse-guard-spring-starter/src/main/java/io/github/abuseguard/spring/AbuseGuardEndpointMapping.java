package io.github.abuseguard.spring;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.CorsEndpointProperties;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.http.server.RequestPath;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Serves the {@code abuseguard} Actuator endpoint's operations from a handler mapping of their own, asked just
 * before the Actuator's, which no longer holds them: the same request mappings, handlers, CORS configuration,
 * exposure and links (the Actuator still discovers and lists the endpoint; only where Spring MVC looks its
 * mapping up changes).
 *
 * <p>Why: Spring MVC tests every mapping of the Actuator's handler mapping against each request it does not
 * answer, checking a mapping's {@code produces} condition before its path and the path again to explain the
 * miss. Every application request paid that for this endpoint, about 316 bytes and their work (C1, exact; the
 * demo's +432 B per request over the guard-off demo against +116 B with the endpoint not exposed), though it
 * never answers them. This mapping first compares the request's path with the literal start of the endpoint's
 * paths and answers {@code null} at once when it differs, as the full match would; a path it cannot be sure
 * of that way (a {@code ;} parameter, a {@code %}-escape, or no parsed path) gets the full match.
 *
 * <p>The move happens once all singletons exist, before the server starts: a context without the Actuator's
 * Spring MVC mapping (the Actuator on a management port of its own, where application requests never meet
 * it) keeps an empty mapping, which answers every request {@code null} after the path comparison.
 */
final class AbuseGuardEndpointMapping extends RequestMappingInfoHandlerMapping implements SmartInitializingSingleton {
    /** Spring Boot's handler mapping of Actuator web endpoints, named so that the starter needs no dependency on it. */
    static final String ACTUATOR_MAPPING =
            "org.springframework.boot.webmvc.actuate.endpoint.web.AbstractWebMvcEndpointHandlerMapping";

    private static final EndpointId ENDPOINT = EndpointId.of("abuseguard");

    private final ListableBeanFactory beans;
    /** The endpoint's path as the Actuator maps it, such as {@code /actuator/abuseguard}; set before the server starts. */
    private @Nullable String endpointPath;
    /** The Actuator's CORS configuration ({@code management.endpoints.web.cors.*}), or {@code null}. */
    private @Nullable CorsConfiguration cors;

    /** The literal start every moved mapping's paths share; {@code null} until a mapping moved here. */
    private volatile @Nullable String prefix;

    /**
     * The order of Spring Boot's Actuator mapping ({@code WebMvcEndpointManagementContextConfiguration}); this
     * mapping sits just before it.
     */
    static final int ACTUATOR_ORDER = -100;

    AbuseGuardEndpointMapping(ListableBeanFactory beans) {
        this.beans = beans;
        // Fixed from construction: a dispatcher sorts its mappings when it is initialised, which MockMvc's does
        // while the context is still refreshed, before the mappings move here (review16 F1: sorted last, behind
        // the resource handler's catch-all, the endpoint answered 404 through MockMvc).
        setOrder(ACTUATOR_ORDER - 1);
    }

    @Override
    protected void initHandlerMethods() {
        // no controller of the application is mapped here: the endpoint's mappings are moved in below
    }

    @Override
    public void afterSingletonsInstantiated() {
        Class<?> actuatorMapping = actuatorMappingClass();
        PathMappedEndpoints endpoints =
                beans.getBeanProvider(PathMappedEndpoints.class).getIfUnique();
        if (actuatorMapping == null || endpoints == null || endpoints.getEndpoint(ENDPOINT) == null) {
            return; // no Actuator over Spring MVC here, or the endpoint is not exposed on the web
        }
        endpointPath = endpoints.getPath(ENDPOINT);
        CorsEndpointProperties corsProperties =
                beans.getBeanProvider(CorsEndpointProperties.class).getIfUnique();
        cors = corsProperties == null ? null : corsProperties.toCorsConfiguration();
        for (RequestMappingInfoHandlerMapping mapping : beans.getBeansOfType(
                        RequestMappingInfoHandlerMapping.class, false, false)
                .values()) {
            if (actuatorMapping.isInstance(mapping)) {
                moveFrom(mapping);
            }
        }
    }

    private void moveFrom(RequestMappingInfoHandlerMapping actuator) {
        Map<RequestMappingInfo, HandlerMethod> moved = new LinkedHashMap<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry :
                actuator.getHandlerMethods().entrySet()) {
            if (isEndpoints(entry.getKey())) {
                moved.put(entry.getKey(), entry.getValue());
            }
        }
        if (moved.isEmpty()) {
            return;
        }
        setPatternParser(actuator.getPatternParser());
        List<String> literalStarts = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : moved.entrySet()) {
            HandlerMethod handler = entry.getValue();
            actuator.unregisterMapping(entry.getKey());
            registerMapping(entry.getKey(), handler.getBean(), handler.getMethod());
            for (PathPattern pattern : entry.getKey().getPathPatternsCondition().getPatterns()) {
                literalStarts.add(literalStart(pattern.getPatternString()));
            }
        }
        prefix = commonStart(literalStarts);
    }

    /** Whether every path of {@code info} is the endpoint's path or under it, as path patterns. */
    private boolean isEndpoints(RequestMappingInfo info) {
        String endpointPath = this.endpointPath;
        if (endpointPath == null || info.getPathPatternsCondition() == null) {
            return false;
        }
        for (String path : info.getPathPatternsCondition().getPatternValues()) {
            if (!path.equals(endpointPath) && !path.startsWith(endpointPath + "/")) {
                return false;
            }
        }
        return true;
    }

    private static String literalStart(String pattern) {
        int end = pattern.length();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '{' || c == '*' || c == '?' || c == '\\') {
                end = i;
                break;
            }
        }
        return pattern.substring(0, end);
    }

    private static String commonStart(List<String> starts) {
        String common = starts.get(0);
        for (String start : starts) {
            int length = 0;
            while (length < common.length()
                    && length < start.length()
                    && common.charAt(length) == start.charAt(length)) {
                length++;
            }
            common = common.substring(0, length);
        }
        return common;
    }

    private static @Nullable Class<?> actuatorMappingClass() {
        try {
            return Class.forName(ACTUATOR_MAPPING, false, AbuseGuardEndpointMapping.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError absent) {
            return null; // no Actuator over Spring MVC: nothing to move
        }
    }

    @Override
    protected @Nullable HandlerMethod getHandlerInternal(HttpServletRequest request) throws Exception {
        String start = prefix;
        if (start == null) {
            return null; // nothing was moved here
        }
        // one attribute read (hasParsedRequestPath, then getParsedRequestPath, were two on every request)
        if (request.getAttribute(ServletRequestPathUtils.PATH_ATTRIBUTE) instanceof RequestPath parsed) {
            String path = parsed.pathWithinApplication().value();
            if (!path.startsWith(start) && path.indexOf(';') < 0 && path.indexOf('%') < 0) {
                return null; // no path pattern of the endpoint can match a path that does not start so
            }
        }
        return super.getHandlerInternal(request);
    }

    @Override
    protected boolean isHandler(Class<?> beanType) {
        return false; // only the moved mappings, never the application's controllers
    }

    @Override
    protected @Nullable RequestMappingInfo getMappingForMethod(Method method, Class<?> handlerType) {
        return null;
    }

    @Override
    protected boolean hasCorsConfigurationSource(Object handler) {
        return cors != null;
    }

    @Override
    protected @Nullable CorsConfiguration initCorsConfiguration(
            Object handler, Method method, RequestMappingInfo mapping) {
        return cors;
    }

    @Override
    protected @Nullable CorsConfiguration getCorsConfiguration(Object handler, HttpServletRequest request) {
        CorsConfiguration configured = super.getCorsConfiguration(handler, request);
        return configured != null ? configured : cors;
    }
}
