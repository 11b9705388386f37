package io.github.abuseguard.spring;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardListener;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.GuardFactory;
import io.github.abuseguard.config.PropertyPath;
import io.github.abuseguard.config.SettingsSection;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.email.BounceFeedback;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.EmailGuardFactory;
import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.email.EmailSettings;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.internal.DeniedClients;
import io.github.abuseguard.internal.LoggingGuardListener;
import io.github.abuseguard.internal.SettingsAssembler;
import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.ratelimit.RateLimitRule;
import io.github.abuseguard.sequence.PrecedenceRule;
import io.github.abuseguard.sequence.SequenceSettings;
import io.github.abuseguard.servlet.AbuseGuardFilter;
import io.github.abuseguard.servlet.ProofSettings;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.volume.DistinctRule;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Protects a servlet web application with abuse-guard: the engine with the guards of the
 * {@code abuse-guard.*} properties and of controller annotations, and its filter. Every bean backs off
 * when the application defines its own; {@code abuse-guard.enabled=false} switches all of it off.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({Filter.class, AbuseGuardFilter.class})
@ConditionalOnSwitch(value = "abuse-guard.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AbuseGuardProperties.class)
public final class AbuseGuardAutoConfiguration {
    private static final Logger log = LoggerFactory.getLogger(AbuseGuardAutoConfiguration.class);

    /** The Actuator's endpoint annotation: present when the {@code abuseguard} endpoint could report API discovery. */
    private static final String ACTUATOR_ENDPOINT = "org.springframework.boot.actuate.endpoint.annotation.Endpoint";

    /** Present with the Actuator: what runs a management server of its own, which the filter then guards too. */
    private static final String ACTUATOR_MANAGEMENT_CONTEXT =
            "org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration";

    /** Guard beans named this prefix and a section name stand in that section's place in the engine. */
    static final String SECTION_BEAN_PREFIX = AbuseGuardSettings.PREFIX + ".";

    @Bean
    static SettingsSectionsBinder abuseGuardSettingsSectionsBinder(Environment environment) {
        return new SettingsSectionsBinder(environment);
    }

    /** Closes the guard beans no engine holds, when the context closes. */
    @Bean(destroyMethod = "destroy")
    static StarterGuards abuseGuardStarterGuards(ListableBeanFactory beans) {
        return new StarterGuards(beans);
    }

    @Bean
    @ConditionalOnMissingBean
    TimeSource abuseGuardTimeSource() {
        return TimeSource.system();
    }

    @Bean
    @ConditionalOnMissingBean
    StateStore abuseGuardStateStore(AbuseGuardProperties properties, TimeSource timeSource) {
        return SettingsAssembler.stateStore(properties, timeSource);
    }

    @Bean
    @ConditionalOnMissingBean
    ClientResolver abuseGuardClientResolver(AbuseGuardProperties properties, Environment environment) {
        ForwardHeadersCheck.warnIfTheContainerBelievesPrivatePeers(environment);
        return SettingsAssembler.clientResolver(properties);
    }

    @Bean
    @ConditionalOnMissingBean
    ControllerAnnotations abuseGuardControllerAnnotations(
            ListableBeanFactory beans, Environment environment, AbuseGuardProperties properties) {
        if (!isPresent("org.springframework.web.bind.annotation.RequestMapping")) {
            return ControllerAnnotations.none();
        }
        String servletPrefix = HandlerRoutes.servletPrefix(beans, environment);
        HandlerRoutes.warnIfSeveralDispatcherServlets(beans, servletPrefix);
        return ControllerAnnotations.scan(
                beans,
                environment::resolvePlaceholders,
                properties.annotations().enabled(),
                servletPrefix,
                properties.section(SequenceSettings.class).externalOperations());
    }

    @Bean
    @ConditionalOnMissingBean
    DeniedClients abuseGuardDeniedClients(AbuseGuardProperties properties, TimeSource timeSource) {
        AbuseGuardProperties.Report report = properties.report();
        return new DeniedClients(report.window(), report.maximumKeys(), timeSource);
    }

    @Bean
    @ConditionalOnMissingBean
    DisposableDomains abuseGuardDisposableDomains(
            AbuseGuardProperties properties, StateStore store, TimeSource timeSource) {
        return EmailGuardFactory.disposableDomains(
                properties.section(EmailSettings.class), PropertyPath.of(EmailGuardFactory.NAME), store, timeSource);
    }

    /**
     * Bounce feedback that records each accepted sign-up address from the start when the notification
     * endpoint is on, and otherwise only once something (the application's code) has reported a bounce,
     * complaint or delivery: whether an application bean will report cannot be told here (it may look the
     * feedback up lazily, or report on another instance), and until one does, a store write per sign-up
     * would feed nothing.
     */
    @Bean
    @ConditionalOnMissingBean
    BounceFeedback abuseGuardBounceFeedback(
            AbuseGuardProperties properties, StateStore store, DisposableDomains domains) {
        return EmailGuardFactory.bounceFeedback(
                properties.section(EmailSettings.class),
                PropertyPath.of(EmailGuardFactory.NAME),
                store,
                domains,
                properties.bounceNotifications().enabled());
    }

    @Bean
    @ConditionalOnMissingBean
    LoggingGuardListener abuseGuardDecisionLog(AbuseGuardProperties properties, TimeSource timeSource) {
        return SettingsAssembler.decisionLog(properties, timeSource);
    }

    /**
     * What every guard factory builds with: the store, the clock, the route templates and the rules of
     * controller annotations, the {@link DisposableDomains} and {@link BounceFeedback} beans (the e-mail guard tells
     * the feedback who submitted each accepted address) and the endpoint inventory (unless
     * {@code abuse-guard.sequence.inventory=false}). The guard beans and the engine share
     * it, so the resources factories open are closed with the engine.
     */
    @Bean
    @ConditionalOnMissingBean
    GuardContext abuseGuardContext(
            AbuseGuardProperties properties,
            StateStore store,
            TimeSource timeSource,
            ControllerAnnotations annotations,
            DisposableDomains disposableDomains,
            BounceFeedback bounceFeedback,
            ClientResolver clientResolver,
            ApplicationContext application) {
        GuardContext context = GuardContext.builder()
                .store(store)
                .timeSource(timeSource)
                .routes(annotations.routeTable())
                .rules(RateLimitRule.class, annotations.rateLimitRules())
                .rules(OriginRule.class, annotations.originRules())
                .rules(EmailRule.class, annotations.emailRules())
                .rules(PrecedenceRule.class, annotations.precedenceRules())
                .rules(FailureRule.class, annotations.failureRules())
                .rules(DistinctRule.class, annotations.volumeRules())
                .component(DisposableDomains.class, disposableDomains)
                .component(BounceFeedback.class, bounceFeedback)
                .component(ClientResolver.class, clientResolver)
                .build();
        // API discovery is built here, before the guard beans, so the sequence guard folds paths with the
        // very inventory the engine feeds and the Actuator endpoint reports; without the Actuator nothing
        // could report it, so no request pays for its accounting
        if (!ClassUtils.isPresent(ACTUATOR_ENDPOINT, application.getClassLoader())) {
            context = context.with(SettingsAssembler.Unread.class, SettingsAssembler.Unread.DISCOVERY);
        }
        EndpointInventory inventory = SettingsAssembler.discovery(properties, context);
        return inventory == null ? context : context.with(EndpointInventory.class, inventory);
    }

    /**
     * The engine: the engine-wide properties, then the guards through {@link SettingsAssembler}, the one
     * assembly path of the plain servlet filter too. The {@link Guard} bean named
     * {@code abuse-guard.<section>} (such as {@code abuse-guard.rate-limit}, built by the section's own
     * auto-configuration, or the application's bean of that name) stands in its section's place and
     * mode; a section of an application's {@code GuardFactory} without such a bean is built by its
     * factory, unless the application excluded the section's auto-configuration (then it has no guard).
     * Other {@link Guard} beans follow, in {@code @Order}, in {@code enforce} mode, unless an
     * {@link AbuseGuardCustomizer} added the same instance already (in the mode it chose).
     */
    @Bean
    @ConditionalOnMissingBean
    AbuseGuard abuseGuard(
            AbuseGuardProperties properties,
            TimeSource timeSource,
            GuardContext context,
            ControllerAnnotations annotations,
            ConfigurableListableBeanFactory beans,
            ObjectProvider<GuardListener> listeners,
            ObjectProvider<AbuseGuardCustomizer> customizers,
            ObjectProvider<StarterGuards> starterGuards) {
        Set<String> sections = new HashSet<>();
        for (SettingsSection<?> section : properties.sectionTypes()) {
            if (section instanceof GuardFactory<?>) {
                sections.add(section.name());
            }
        }
        Map<String, Guard> built = new LinkedHashMap<>();
        List<Guard> others = new ArrayList<>();
        for (String name : beans.getBeanNamesForType(Guard.class)) {
            Object bean = beans.getBean(name);
            Guard guard = bean instanceof Guard g ? g : null; // null: the section's factory found nothing to check
            String section = name.startsWith(SECTION_BEAN_PREFIX) ? name.substring(SECTION_BEAN_PREFIX.length()) : "";
            if (sections.contains(section)) {
                built.put(section, guard);
            } else if (guard != null) {
                others.add(guard);
            }
        }
        for (String excluded : BundledGuards.excludedSections(beans)) {
            built.putIfAbsent(excluded, null); // no guard, unless the application's bean of that name
        }
        others.sort(AnnotationAwareOrderComparator.INSTANCE);
        AbuseGuard.Builder builder = SettingsAssembler.engine(properties, timeSource);
        SettingsAssembler.guards(builder, properties, context, built);
        annotations.exemptRoutes().forEach(builder::exemptHandlerRoute);
        annotations.monitoredRoutes().forEach(builder::monitoredHandlerRoute);
        listeners.orderedStream().forEach(builder::listener);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        // a Guard bean a customizer added itself (in the mode it chose) is not added a second time
        for (Guard guard : others) {
            if (!builder.holds(guard)) {
                builder.guard(guard);
            }
        }
        AbuseGuard engine = builder.build();
        starterGuards.ifAvailable(guards -> guards.resourcesClosedBy(engine));
        return engine;
    }

    @Bean
    @ConditionalOnMissingBean(value = AbuseGuardFilter.class, parameterizedContainer = FilterRegistrationBean.class)
    FilterRegistrationBean<AbuseGuardFilter> abuseGuardFilterRegistration(
            AbuseGuard engine,
            AbuseGuardProperties properties,
            ClientResolver clientResolver,
            ControllerAnnotations annotations,
            StateStore store,
            ObjectProvider<MultipartHandlers> multipartHandlers,
            ListableBeanFactory beans,
            Environment environment) {
        AbuseGuardFilter.Builder builder = AbuseGuardFilter.builder()
                .engine(engine)
                .store(store)
                .settings(properties)
                .clientResolver(clientResolver)
                .routes(annotations.routeTable());
        String servletPrefix = HandlerRoutes.servletPrefix(beans, environment);
        proofUnderTheDispatcherServlet(builder, servletPrefix);
        multipartHandlers.ifAvailable(handlers -> {
            builder.multipartTaken(handlers);
            builder.frameworkRoute(handlers::route);
            builder.frameworkSpelling(handlers::spelling);
            builder.handlerRan(RefusedBeforeHandler::ranAHandler);
        });
        AbuseGuardFilter filter = builder.build();
        FilterRegistrationBean<AbuseGuardFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setName("abuseGuardFilter");
        registration.setOrder(properties.filter().order());
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        registration.setAsyncSupported(true);
        registration.addUrlPatterns("/*");
        return registration;
    }

    /**
     * Under a DispatcherServlet mapped below the root ({@code /v1}) no servlet maps a path outside its prefix, so
     * no filter sees a request there: the proof's default path moves under the prefix ({@code
     * /v1/abuse-guard/proof}), and a path set outside it is warned of (probe38a F2: the proof could not be earned,
     * and every required path refused every client).
     */
    private static void proofUnderTheDispatcherServlet(AbuseGuardFilter.Builder builder, String prefix) {
        String path = builder.proofPath();
        if (path == null || prefix.isEmpty() || path.startsWith(prefix + "/")) {
            return;
        }
        if (path.equals(ProofSettings.DEFAULT_PATH)) {
            builder.proofPath(prefix + path);
            log.info("abuse-guard.proof.path: served at {}, under the DispatcherServlet's '{}'", prefix + path, prefix);
        } else {
            log.warn(
                    "abuse-guard.proof.path: '{}' is outside '{}', where the DispatcherServlet is mapped: no servlet maps"
                            + " it, so no client can earn a proof there and every required path refuses everyone;"
                            + " write '{}'",
                    path,
                    prefix,
                    prefix + path);
        }
    }

    /**
     * Bounds the PUT, PATCH and DELETE forms that Spring's {@code FormContentFilter} reads whole before the
     * guard (a longer one is a {@code 413} problem), and turns the {@code 500} it causes for a malformed
     * one into a {@code 400} problem, by a filter just before it (see {@link UndecodableFormFilter}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.web.filter.FormContentFilter")
    @ConditionalOnSwitch(value = "abuse-guard.filter.malformed-form-problem", matchIfMissing = true)
    static final class UndecodableForms {

        /** Spring Boot's order of its {@code FormContentFilter}, for one that does not state its order. */
        static final int FORM_CONTENT_FILTER_ORDER = -9900;

        @Bean
        @ConditionalOnMissingBean(
                value = UndecodableFormFilter.class,
                parameterizedContainer = FilterRegistrationBean.class)
        FilterRegistrationBean<UndecodableFormFilter> abuseGuardUndecodableFormFilterRegistration(
                ObjectProvider<org.springframework.web.filter.FormContentFilter> formContentFilter) {
            org.springframework.web.filter.FormContentFilter parser = formContentFilter.getIfAvailable();
            int order = parser instanceof org.springframework.core.Ordered ordered
                    ? ordered.getOrder()
                    : FORM_CONTENT_FILTER_ORDER;
            FilterRegistrationBean<UndecodableFormFilter> registration =
                    new FilterRegistrationBean<>(new UndecodableFormFilter());
            registration.setName("abuseGuardUndecodableFormFilter");
            registration.setOrder(order == Integer.MIN_VALUE ? order : order - 1);
            registration.setDispatcherTypes(DispatcherType.REQUEST);
            registration.setAsyncSupported(true);
            registration.addUrlPatterns("/*");
            return registration;
        }
    }

    /** Configured rule paths that match no route of a Spring MVC application are logged at start-up. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.web.servlet.function.support.RouterFunctionMapping")
    static final class RulePathsCheck {

        @Bean
        @ConditionalOnMissingBean
        UnservedRulePaths abuseGuardUnservedRulePaths(
                ListableBeanFactory beans, AbuseGuardProperties properties, Environment environment) {
            // the Actuator's paths are left unchecked only where the filter guards its server of its own
            boolean guarded = properties.filter().managementPort()
                    && ClassUtils.isPresent(
                            ACTUATOR_MANAGEMENT_CONTEXT, AbuseGuardAutoConfiguration.class.getClassLoader());
            return new UnservedRulePaths(
                    beans,
                    properties,
                    guarded ? UnservedRulePaths.separateManagementPath(environment) : null,
                    environment.getProperty("server.servlet.context-path"),
                    HandlerRoutes.servletPrefix(beans, environment));
        }

        /** Sequence rules naming a step no route serves fail start-up (cfg36). */
        @Bean
        @ConditionalOnMissingBean
        UnservedSequenceSteps abuseGuardUnservedSequenceSteps(
                ListableBeanFactory beans,
                AbuseGuardProperties properties,
                ObjectProvider<ControllerAnnotations> annotations,
                Environment environment) {
            boolean guarded = properties.filter().managementPort()
                    && ClassUtils.isPresent(
                            ACTUATOR_MANAGEMENT_CONTEXT, AbuseGuardAutoConfiguration.class.getClassLoader());
            return new UnservedSequenceSteps(
                    beans,
                    properties,
                    annotations.getIfAvailable(ControllerAnnotations::none),
                    guarded ? UnservedRulePaths.separateManagementPath(environment) : null,
                    HandlerRoutes.servletPrefix(beans, environment));
        }
    }

    /**
     * Lets the guards hear the status a Spring MVC handler meant, not a {@code 406}, {@code 304} or {@code
     * 500} that Spring writes after it returned (see {@link HandlerStatusReporting}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(
            name = "org.springframework.web.servlet.mvc.method.annotation.AbstractMessageConverterMethodProcessor")
    static final class HandlerStatuses {

        @Bean
        static HandlerStatusReporting abuseGuardHandlerStatusReporting() {
            return new HandlerStatusReporting();
        }
    }

    /** Lets the guards hear a failed Spring Security authentication as a {@code 401} (see {@link AuthenticationFailureOutcomes}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent")
    static final class AuthenticationFailures {

        @Bean
        static AuthenticationFailureOutcomes abuseGuardAuthenticationFailureOutcomes() {
            return new AuthenticationFailureOutcomes();
        }

        /** Hears each sign-in filter's failure (see {@link SignInFailureHandlers}). */
        @Bean
        @ConditionalOnClass(
                name = "org.springframework.security.web.authentication.AbstractAuthenticationProcessingFilter")
        static SignInFailureHandlers abuseGuardSignInFailureHandlers() {
            return new SignInFailureHandlers();
        }

        /**
         * Between the abuse-guard filter and Spring Security's chain (its order, or {@code spring.security.filter.order},
         * less one): a failed sign-in told by the exception its failure handler keeps (see {@link
         * SignInFailureAttributes}).
         */
        @Bean
        @ConditionalOnClass(name = "org.springframework.security.web.WebAttributes")
        FilterRegistrationBean<SignInFailureAttributes> abuseGuardSignInFailureAttributes(Environment environment) {
            FilterRegistrationBean<SignInFailureAttributes> registration =
                    new FilterRegistrationBean<>(new SignInFailureAttributes());
            registration.setOrder(environment.getProperty(
                            "spring.security.filter.order", Integer.class, WeakenedProtection.SECURITY_DEFAULT_ORDER)
                    - 1);
            registration.setDispatcherTypes(jakarta.servlet.DispatcherType.REQUEST);
            registration.setName("abuseGuardSignInFailureAttributes");
            return registration;
        }
    }

    /**
     * Spares the guard the parse of a multipart body that the route's handler does not take (see {@link
     * MultipartHandlers}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
    static final class MultipartConsumes {

        @Bean
        @ConditionalOnMissingBean
        MultipartHandlers abuseGuardMultipartHandlers(
                ObjectProvider<org.springframework.web.servlet.DispatcherServlet> dispatchers) {
            return new MultipartHandlers(dispatchers);
        }

        /** Marks the requests Spring MVC refused before a handler ran (see {@link RefusedBeforeHandler#ranAHandler}). */
        @Bean
        @ConditionalOnMissingBean
        RefusedBeforeHandler abuseGuardRefusedBeforeHandler() {
            return new RefusedBeforeHandler();
        }
    }

    /**
     * Turns the {@code 500} that the {@code DispatcherServlet} answers to a multipart body it cannot parse
     * into a {@code 400} problem (see {@link MalformedMultipartResolver}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.web.servlet.HandlerExceptionResolver")
    @ConditionalOnSwitch(value = "abuse-guard.filter.malformed-form-problem", matchIfMissing = true)
    static final class MalformedMultipart {

        @Bean
        @ConditionalOnMissingBean
        MalformedMultipartResolver abuseGuardMalformedMultipartResolver() {
            return new MalformedMultipartResolver();
        }
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, AbuseGuardAutoConfiguration.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
