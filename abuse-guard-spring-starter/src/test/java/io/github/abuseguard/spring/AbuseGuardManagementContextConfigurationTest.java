package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.servlet.AbuseGuardFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the management server's child context gets from {@link AbuseGuardManagementContextConfiguration}: the
 * main context's filter registration, mirrored, around the same filter; nothing when abuse-guard is off, the
 * application opted out, or there is no filter to mirror.
 */
@ExtendWith(OutputCaptureExtension.class)
class AbuseGuardManagementContextConfigurationTest {

    private final WebApplicationContextRunner main = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AbuseGuardAutoConfiguration.class));

    private final WebApplicationContextRunner management =
            new WebApplicationContextRunner().withUserConfiguration(AbuseGuardManagementContextConfiguration.class);

    @Test
    void theManagementContextRegistersTheMainContextsFilterInItsPlace() {
        inManagementContext(main, management, (mainContext, child) -> {
            FilterRegistrationBean<?> mainRegistration = mainRegistration(mainContext);
            FilterRegistrationBean<?> registration = managementRegistration(child);

            assertThat(registration.getFilter())
                    .isInstanceOfSatisfying(
                            ManagementPortFilter.class,
                            filter -> assertThat(filter.filter()).isSameAs(mainRegistration.getFilter()));
            assertThat(registration.getOrder()).isEqualTo(-110);
            assertThat(registration.determineDispatcherTypes())
                    .isEqualTo(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
            assertThat(registration.isAsyncSupported()).isTrue();
            assertThat(registration.getUrlPatterns()).containsExactly("/*");
            assertThat(registration.getFilterName()).isEqualTo("abuseGuardFilter");
            assertThat(registration.isEnabled()).isTrue();
        });
    }

    @Test
    void theManagementFilterTakesTheConfiguredOrder() {
        inManagementContext(
                main.withPropertyValues("abuse-guard.filter.order=-90"),
                management,
                (mainContext, child) ->
                        assertThat(managementRegistration(child).getOrder()).isEqualTo(-90));
    }

    @Test
    void anApplicationsOwnRegistrationIsMirroredAsItIs() {
        inManagementContext(main.withUserConfiguration(OwnRegistration.class), management, (mainContext, child) -> {
            FilterRegistrationBean<?> registration = managementRegistration(child);

            assertThat(((ManagementPortFilter) registration.getFilter()).filter())
                    .isSameAs(mainContext
                            .getBean("ownRegistration", FilterRegistrationBean.class)
                            .getFilter());
            assertThat(registration.getOrder()).isEqualTo(5);
            assertThat(registration.getUrlPatterns()).containsExactly("/actuator/*");
            assertThat(registration.determineDispatcherTypes()).isEqualTo(EnumSet.of(DispatcherType.REQUEST));
            assertThat(registration.isEnabled()).isFalse();
        });
    }

    @Test
    void aRegistrationOfTheManagementContextsOwnIsLeftAlone() {
        inManagementContext(
                main,
                new WebApplicationContextRunner()
                        .withUserConfiguration(OwnRegistration.class, AbuseGuardManagementContextConfiguration.class),
                (mainContext, child) -> assertThat(child.getBeanNamesForType(FilterRegistrationBean.class))
                        .containsExactly("ownRegistration"));
    }

    @Test
    void abuseGuardSwitchedOffRegistersNothingInTheManagementContext() {
        inManagementContext(
                main.withPropertyValues("abuse-guard.enabled=false"),
                management,
                (mainContext, child) -> assertThat(child.getBeanNamesForType(FilterRegistrationBean.class))
                        .isEmpty());
        inManagementContext(
                main,
                management.withPropertyValues("abuse-guard.enabled=false"),
                (mainContext, child) -> assertThat(child.getBeanNamesForType(FilterRegistrationBean.class))
                        .isEmpty());
    }

    @Test
    void managementPortFalseLeavesTheManagementContextUnguarded() {
        inManagementContext(
                main.withPropertyValues("abuse-guard.filter.management-port=false"),
                management.withPropertyValues("abuse-guard.filter.management-port=false"),
                (mainContext, child) -> assertThat(child.getBeanNamesForType(FilterRegistrationBean.class))
                        .isEmpty());
    }

    @Test
    void theManagementPortFilterPassesRequestsOnButNotTheMainServersLifecycle() throws Exception {
        Filter mainFilter = mock(Filter.class);
        ManagementPortFilter filter = new ManagementPortFilter(mainFilter);
        ServletRequest request = mock(ServletRequest.class);
        ServletResponse response = mock(ServletResponse.class);
        FilterChain chain = mock(FilterChain.class);

        filter.init(mock(FilterConfig.class));
        filter.doFilter(request, response, chain);
        filter.init(mock(FilterConfig.class));
        filter.destroy();

        verify(mainFilter).doFilter(request, response, chain);
        verifyNoMoreInteractions(mainFilter);
    }

    @Test
    void initialisingTheFilterAgainChangesNothing() throws Exception {
        inManagementContext(main, management, (mainContext, child) -> {
            AbuseGuardFilter filter =
                    (AbuseGuardFilter) mainRegistration(mainContext).getFilter();
            AbuseGuard engine = filter.engine();

            filter.init(mock(FilterConfig.class));

            assertThat(filter.engine()).isSameAs(engine);
        });
    }

    /**
     * A whole application with the Actuator on its own port: a guard of the engine sees a request to the
     * management port; closing stops both servers without an error and closes the engine's guards once.
     */
    @Test
    void closingAnApplicationWithAManagementPortClosesTheEngineOnceWithoutErrors(CapturedOutput output)
            throws Exception {
        ManagementServer server = new ManagementServer();
        ConfigurableApplicationContext context =
                startWithManagementPort(server, "management.endpoints.web.exposure.include=health");
        ClosingGuard guard = context.getBean(ClosingGuard.class);
        try {
            HttpResponse<String> health = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/actuator/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(guard.checked)
                    .as("the engine's guard saw the management port's request")
                    .containsExactly("GET /actuator/health");
        } finally {
            context.close();
        }

        assertThat(guard.closed.get()).isEqualTo(1);
        assertThat(output.getAll()).doesNotContain("ERROR").doesNotContain("Exception");
    }

    /**
     * The management server stops before the application's (Spring Boot closes the child context first): its
     * stop must not reach the shared filter, whose {@code destroy()} stops the tarpit (and closes an engine the
     * filter owns) while the application's port still answers.
     */
    @Test
    void stoppingTheManagementServerLeavesTheApplicationsTarpitDelaying() throws Exception {
        ManagementServer server = new ManagementServer();
        ConfigurableApplicationContext context = startWithManagementPort(
                server,
                "abuse-guard.tarpit.delay=1s",
                "abuse-guard.rate-limit.rules.once.paths=/ping",
                "abuse-guard.rate-limit.rules.once.limits[0].capacity=1",
                "abuse-guard.rate-limit.rules.once.limits[0].period=1h",
                "abuse-guard.rate-limit.rules.once.action=tarpit");
        try {
            int port = context.getBean(org.springframework.core.env.Environment.class)
                    .getRequiredProperty("local.server.port", Integer.class);
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest ping = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping"))
                    .build();
            assertThat(http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode())
                    .isEqualTo(200);
            // the tarpit's timer starts with its first held request
            assertThat(http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode())
                    .isEqualTo(429);

            server.context.close();
            long start = System.nanoTime();
            HttpResponse<Void> tarpitted = http.send(ping, HttpResponse.BodyHandlers.discarding());
            java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - start);

            assertThat(tarpitted.statusCode()).isEqualTo(429);
            assertThat(took).as("held for the tarpit's delay").isGreaterThanOrEqualTo(java.time.Duration.ofMillis(900));
        } finally {
            context.close();
        }
    }

    /**
     * review7: an application that declares the filter as a plain bean (Spring Boot maps it to every request)
     * failed to start with a management port, and one whose registration names the dispatcher servlet left the
     * management server, whose dispatcher has another name, unguarded.
     */
    @Test
    void aPlainFilterBeanAndARegistrationByServletNameGuardTheManagementPortToo() throws Exception {
        for (Class<?> app : List.of(PlainFilterApp.class, ByServletNameApp.class)) {
            ManagementServer server = new ManagementServer();
            try (ConfigurableApplicationContext context = startWithManagementPort(
                    app,
                    server,
                    "management.endpoints.web.exposure.include=health",
                    "abuse-guard.ip-lists.deny=127.0.0.1")) {
                HttpResponse<String> health = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + server.port + "/actuator/health"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode())
                        .as("%s: a denied address on the management port", app.getSimpleName())
                        .isEqualTo(403);
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class PlainFilterApp {
        @Bean
        AbuseGuardFilter abuseGuardFilter(AbuseGuard engine) {
            return AbuseGuardFilter.builder().engine(engine).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class ByServletNameApp {
        @Bean
        static BeanPostProcessor mapTheFilterByServletName() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    if ("abuseGuardFilterRegistration".equals(name)) {
                        FilterRegistrationBean<?> registration = (FilterRegistrationBean<?>) bean;
                        registration.setUrlPatterns(List.of());
                        registration.setServletNames(List.of("dispatcherServlet"));
                    }
                    return bean;
                }
            };
        }
    }

    /** Starts {@link ClosingApp} on loopback with the Actuator on a port of its own, which {@code server} hears of. */
    private static ConfigurableApplicationContext startWithManagementPort(ManagementServer server, String... more) {
        return startWithManagementPort(ClosingApp.class, server, more);
    }

    private static ConfigurableApplicationContext startWithManagementPort(
            Class<?> app, ManagementServer server, String... more) {
        return new SpringApplicationBuilder(app)
                .properties(
                        "server.port=0",
                        "server.address=127.0.0.1",
                        "management.server.port=0",
                        "management.server.address=127.0.0.1")
                .properties(more)
                .listeners(server)
                .run();
    }

    private static FilterRegistrationBean<?> mainRegistration(AssertableWebApplicationContext main) {
        return main.getBean("abuseGuardFilterRegistration", FilterRegistrationBean.class);
    }

    /** The child's own registration (a look-up by type would find the main context's too). */
    private static FilterRegistrationBean<?> managementRegistration(AssertableWebApplicationContext child) {
        assertThat(child.getBeanNamesForType(FilterRegistrationBean.class))
                .containsExactly("abuseGuardManagementFilterRegistration");
        return child.getBean("abuseGuardManagementFilterRegistration", FilterRegistrationBean.class);
    }

    /** Runs the management runner as a child of the main runner's context. */
    private static void inManagementContext(
            WebApplicationContextRunner main, WebApplicationContextRunner management, ManagementAssertion assertion) {
        main.run(mainContext -> {
            assertThat(mainContext).hasNotFailed();
            management.withParent(mainContext).run(child -> {
                assertThat(child).hasNotFailed();
                assertion.accept(mainContext, child);
            });
        });
    }

    @FunctionalInterface
    private interface ManagementAssertion {
        void accept(AssertableWebApplicationContext main, AssertableWebApplicationContext child) throws Exception;
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRegistration {
        @Bean
        FilterRegistrationBean<AbuseGuardFilter> ownRegistration(AbuseGuard engine) {
            FilterRegistrationBean<AbuseGuardFilter> registration = new FilterRegistrationBean<>(
                    AbuseGuardFilter.builder().engine(engine).build());
            registration.setOrder(5);
            registration.addUrlPatterns("/actuator/*");
            registration.setDispatcherTypes(DispatcherType.REQUEST);
            registration.setEnabled(false);
            return registration;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Ping.class)
    static class ClosingApp {
        /** Closed by the engine only: the context would close an {@code AutoCloseable} bean itself too. */
        @Bean(destroyMethod = "")
        ClosingGuard closingGuard() {
            return new ClosingGuard();
        }
    }

    @RestController
    static class Ping {
        @GetMapping("/ping")
        String ping() {
            return "pong";
        }
    }

    /** A guard of the application's that counts what the engine asks and how often it is closed. */
    static final class ClosingGuard implements Guard, AutoCloseable {
        final java.util.List<String> checked = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public String name() {
            return "closing";
        }

        @Override
        public Decision check(GuardRequest request) {
            checked.add(request.method() + " " + request.path());
            return Decision.allow();
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    /** The management server's port and context, from its start-up event. */
    static final class ManagementServer implements ApplicationListener<WebServerInitializedEvent> {
        volatile int port;
        volatile ConfigurableApplicationContext context;

        @Override
        public void onApplicationEvent(WebServerInitializedEvent event) {
            if ("management".equals(event.getApplicationContext().getServerNamespace())) {
                port = event.getWebServer().getPort();
                context = (ConfigurableApplicationContext) event.getApplicationContext();
            }
        }
    }
}
