package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.PathPattern;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.servlet.AbuseGuardFilter;
import io.github.abuseguard.spring.annotation.AbuseGuardExempt;
import io.github.abuseguard.spring.annotation.RateLimit;
import io.github.abuseguard.spring.annotation.RequiresPrior;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.PathMatchConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

class MvcHandlerRoutesTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withUserConfiguration(Controllers.class);

    @RequestMapping("/api/orders")
    interface OrdersApi {
        @RateLimit(name = "orders", capacity = 2, period = "1m")
        @GetMapping("/{id}")
        String order(@PathVariable("id") String id);
    }

    @RestController
    static class OrdersController implements OrdersApi {
        @Override
        public String order(String id) {
            return id;
        }
    }

    @RestController
    @RequestMapping("/items")
    static class PrefixedController {
        @RateLimit(name = "items", capacity = 1, period = "1m")
        @GetMapping
        String items() {
            return "";
        }

        @AbuseGuardExempt
        @GetMapping("/health")
        String health() {
            return "";
        }
    }

    @RestController
    @RequestMapping("/shop")
    static class ShopController {
        @RequiresPrior("GET /shop/cart")
        @PostMapping({"/checkout", "/pay"})
        String checkout() {
            return "";
        }

        @GetMapping("/cart")
        String cart() {
            return "";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Controllers implements WebMvcConfigurer {
        @Override
        public void configurePathMatch(PathMatchConfigurer configurer) {
            configurer.addPathPrefix("/v1", type -> type == PrefixedController.class);
        }

        @Bean
        OrdersController ordersController() {
            return new OrdersController();
        }

        @Bean
        PrefixedController prefixedController() {
            return new PrefixedController();
        }

        @Bean
        ShopController shopController() {
            return new ShopController();
        }
    }

    @SuppressWarnings("unchecked")
    private static int status(AssertableWebApplicationContext context, String method, String path)
            throws IOException, ServletException {
        AbuseGuardFilter filter = ((FilterRegistrationBean<AbuseGuardFilter>)
                        context.getBean("abuseGuardFilterRegistration"))
                .getFilter();
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setServletPath(path);
        request.setRemoteAddr("203.0.113.7");
        request.addHeader("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response.getStatus();
    }

    private static List<String> paths(RateLimitRule rule) {
        return rule.patterns().stream().map(PathPattern::toString).toList();
    }

    private static RateLimitRule rule(ControllerAnnotations annotations, String name) {
        return annotations.rateLimitRules().stream()
                .filter(rule -> rule.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theRoutesAreTheTemplatesSpringMvcServesPrefixesAndInterfaceMappingsIncluded() {
        runner.run(context -> assertThat(
                        context.getBean(ControllerAnnotations.class).routes())
                .contains(
                        "/api/orders/{id}",
                        "/v1/items",
                        "/v1/items/health",
                        "/shop/checkout",
                        "/shop/pay",
                        "/shop/cart")
                .doesNotContain("/items", "/items/health"));
    }

    @Test
    void aRateLimitOnAnInterfaceMethodGuardsTheImplementingControllersRoute() {
        runner.run(context -> {
            RateLimitRule orders = rule(context.getBean(ControllerAnnotations.class), "orders");
            assertThat(paths(orders)).containsExactly("/api/orders/{id}");
            assertThat(orders.methods()).containsExactly("GET");
            assertThat(status(context, "GET", "/api/orders/1")).isEqualTo(200);
            assertThat(status(context, "GET", "/api/orders/2")).isEqualTo(200);
            assertThat(status(context, "GET", "/api/orders/3")).isEqualTo(429);
        });
    }

    @Test
    void aPathPrefixConfiguredInSpringMvcIsPartOfTheGuardedRoute() {
        runner.run(context -> {
            assertThat(paths(rule(context.getBean(ControllerAnnotations.class), "items")))
                    .containsExactly("/v1/items");
            assertThat(status(context, "GET", "/v1/items")).isEqualTo(200);
            assertThat(status(context, "GET", "/v1/items")).isEqualTo(429);
        });
    }

    @Test
    void anExemptHandlerUnderAPathPrefixIsExemptAtThePrefixedRoute() {
        runner.run(context -> assertThat(
                        context.getBean(ControllerAnnotations.class).exemptRoutes())
                .containsExactly("GET /v1/items/health"));
    }

    @Test
    void aHandlerWithSeveralPathsDeclaresItsRuleOnEachClassPlusMethodPath() {
        runner.run(context -> assertThat(
                        context.getBean(ControllerAnnotations.class).precedenceRules())
                .extracting(rule -> rule.operation())
                .containsExactlyInAnyOrder("POST /shop/checkout", "POST /shop/pay"));
    }
}
