package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Action;
import io.github.abuseguard.FailurePolicy;
import io.github.abuseguard.Mode;
import io.github.abuseguard.client.ClientSignalsGuard;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.identity.ForwardedHeader;
import io.github.abuseguard.origin.OriginGuard;
import io.github.abuseguard.ratelimit.Limit;
import io.github.abuseguard.ratelimit.RateLimitGuard;
import io.github.abuseguard.sequence.SequenceGuard;
import io.github.abuseguard.servlet.AbuseGuardFilter;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.OutagePolicy;
import io.github.abuseguard.store.ResilientStateStore;
import io.github.abuseguard.store.StateStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

@ExtendWith(OutputCaptureExtension.class)
class AbuseGuardAutoConfigurationTest {

    private static final String[] ONE_RULE = {
        "abuse-guard.rate-limit.rules.per-ip.limits[0].capacity=2",
        "abuse-guard.rate-limit.rules.per-ip.limits[0].period=1m"
    };

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(AbuseGuardMetricsAutoConfiguration.class, AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));

    @SuppressWarnings("unchecked")
    private static AbuseGuardFilter filter(AssertableWebApplicationContext context) {
        return ((FilterRegistrationBean<AbuseGuardFilter>) context.getBean("abuseGuardFilterRegistration")).getFilter();
    }

    private static MockHttpServletResponse send(AssertableWebApplicationContext context, MockHttpServletRequest request)
            throws IOException, ServletException {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter(context).doFilter(request, response, new MockFilterChain());
        return response;
    }

    private static MockHttpServletRequest get(String path) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setServletPath(path);
        request.setRemoteAddr("203.0.113.7");
        request.addHeader("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)");
        return request;
    }

    private static RateLimitGuard rateLimits(AssertableWebApplicationContext context) {
        return context.getBean(AbuseGuard.class).guards().stream()
                .filter(RateLimitGuard.class::isInstance)
                .map(RateLimitGuard.class::cast)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void registersTheEngineItsPartsAndTheFilterBeforeSpringSecurity() {
        runner.withPropertyValues(ONE_RULE).run(context -> {
            assertThat(context).hasSingleBean(AbuseGuard.class);
            assertThat(context).hasSingleBean(StateStore.class);
            assertThat(context).hasSingleBean(ClientResolver.class);
            FilterRegistrationBean<?> registration =
                    context.getBean("abuseGuardFilterRegistration", FilterRegistrationBean.class);
            assertThat(registration.getOrder()).isEqualTo(-110);
            assertThat(registration.getUrlPatterns()).containsExactly("/*");
        });
    }

    @Test
    void enabledFalseSwitchesEverythingOff() {
        runner.withPropertyValues("abuse-guard.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(AbuseGuard.class);
            assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
            assertThat(context).doesNotHaveBean(MicrometerGuardListener.class);
        });
    }

    @Test
    void backsOffWhenTheApplicationDefinesTheEngine() {
        runner.withUserConfiguration(OwnEngine.class).run(context -> {
            assertThat(context).hasSingleBean(AbuseGuard.class);
            assertThat(context.getBean(AbuseGuard.class)).isSameAs(context.getBean(OwnEngine.class).engine);
            assertThat(filter(context).engine()).isSameAs(context.getBean(OwnEngine.class).engine);
        });
    }

    @Test
    void backsOffWhenTheApplicationRegistersTheFilter() {
        runner.withUserConfiguration(OwnFilter.class).run(context -> {
            // the filters that serve the application's abuse-guard filter stay: they read what it puts on a request
            assertThat(context.getBeansOfType(FilterRegistrationBean.class))
                    .containsOnlyKeys(
                            "myFilter",
                            "abuseGuardUndecodableFormFilterRegistration",
                            "abuseGuardSignInFailureAttributes");
        });
    }

    @Test
    void backsOffWhenTheApplicationDefinesAStore() {
        runner.withUserConfiguration(OwnStore.class)
                .withPropertyValues(ONE_RULE)
                .run(context -> {
                    assertThat(context.getBean(StateStore.class)).isSameAs(OwnStore.STORE);
                });
    }

    @Test
    void customizersAreAppliedInOrder() {
        runner.withUserConfiguration(Customizers.class).run(context -> {
            assertThat(Customizers.calls).containsExactly("first", "second");
            assertThat(context.getBean(AbuseGuard.class).riskThreshold()).isEqualTo(7);
        });
    }

    @Test
    void mode() {
        runner.withPropertyValues("abuse-guard.mode=monitor")
                .run(context ->
                        assertThat(context.getBean(AbuseGuard.class).mode()).isEqualTo(Mode.MONITOR));
    }

    @Test
    void failurePolicy() {
        runner.withPropertyValues("abuse-guard.failure-policy=fail-closed")
                .run(context -> assertThat(context.getBean(AbuseGuard.class).failurePolicy())
                        .isEqualTo(FailurePolicy.FAIL_CLOSED));
    }

    @Test
    void riskThresholdAndRiskAction() {
        runner.withPropertyValues("abuse-guard.risk-threshold=40", "abuse-guard.risk-action=log")
                .run(context -> {
                    assertThat(context.getBean(AbuseGuard.class).riskThreshold())
                            .isEqualTo(40);
                    assertThat(context.getBean(AbuseGuard.class).riskAction()).isEqualTo(Action.LOG);
                });
    }

    @Test
    void failureLogInterval() {
        runner.withPropertyValues("abuse-guard.failure-log-interval=-1s")
                .run(context ->
                        assertThat(context).getFailure().hasMessageContaining("abuse-guard.failure-log-interval"));
    }

    @Test
    void clientTrustedProxiesForwardedHeaderAndIpv6PrefixLength() {
        runner.withPropertyValues(
                        "abuse-guard.client.trusted-proxies=10.0.0.0/8",
                        "abuse-guard.client.forwarded-header=forwarded",
                        "abuse-guard.client.ipv6-prefix-length=56")
                .run(context -> {
                    ClientResolver resolver = context.getBean(ClientResolver.class);
                    assertThat(resolver.trustedProxies()).hasToString("[10.0.0.0/8]");
                    assertThat(resolver.forwardedHeader()).isEqualTo(ForwardedHeader.FORWARDED);
                    assertThat(resolver.ipv6PrefixLength()).isEqualTo(56);
                });
    }

    @Test
    void clientNat64Prefixes() {
        runner.withPropertyValues("abuse-guard.client.nat64-prefixes=2001:db8:64::/96")
                .run(context -> {
                    ClientResolver resolver = context.getBean(ClientResolver.class);
                    assertThat(resolver.nat64Prefixes()).containsExactly("2001:db8:64::/96");
                    assertThat(resolver.resolve("2001:db8:64::198.51.100.7", name -> java.util.List.of())
                                    .key())
                            .isEqualTo("198.51.100.7");
                });
        runner.withPropertyValues("abuse-guard.client.nat64-prefixes=2001:db8:64::/80")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasMessageContaining("abuse-guard.client.nat64-prefixes[0]")
                        .hasMessageContaining("/32, /40, /48, /56, /64 or /96"));
    }

    @Test
    void bodyMaxBytes() {
        runner.withPropertyValues("abuse-guard.body.max-bytes=2000000")
                .run(context -> assertThat(context).getFailure().hasMessageContaining("abuse-guard.body.max-bytes"));
    }

    @Test
    void storeMaximumKeys() {
        runner.withPropertyValues("abuse-guard.store.maximum-keys=42")
                .run(context -> assertThat(((LocalStateStore) context.getBean(StateStore.class)).maximumKeys())
                        .isEqualTo(42));
    }

    @Test
    void rateLimitRulesAreBoundAndEnforced() {
        runner.withPropertyValues(ONE_RULE).run(context -> {
            assertThat(rateLimits(context).rules()).singleElement().satisfies(rule -> {
                assertThat(rule.name()).isEqualTo("per-ip");
                assertThat(rule.limits()).containsExactly(Limit.of(2, Duration.ofMinutes(1)));
                assertThat(rule.source()).isEqualTo("properties");
            });
            assertThat(send(context, get("/a")).getStatus()).isEqualTo(200);
            assertThat(send(context, get("/a")).getStatus()).isEqualTo(200);
            MockHttpServletResponse denied = send(context, get("/a"));
            assertThat(denied.getStatus()).isEqualTo(429);
            assertThat(denied.getContentType()).isEqualTo("application/problem+json");
            assertThat(denied.getHeader("RateLimit-Policy")).isEqualTo("\"per-ip\";q=2;w=60");
        });
    }

    @Test
    void rateLimitEnabledFalseLeavesTheRulesOut() {
        runner.withPropertyValues(ONE_RULE)
                .withPropertyValues("abuse-guard.rate-limit.enabled=false")
                .run(context -> assertThat(context.getBean(AbuseGuard.class).guards())
                        .noneMatch(RateLimitGuard.class::isInstance));
    }

    @Test
    void rateLimitMode() {
        runner.withPropertyValues(ONE_RULE)
                .withPropertyValues("abuse-guard.rate-limit.mode=monitor")
                .run(context -> {
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    assertThat(engine.modeOf(rateLimits(context))).isEqualTo(Mode.MONITOR);
                    for (int i = 0; i < 5; i++) {
                        assertThat(send(context, get("/a")).getStatus()).isEqualTo(200);
                    }
                });
    }

    @Test
    void responsesProblemTypeBaseAndRateLimitHeaders() {
        runner.withPropertyValues(ONE_RULE)
                .withPropertyValues(
                        "abuse-guard.responses.problem-type-base=https://example.com/problems/",
                        "abuse-guard.responses.rate-limit-headers=false")
                .run(context -> {
                    assertThat(send(context, get("/a")).getHeader("RateLimit")).isNull();
                    send(context, get("/a"));
                    assertThat(send(context, get("/a")).getContentAsString())
                            .contains("\"type\":\"https://example.com/problems/rate-limited\"");
                });
    }

    @Test
    void responsesTagHeaderStripsWhatAClientSent() {
        runner.withPropertyValues("abuse-guard.responses.tag-header=X-Risk", "abuse-guard.client-signals.enabled=false")
                .run(context -> {
                    MockHttpServletRequest request = get("/a");
                    request.addHeader("X-Risk", "0");
                    MockFilterChain chain = new MockFilterChain();
                    filter(context).doFilter(request, new MockHttpServletResponse(), chain);
                    assertThat(((jakarta.servlet.http.HttpServletRequest) chain.getRequest()).getHeader("X-Risk"))
                            .isNull();
                });
    }

    @Test
    void routesExemptAndMonitor() {
        runner.withPropertyValues(ONE_RULE)
                .withPropertyValues("abuse-guard.routes.exempt=/health/**", "abuse-guard.routes.monitor=/beta/**")
                .run(context -> {
                    for (int i = 0; i < 4; i++) {
                        assertThat(send(context, get("/health/live")).getStatus())
                                .isEqualTo(200);
                        assertThat(send(context, get("/beta/x")).getStatus()).isEqualTo(200);
                    }
                });
    }

    @Test
    void malformedFormProblemRegistersAFilterJustBeforeSpringsFormContentFilter() {
        runner.run(context -> assertThat(
                        context.getBean("abuseGuardUndecodableFormFilterRegistration", FilterRegistrationBean.class)
                                .getOrder())
                .isEqualTo(-9901));
        runner.run(context -> assertThat(context).hasSingleBean(MalformedMultipartResolver.class));
        runner.withPropertyValues("abuse-guard.filter.malformed-form-problem=false")
                .run(context -> assertThat(context)
                        .doesNotHaveBean("abuseGuardUndecodableFormFilterRegistration")
                        .doesNotHaveBean(MalformedMultipartResolver.class));
    }

    @Test
    void filterOrder() {
        runner.withPropertyValues("abuse-guard.filter.order=-90")
                .run(context -> assertThat(context.getBean("abuseGuardFilterRegistration", FilterRegistrationBean.class)
                                .getOrder())
                        .isEqualTo(-90));
    }

    @Test
    void reportSettingsAreValidated() {
        runner.withPropertyValues("abuse-guard.report.window=0s")
                .run(context -> assertThat(context).getFailure().hasMessageContaining("abuse-guard.report"));
    }

    @Test
    void metricsListenerJoinsTheEngineWhenThereIsAMeterRegistry() {
        runner.withUserConfiguration(Registry.class)
                .withPropertyValues(ONE_RULE)
                .run(context -> {
                    assertThat(context).hasSingleBean(MicrometerGuardListener.class);
                    send(context, get("/a"));
                    send(context, get("/a"));
                    send(context, get("/a"));
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("abuseguard.decisions")
                                    .tag("outcome", "deny")
                                    .tag("guard", "rate-limit")
                                    .tag("action", "throttle")
                                    .tag("route", "UNMATCHED")
                                    .counter()
                                    .count())
                            .isEqualTo(1);
                    assertThat(registry.get("abuseguard.decisions")
                                    .tag("outcome", "allow")
                                    .counter()
                                    .count())
                            .isEqualTo(2);
                    assertThat(registry.get("abuseguard.evaluation").timer().count())
                            .isEqualTo(3);
                });
    }

    @Test
    void originRulesRefuseOtherOrigins() {
        runner.withPropertyValues(
                        "abuse-guard.origin.rules.api.paths=/api/**",
                        "abuse-guard.origin.rules.api.allowed-origins=https://partner.example",
                        "abuse-guard.origin.rules.api.missing=reject")
                .run(context -> {
                    MockHttpServletRequest evil = post("/api/x");
                    evil.addHeader("Origin", "https://evil.example");
                    assertThat(send(context, evil).getStatus()).isEqualTo(403);
                    MockHttpServletRequest partner = post("/api/x");
                    partner.addHeader("Origin", "https://partner.example");
                    MockHttpServletResponse allowed = send(context, partner);
                    assertThat(allowed.getStatus()).isEqualTo(200);
                    assertThat(allowed.getHeader("Vary")).isEqualTo("Origin, Sec-Fetch-Site");
                    assertThat(send(context, post("/api/x")).getStatus())
                            .as("missing: reject")
                            .isEqualTo(403);
                });
    }

    @Test
    void originEnabledFalseAndModeMonitor() {
        runner.withPropertyValues("abuse-guard.origin.rules.api.paths=/**", "abuse-guard.origin.enabled=false")
                .run(context -> assertThat(context.getBean(AbuseGuard.class).guards())
                        .noneMatch(OriginGuard.class::isInstance));
        runner.withPropertyValues("abuse-guard.origin.rules.api.paths=/**", "abuse-guard.origin.mode=monitor")
                .run(context -> {
                    MockHttpServletRequest evil = post("/x");
                    evil.addHeader("Origin", "https://evil.example");
                    assertThat(send(context, evil).getStatus()).isEqualTo(200);
                });
    }

    @Test
    void aMalformedAllowedOriginFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("abuse-guard.origin.rules.api.allowed-origins=partner.example")
                .run(context ->
                        assertThat(failureText(context)).contains("abuse-guard.origin.rules.api.allowed-origins[0]"));
    }

    @Test
    void clientSignalsFlagAndTheirScoresAndRulesAreConfigurable() {
        runner.withPropertyValues(
                        "abuse-guard.client-signals.user-agent-rules.scanner.pattern=evilbot",
                        "abuse-guard.client-signals.user-agent-rules.scanner.action=reject",
                        "abuse-guard.client-signals.cdn-user-agent-score=100")
                .run(context -> {
                    MockHttpServletRequest bot = get("/x");
                    bot.removeHeader("User-Agent");
                    bot.addHeader("User-Agent", "EvilBot/1.0");
                    assertThat(send(context, bot).getStatus()).isEqualTo(403);
                    MockHttpServletRequest cdn = get("/x");
                    cdn.removeHeader("User-Agent");
                    cdn.addHeader("User-Agent", "Amazon CloudFront");
                    assertThat(send(context, cdn).getStatus())
                            .as("score 100 reaches the threshold")
                            .isEqualTo(403);
                });
        runner.withPropertyValues("abuse-guard.client-signals.enabled=false")
                .run(context -> assertThat(context.getBean(AbuseGuard.class).guards())
                        .noneMatch(ClientSignalsGuard.class::isInstance));
    }

    @Test
    void ipListsDenyAndAllow() {
        runner.withPropertyValues(ONE_RULE)
                .withPropertyValues(
                        "abuse-guard.ip-lists.deny=203.0.113.0/24", "abuse-guard.ip-lists.allow=198.51.100.9")
                .run(context -> {
                    assertThat(send(context, get("/a")).getStatus()).isEqualTo(403);
                    for (int i = 0; i < 5; i++) {
                        MockHttpServletRequest partner = get("/a");
                        partner.setRemoteAddr("198.51.100.9");
                        assertThat(send(context, partner).getStatus())
                                .as("exempt from the limit")
                                .isEqualTo(200);
                    }
                });
    }

    @Test
    void aBoundOnBodyReadsThatIsNotPositiveFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("abuse-guard.body.max-concurrent-reads-per-client=0")
                .run(context -> assertThat(failureText(context))
                        .contains("abuse-guard.body.max-concurrent-reads-per-client")
                        .contains("was 0"));
    }

    @Test
    void tarpitAndDecoysAreValidatedNamingTheProperty() {
        runner.withPropertyValues("abuse-guard.tarpit.then=maybe")
                .run(context -> assertThat(failureText(context)).contains("abuse-guard.tarpit.then"));
        runner.withPropertyValues("abuse-guard.tarpit.max-concurrent=0")
                .run(context -> assertThat(failureText(context)).contains("abuse-guard.tarpit"));
        runner.withPropertyValues("abuse-guard.tarpit.max-concurrent-per-client=0")
                .run(context -> assertThat(failureText(context)).contains("max-concurrent-per-client"));
        runner.withPropertyValues("abuse-guard.decoys.fake.status=500")
                .run(context -> assertThat(failureText(context)).contains("abuse-guard.decoys.fake"));
    }

    /** Probe 13, L2: YAML 1.1 reads an unquoted {@code off} as {@code false}, and {@code on} as {@code true}. */
    @Test
    void anUnquotedYamlOffSwitchesTheSequenceModelOffAndOnFailsStartUpSayingWhy() {
        runner.withInitializer(yaml("abuse-guard:\n  sequence:\n    model: off\n"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(AbuseGuard.class).guards()).noneMatch(SequenceGuard.class::isInstance);
                });
        runner.withInitializer(yaml("abuse-guard:\n  sequence:\n    model: on\n"))
                .run(context -> assertThat(failureText(context))
                        .contains("abuse-guard.sequence.model: 'true' is not off, learn, score or learn-and-score")
                        .contains("quote"));
    }

    private static ApplicationContextInitializer<ConfigurableApplicationContext> yaml(String text) {
        return context -> {
            try {
                new YamlPropertySourceLoader()
                        .load("application.yml", new ByteArrayResource(text.getBytes(StandardCharsets.UTF_8)))
                        .forEach(context.getEnvironment().getPropertySources()::addFirst);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @Test
    void aRuleNamingAnUndefinedDecoyFailsStartUpNamingThePropertyAndTheDecoy() {
        runner.withPropertyValues(ONE_RULE)
                .withPropertyValues(
                        "abuse-guard.rate-limit.rules.per-ip.action=decoy",
                        "abuse-guard.rate-limit.rules.per-ip.decoy=quite",
                        "abuse-guard.decoys.quiet.status=202")
                .run(context -> assertThat(failureText(context))
                        .contains("abuse-guard.rate-limit.rules.per-ip.decoy: names decoy 'quite'"));
    }

    @Test
    void aDecoyAnswersADeniedRequestWithTheConfiguredFakeSuccess() {
        runner.withPropertyValues(ONE_RULE)
                .withPropertyValues(
                        "abuse-guard.rate-limit.rules.per-ip.action=decoy",
                        "abuse-guard.rate-limit.rules.per-ip.decoy=quiet",
                        "abuse-guard.decoys.quiet.status=202",
                        "abuse-guard.decoys.quiet.body={\"id\":\"${uuid}\"}")
                .run(context -> {
                    send(context, get("/a"));
                    send(context, get("/a"));
                    MockHttpServletResponse decoy = send(context, get("/a"));
                    assertThat(decoy.getStatus()).isEqualTo(202);
                    assertThat(decoy.getContentAsString()).startsWith("{\"id\":\"");
                });
    }

    @Test
    void aDecoyBodyFillsInTheRequestPathAndAFreshUuidNotTheEnvironmentsPath() {
        // relaxed binding maps ${path} to the PATH environment variable; a property named path stands in for it
        runner.withPropertyValues(ONE_RULE)
                .withPropertyValues(
                        "path=/srv/shop/bin:/usr/bin",
                        "uuid=not-a-fresh-uuid",
                        "abuse-guard.rate-limit.rules.per-ip.action=decoy",
                        "abuse-guard.rate-limit.rules.per-ip.decoy=x",
                        "abuse-guard.decoys.x.body={\"at\":\"${path}\",\"id\":\"${uuid}\"}")
                .run(context -> {
                    send(context, get("/a"));
                    send(context, get("/a"));
                    String first = send(context, get("/shop/items/7")).getContentAsString();
                    String second = send(context, get("/shop/items/7")).getContentAsString();
                    assertThat(first)
                            .matches("\\{\"at\":\"/shop/items/7\",\"id\":\"[0-9a-f-]{36}\"}")
                            .doesNotContain("/usr/bin");
                    assertThat(second).matches("\\{\"at\":\"/shop/items/7\",\"id\":\"[0-9a-f-]{36}\"}");
                    assertThat(second).isNotEqualTo(first);
                });
    }

    @Test
    void aDecoyBodyKeepsOnlyTheDecoysOwnPlaceholdersForTheDecoy() {
        runner.withPropertyValues(ONE_RULE)
                .withPropertyValues(
                        "path=/srv/shop/bin:/usr/bin",
                        "shop.name=Acme",
                        "shop.greeting=you asked for ${path}",
                        "shop.status=202",
                        "abuse-guard.rate-limit.rules.per-ip.action=decoy",
                        "abuse-guard.rate-limit.rules.per-ip.decoy=x",
                        "abuse-guard.decoys.x.status=${shop.status}",
                        "abuse-guard.decoys.x.body=${shop.name}|${shop.greeting}|\\${path}|${shop.motto:no motto}|${path:none}")
                .run(context -> {
                    send(context, get("/a"));
                    send(context, get("/a"));
                    MockHttpServletResponse decoy = send(context, get("/shop"));
                    assertThat(decoy.getStatus()).isEqualTo(202);
                    assertThat(decoy.getContentAsString()).isEqualTo("Acme|you asked for /shop|/shop|no motto|/shop");
                });
    }

    private static MockHttpServletRequest post(String path) {
        MockHttpServletRequest request = get(path);
        request.setMethod("POST");
        return request;
    }

    @Test
    void storeTypeRedisBuildsASharedStoreBehindItsOutagePolicy() {
        runner.withConfiguration(AutoConfigurations.of(AbuseGuardStoreHealthAutoConfiguration.class))
                .withPropertyValues(
                        "abuse-guard.store.type=redis",
                        "abuse-guard.store.redis.uri=redis://127.0.0.1:6379",
                        "abuse-guard.store.redis.timeout=150ms",
                        "abuse-guard.store.redis.outage-policy=fail-closed",
                        "abuse-guard.store.redis.retry-interval=2s",
                        "abuse-guard.store.redis.key-prefix=starter-test:")
                .run(context -> {
                    assertThat(context.getBean(StateStore.class))
                            .isInstanceOfSatisfying(
                                    ResilientStateStore.class,
                                    store -> assertThat(store.policy()).isEqualTo(OutagePolicy.FAIL_CLOSED));
                    assertThat(context).hasBean("abuseGuardStoreHealthIndicator");
                });
    }

    @Test
    void circuitBreakerPropertiesReachTheStoreAndBadOnesFailStartUpNamingTheProperty() {
        WebApplicationContextRunner redis = runner.withPropertyValues(
                "abuse-guard.store.type=redis", "abuse-guard.store.redis.key-prefix=starter-test:");
        redis.withPropertyValues(
                        "abuse-guard.store.redis.failure-rate-threshold=25",
                        "abuse-guard.store.redis.minimum-calls=10",
                        "abuse-guard.store.redis.window-size=40",
                        "abuse-guard.store.redis.half-open-calls=2")
                .run(context -> assertThat(context.getBean(StateStore.class)).isInstanceOf(ResilientStateStore.class));
        redis.withPropertyValues("abuse-guard.store.redis.failure-rate-threshold=101")
                .run(context ->
                        assertThat(failureText(context)).contains("abuse-guard.store.redis.failure-rate-threshold"));
        redis.withPropertyValues("abuse-guard.store.redis.minimum-calls=0")
                .run(context -> assertThat(failureText(context)).contains("abuse-guard.store.redis.minimum-calls"));
        redis.withPropertyValues("abuse-guard.store.redis.minimum-calls=50", "abuse-guard.store.redis.window-size=20")
                .run(context -> assertThat(failureText(context)).contains("abuse-guard.store.redis.window-size"));
        redis.withPropertyValues("abuse-guard.store.redis.half-open-calls=0")
                .run(context -> assertThat(failureText(context)).contains("abuse-guard.store.redis.half-open-calls"));
        redis.withPropertyValues("abuse-guard.store.redis.connect-timeout=0s")
                .run(context -> assertThat(failureText(context))
                        .contains("abuse-guard.store.redis.connect-timeout")
                        .contains("must be positive"));
        redis.withPropertyValues("abuse-guard.store.redis.key-secret=too-short")
                .run(context -> assertThat(failureText(context))
                        .contains("abuse-guard.store.redis.key-secret")
                        .contains("at least 16 bytes"));
    }

    @Test
    void anUnknownStoreTypeFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("abuse-guard.store.type=hazelcast")
                .run(context -> assertThat(failureText(context)).contains("abuse-guard.store.type: 'hazelcast'"));
    }

    @Test
    void aMalformedRedisUriFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("abuse-guard.store.type=redis", "abuse-guard.store.redis.uri=http://nope")
                .run(context -> assertThat(failureText(context)).contains("abuse-guard.store.redis.uri"));
    }

    @Test
    void aNegativeCapacityFailsStartUpNamingTheProperty() {
        runner.withPropertyValues(
                        "abuse-guard.rate-limit.rules.x.limits[0].capacity=-1",
                        "abuse-guard.rate-limit.rules.x.limits[0].period=1m")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageStartingWith("abuse-guard.rate-limit.rules.x.limits[0].capacity: must be positive"));
    }

    @ParameterizedTest
    @CsvSource({"0s", "-1m", "0"})
    void aPeriodOfNothingGivenInASecondPlaceFailsStartUpNamingThePeriod(String period) {
        // Spring takes an indexed list whole from the highest source that has it: the command line's one
        // period arrives without the file's capacity
        runner.withPropertyValues(ONE_RULE)
                .withInitializer(commandLine("abuse-guard.rate-limit.rules.per-ip.limits[0].period=" + period))
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageStartingWith(
                                "abuse-guard.rate-limit.rules.per-ip.limits[0].period: must be positive"));
    }

    /** user67 F7: a period alone on the command line failed with "capacity: must be positive, was 0". */
    @Test
    void aPeriodAloneOnTheCommandLineFailsStartUpSayingTheCapacityIsRequired() {
        runner.withPropertyValues(ONE_RULE)
                .withInitializer(commandLine("abuse-guard.rate-limit.rules.per-ip.limits[0].period=60s"))
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageStartingWith("abuse-guard.rate-limit.rules.per-ip.limits[0].capacity: is required")
                        .hasMessageContaining("a list given in two places"));
    }

    @Test
    void aCapacityAloneOnTheCommandLineFailsStartUpSayingTheListIsTakenWhole() {
        runner.withPropertyValues(ONE_RULE)
                .withInitializer(commandLine("abuse-guard.rate-limit.rules.per-ip.limits[0].capacity=7"))
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageStartingWith("abuse-guard.rate-limit.rules.per-ip.limits[0].period: is required")
                        .hasMessageContaining("give each limit its capacity and period")
                        .hasMessageContaining("a list given in two places"));
        runner.withPropertyValues(ONE_RULE)
                .withInitializer(commandLine(
                        "abuse-guard.rate-limit.rules.per-ip.limits[0].capacity=7",
                        "abuse-guard.rate-limit.rules.per-ip.limits[0].period=1m"))
                .run(context -> assertThat(rateLimits(context).rules().get(0).limits())
                        .containsExactly(Limit.of(7, Duration.ofMinutes(1))));
    }

    /** A property source above the test's own, as the command line is above application.yml. */
    private static ApplicationContextInitializer<ConfigurableApplicationContext> commandLine(String... properties) {
        String[] args =
                Arrays.stream(properties).map(property -> "--" + property).toArray(String[]::new);
        return context ->
                context.getEnvironment().getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
    }

    @Test
    void aTrustedProxyWrittenWithHostBitsSetIsOneWarningNamingTheWholeBlock(CapturedOutput output) {
        // cfg24 F8: '203.0.113.5/8' believed the forwarded header of 16.7 million addresses without a word
        runner.withPropertyValues("abuse-guard.client.trusted-proxies=10.0.0.5/8,203.0.113.5/8,192.0.2.0/24")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output.getAll().lines().filter(line -> line.contains("has host bits set")))
                            .hasSize(2)
                            .anySatisfy(line -> assertThat(line)
                                    .contains("abuse-guard.client.trusted-proxies[0]: '10.0.0.5/8' has host bits set,"
                                            + " so it is the whole block 10.0.0.0/8"))
                            .anySatisfy(line -> assertThat(line)
                                    .contains("abuse-guard.client.trusted-proxies[1]: '203.0.113.5/8' has host bits"));
                });
    }

    @ParameterizedTest
    @CsvSource({"0.0.0.0/0", "::/0", "64.0.0.0/2"})
    void aTrustedProxyBlockSpanningPublicSpaceFailsStartUpUnlessAllowedExplicitly(String block, CapturedOutput output) {
        runner.withPropertyValues("abuse-guard.client.trusted-proxies=10.0.0.0/8," + block)
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageStartingWith("abuse-guard.client.trusted-proxies[1]: '" + block + "' spans public"));
        runner.withPropertyValues(
                        "abuse-guard.client.trusted-proxies=10.0.0.0/8," + block,
                        "abuse-guard.client.allow-broad-trusted-proxies=true")
                .run(context -> {
                    assertThat(context.getBean(ClientResolver.class).trustedProxies())
                            .containsExactly("10.0.0.0/8", block);
                    assertThat(output.getAll()
                                    .lines()
                                    .filter(line ->
                                            line.contains("'" + block + "' spans public address space: every peer")))
                            .singleElement()
                            .asString()
                            .contains("WARN", "abuse-guard.client.trusted-proxies[1]", "allowed by");
                });
    }

    /** A clone's proxy that forwards its own {@code Host} and {@code Origin} (probe 5, F4). */
    private static MockHttpServletRequest cloneProxied() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/transform");
        request.setServletPath("/api/transform");
        request.setRemoteAddr("203.0.113.8");
        request.setScheme("https");
        request.setServerName("clone.example");
        request.setServerPort(443);
        request.addHeader("Host", "clone.example");
        request.addHeader("Origin", "https://clone.example");
        request.addHeader("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)");
        return request;
    }

    @Test
    void namedOwnOriginsAreTheOwnOriginAndAnUnnamedOneIsOneWarning(CapturedOutput output) {
        String warning = "abuse-guard.origin.own-origins is not set";
        runner.withPropertyValues("abuse-guard.origin.rules.api.paths=/api/**").run(context -> {
            assertThat(send(context, cloneProxied()).getStatus())
                    .as("the Host the client sent is the own origin")
                    .isEqualTo(200);
            assertThat(output.getAll().lines().filter(line -> line.contains(warning)))
                    .singleElement()
                    .asString()
                    .contains("WARN", "Host", "[api]");
        });
        int before = output.getAll().split(warning, -1).length;
        runner.withPropertyValues(
                        "abuse-guard.origin.rules.api.paths=/api/**",
                        "abuse-guard.origin.own-origins=https://shop.example")
                .run(context -> {
                    MockHttpServletResponse clone = send(context, cloneProxied());
                    assertThat(clone.getStatus()).isEqualTo(403);
                    assertThat(clone.getContentAsString()).contains("origin-not-allowed");
                    MockHttpServletRequest own = cloneProxied();
                    own.removeHeader("Origin");
                    own.addHeader("Origin", "https://shop.example");
                    assertThat(send(context, own).getStatus()).isEqualTo(200);
                });
        assertThat(output.getAll().split(warning, -1).length).isEqualTo(before);
    }

    @ParameterizedTest
    @CsvSource({"rate-limit", "failure", "volume", "origin", "email"})
    void anUnknownMethodFailsStartUpNamingItsIndex(String section) {
        runner.withPropertyValues(ONE_RULE)
                .withPropertyValues(
                        "abuse-guard." + section + ".rules.x.paths[0]=/api/login",
                        "abuse-guard." + section + ".rules.x.methods=get,FOO")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageStartingWith(
                                "abuse-guard." + section + ".rules.x.methods[1]: 'FOO' is not an HTTP method"));
    }

    @Test
    void anUnknownGuardFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("abuse-guard.captcha.enabled=true")
                .run(context -> assertThat(failureText(context)).contains("abuse-guard.captcha.enabled"));
    }

    @Test
    void aMalformedCidrFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("abuse-guard.client.trusted-proxies=10.0.0.0/40")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageStartingWith("abuse-guard.client.trusted-proxies[0]:"));
    }

    @Test
    void aMalformedDurationFailsStartUpNamingTheProperty() {
        runner.withPropertyValues(
                        "abuse-guard.rate-limit.rules.x.limits[0].capacity=1",
                        "abuse-guard.rate-limit.rules.x.limits[0].period=five minutes")
                .run(context ->
                        assertThat(failureText(context)).contains("abuse-guard.rate-limit.rules.x.limits[0].period"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "abuse-guard.email.sources[0] | /nonexistent/abuse-guard/list.txt | abuse-guard.email.sources[0]",
                "abuse-guard.email.rules.x.field | query: | abuse-guard.email.rules.x.field",
                "abuse-guard.rate-limit.rules.x.paths[0] | /api/{a}/{a} | abuse-guard.rate-limit.rules.x.paths[0]",
                "abuse-guard.email.rules.x.paths[0] | /api/{a}/{a} | abuse-guard.email.rules.x.paths[0]",
            })
    void aValueThatWouldSilentlyDoNothingFailsStartUpNamingTheProperty(String key, String value, String named) {
        runner.withPropertyValues(
                        "abuse-guard.rate-limit.rules.x.limits[0].capacity=1",
                        "abuse-guard.rate-limit.rules.x.limits[0].period=1m",
                        "abuse-guard.email.rules.x.paths[0]=/signup",
                        key + "=" + value)
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageStartingWith(named + ":"));
    }

    /** The messages of the start-up failure and all its causes, as a developer reads them in the log. */
    private static String failureText(AssertableWebApplicationContext context) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            text.append(t.getMessage()).append('\n');
        }
        return text.toString();
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnEngine {
        final AbuseGuard engine = AbuseGuard.builder().build();

        @Bean
        AbuseGuard myEngine() {
            return engine;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnFilter {
        @Bean
        FilterRegistrationBean<AbuseGuardFilter> myFilter() {
            return new FilterRegistrationBean<>(AbuseGuardFilter.builder()
                    .engine(AbuseGuard.builder().build())
                    .build());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnStore {
        static final StateStore STORE = LocalStateStore.builder().maximumKeys(5).build();

        @Bean
        StateStore myStore() {
            return STORE;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {
        static final List<String> calls = new ArrayList<>();

        @Bean
        @Order(2)
        AbuseGuardCustomizer second() {
            return builder -> {
                calls.add("second");
                builder.riskThreshold(7);
            };
        }

        @Bean
        @Order(1)
        AbuseGuardCustomizer first() {
            return builder -> {
                calls.add("first");
                builder.riskThreshold(3);
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
