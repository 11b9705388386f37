package io.github.abuseguard.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The handler routes Spring MVC itself serves, read from its {@link RequestMappingHandlerMapping}s:
 * class-level and method-level paths combined, mappings declared on an interface, path prefixes added
 * with {@code PathMatchConfigurer#addPathPrefix}, and placeholders already resolved. Loaded only when
 * Spring MVC is on the class path.
 */
final class MvcHandlerRoutes {

    private MvcHandlerRoutes() {}

    /**
     * The handlers of a bean factory's request-mapping handler mappings, grouped by controller class, or
     * {@code null} when it has none (a context without Spring MVC's configuration).
     */
    static List<ControllerHandlers> of(ListableBeanFactory beans, String servletPrefix) {
        Map<String, RequestMappingHandlerMapping> mappings =
                beans.getBeansOfType(RequestMappingHandlerMapping.class, false, true);
        return mappings.isEmpty() ? null : of(mappings.values(), servletPrefix);
    }

    /**
     * The handlers of the given mappings, grouped by controller class, each route under the DispatcherServlet's
     * prefix ({@link HandlerRoutes#servletPrefix}; empty at the root).
     */
    static List<ControllerHandlers> of(Collection<RequestMappingHandlerMapping> mappings, String servletPrefix) {
        List<HandlerRoute> handlers = new ArrayList<>();
        for (RequestMappingHandlerMapping mapping : mappings) {
            for (Map.Entry<RequestMappingInfo, HandlerMethod> entry :
                    mapping.getHandlerMethods().entrySet()) {
                RequestMappingInfo info = entry.getKey();
                HandlerMethod handler = entry.getValue();
                List<String> routes = new ArrayList<>();
                boolean lossy = false;
                for (String pattern : info.getPatternValues()) {
                    routes.add(HandlerRoutes.template(servletPrefix + pattern));
                    lossy |= HandlerRoutes.lossy(pattern);
                }
                if (routes.isEmpty()) {
                    // A mapping without a path serves the empty path only, as Spring MVC's empty pattern does.
                    routes.add(HandlerRoutes.template(servletPrefix + "/"));
                }
                Set<String> httpMethods = new LinkedHashSet<>();
                for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                    httpMethods.add(method.name());
                }
                // a template that matches or ranks otherwise than Spring's pattern is settled by Spring too
                boolean conditional = lossy
                        || !info.getParamsCondition().isEmpty()
                        || !info.getHeadersCondition().isEmpty()
                        || !info.getConsumesCondition().isEmpty()
                        || !info.getProducesCondition().isEmpty()
                        || !info.getVersionCondition().isEmpty() // review46 F4: an API version the client names
                        || info.getCustomCondition() != null;
                handlers.add(new HandlerRoute(
                        ClassUtils.getUserClass(handler.getBeanType()),
                        handler.getMethod(),
                        routes,
                        httpMethods,
                        conditional,
                        !info.getParamsCondition().isEmpty() || info.getCustomCondition() != null));
            }
        }
        return HandlerRoutes.group(handlers);
    }
}
