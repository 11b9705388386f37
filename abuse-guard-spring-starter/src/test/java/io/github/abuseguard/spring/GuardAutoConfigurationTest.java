package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.Mode;
import io.github.abuseguard.config.GuardFactory;
import io.github.abuseguard.config.GuardSettings;
import io.github.abuseguard.ratelimit.RateLimitGuardFactory;
import io.github.abuseguard.ratelimit.RateLimitSettings;
import io.github.abuseguard.servlet.BodySettings;
import io.github.abuseguard.servlet.TarpitSettings;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Each bundled guard has its own auto-configuration: a {@code @ConfigurationProperties} bean of its
 * section and a {@link Guard} bean named after the section, which the engine asks in the documented
 * order and in the section's mode; switching a guard off removes its bean, and an application's bean of
 * the same name replaces it.
 */
class GuardAutoConfigurationTest {

    private static final String[] FOUR_GUARDS = {
        "abuse-guard.ip-lists.deny=203.0.113.0/24",
        "abuse-guard.origin.rules.api.allowed-origins=https://shop.example",
        "abuse-guard.rate-limit.rules.per-ip.limits[0].capacity=5",
        "abuse-guard.rate-limit.rules.per-ip.limits[0].period=1m"
    };

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL));

    @Test
    void eachConfiguredGuardIsABeanNamedAfterItsSectionAndTheEngineAsksThemInTheDocumentedOrder() {
        runner.withPropertyValues(FOUR_GUARDS).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context)
                    .hasBean("abuse-guard.ip-lists")
                    .hasBean("abuse-guard.client-signals")
                    .hasBean("abuse-guard.origin")
                    .hasBean("abuse-guard.rate-limit");
            assertThat(context.getBean("abuse-guard.rate-limit", Guard.class).name())
                    .isEqualTo("rate-limit");
            assertThat(context.getBean(AbuseGuard.class).guards())
                    .extracting(Guard::name)
                    .containsExactly("ip-list", "client-signals", "origin", "rate-limit");
        });
    }

    @Test
    void aGuardSwitchedOffHasNoBeanAndNoPlaceInTheEngineWhileItsPropertiesRemainABean() {
        runner.withPropertyValues(FOUR_GUARDS)
                .withPropertyValues("abuse-guard.rate-limit.enabled=false", "abuse-guard.origin.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context)
                            .doesNotHaveBean("abuse-guard.rate-limit")
                            .doesNotHaveBean("abuse-guard.origin");
                    assertThat(context.getBean(AbuseGuardProperties.class)
                                    .section(RateLimitSettings.class)
                                    .enabled())
                            .isFalse();
                    assertThat(context.getBean(AbuseGuard.class).guards())
                            .extracting(Guard::name)
                            .containsExactly("ip-list", "client-signals");
                });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"client-signals", "origin", "email", "sequence", "failure", "volume", "rate-limit"})
    void everySwitchableGuardHasABeanUnlessItsSectionSwitchesItOff(String section) {
        String bean = "abuse-guard." + section;
        runner.run(context -> assertThat(context.containsBeanDefinition(bean))
                .as("%s is defined", bean)
                .isTrue());
        runner.withPropertyValues(bean + ".enabled=false").run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(bean);
            Object settings = context.getBean(AbuseGuardProperties.class).section(section);
            assertThat(settings.getClass().isRecord()
                            || settings.getClass().isAnnotationPresent(ConfigurationProperties.class))
                    .as("a record, or a @ConfigurationProperties bean")
                    .isTrue();
            assertThat(((GuardSettings) settings).enabled()).isFalse();
        });
    }

    @Test
    void aSectionsPropertiesBeanIsTheSettingsTheEngineAndTheFilterRead() {
        runner.withPropertyValues(FOUR_GUARDS)
                .withPropertyValues(
                        "abuse-guard.rate-limit.rules.per-ip.cost=2",
                        "abuse-guard.tarpit.delay=3s",
                        "abuse-guard.body.max-bytes=1024")
                .run(context -> {
                    AbuseGuardProperties properties = context.getBean(AbuseGuardProperties.class);
                    RateLimitSettings rateLimit = properties.section(RateLimitSettings.class);

                    assertThat(rateLimit.rules().get("per-ip").cost()).isEqualTo(2);
                    assertThat(properties.section("rate-limit")).isSameAs(rateLimit);
                    assertThat(properties.section(TarpitSettings.class).delay()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(properties.section(BodySettings.class).maxBytes())
                            .isEqualTo(1024);
                });
    }

    @Test
    void aGuardTakesTheModeOfItsSection() {
        runner.withPropertyValues(FOUR_GUARDS)
                .withPropertyValues("abuse-guard.rate-limit.mode=monitor")
                .run(context -> {
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    Guard rateLimit = context.getBean("abuse-guard.rate-limit", Guard.class);

                    assertThat(engine.modeOf(rateLimit)).isEqualTo(Mode.MONITOR);
                    assertThat(engine.modeOf(context.getBean("abuse-guard.origin", Guard.class)))
                            .isEqualTo(Mode.ENFORCE);
                });
    }

    @Test
    void anApplicationsGuardBeanNamedAfterASectionReplacesTheBundledGuardInItsPlaceAndMode() {
        runner.withPropertyValues(FOUR_GUARDS)
                .withPropertyValues("abuse-guard.rate-limit.mode=monitor")
                .withUserConfiguration(OwnRateLimit.class)
                .run(context -> {
                    AbuseGuard engine = context.getBean(AbuseGuard.class);

                    assertThat(engine.guards())
                            .extracting(Guard::name)
                            .containsExactly("ip-list", "client-signals", "origin", "own-rate-limit");
                    assertThat(engine.modeOf(engine.guards().get(3))).isEqualTo(Mode.MONITOR);
                });
    }

    @Test
    void anApplicationsOtherGuardBeansFollowTheSectionsGuards() {
        runner.withPropertyValues(FOUR_GUARDS)
                .withUserConfiguration(ExtraGuard.class)
                .run(context -> assertThat(context.getBean(AbuseGuard.class).guards())
                        .extracting(Guard::name)
                        .containsExactly("ip-list", "client-signals", "origin", "rate-limit", "extra"));
    }

    @Test
    void aGuardBeanACustomizerAddsInItsOwnModeIsAddedOnceInThatMode() {
        runner.withPropertyValues(FOUR_GUARDS)
                .withUserConfiguration(ExtraGuard.class, MonitoringCustomizer.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    Guard extra = context.getBean("extraGuard", Guard.class);
                    assertThat(engine.guards()).extracting(Guard::name).containsOnlyOnce("extra");
                    assertThat(engine.modeOf(extra)).isEqualTo(Mode.MONITOR);
                });
    }

    @Test
    void aGuardWithNothingToCheckIsNotInTheEngine() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(AbuseGuard.class).guards())
                    .extracting(Guard::name)
                    .containsExactly("client-signals");
        });
    }

    @Test
    void anUnknownKeyInAGuardsSectionFailsStartUpNamingIt() {
        runner.withPropertyValues(FOUR_GUARDS)
                .withPropertyValues("abuse-guard.rate-limit.rules.per-ip.limits[0].capasity=3")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("abuse-guard.rate-limit.rules.per-ip.limits[0].capasity"));
    }

    @Test
    void aBadValueInAGuardsSectionFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("abuse-guard.rate-limit.rules.per-ip.limits[0].capacity=0")
                .withPropertyValues("abuse-guard.rate-limit.rules.per-ip.limits[0].period=1m")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("abuse-guard.rate-limit.rules.per-ip.limits[0].capacity"));
    }

    @Test
    void excludingOneGuardsAutoConfigurationTakesThatGuardAwayAndLeavesTheOthersWorking() {
        new WebApplicationContextRunner()
                .withUserConfiguration(Application.class)
                .withPropertyValues(FOUR_GUARDS)
                .withPropertyValues("spring.autoconfigure.exclude=" + OriginGuardAutoConfiguration.class.getName())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context)
                            .doesNotHaveBean("abuse-guard.origin")
                            .hasBean("abuse-guard.ip-lists")
                            .hasBean("abuse-guard.client-signals")
                            .hasBean("abuse-guard.rate-limit");
                    AbuseGuard engine = context.getBean(AbuseGuard.class);
                    assertThat(engine.guards())
                            .extracting(Guard::name)
                            .containsExactly("ip-list", "client-signals", "rate-limit");
                    // the origin rule is configured, but its guard was excluded: a cross-site POST passes
                    assertThat(engine.evaluate(GuardRequest.builder("POST", "/api/orders")
                                            .header("Origin", "https://evil.example")
                                            .client("198.51.100.7")
                                            .build())
                                    .isDenied())
                            .isFalse();
                    // the guards left still check: a denied network is refused
                    assertThat(engine.evaluate(GuardRequest.builder("GET", "/api/orders")
                                            .client("203.0.113.9")
                                            .build())
                                    .isDenied())
                            .isTrue();
                });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Application {}

    @Test
    void everyBundledGuardFactoryHasOneListedAutoConfigurationEnablingThePropertiesOfItsSection() {
        Set<String> sections = new TreeSet<>();
        for (String name :
                ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())) {
            Class<?> type = ClassUtils.resolveClassName(name, getClass().getClassLoader());
            BundledGuard bundled = type.getAnnotation(BundledGuard.class);
            if (bundled == null) {
                continue;
            }
            GuardFactory<?> factory = BeanUtils.instantiateClass(bundled.factory());
            String section = factory.name();
            assertThat(sections.add(section))
                    .as("one auto-configuration for %s", section)
                    .isTrue();
            if (bundled.properties() == Void.class) {
                // a record section: bound into AbuseGuardProperties, described to the IDE by SettingsMetadata
                assertThat(factory.settingsType().isRecord())
                        .as("%s is a record", section)
                        .isTrue();
                assertThat(type.getAnnotation(EnableConfigurationProperties.class))
                        .isNull();
                assertThat(java.util.Arrays.stream(SettingsMetadata.class.getRecordComponents())
                                .map(component -> (Object) component.getType()))
                        .as("SettingsMetadata describes %s", section)
                        .contains((Object) factory.settingsType());
                continue;
            }
            assertThat(type.getAnnotation(EnableConfigurationProperties.class).value())
                    .as("%s enables the properties it names", type.getSimpleName())
                    .containsExactly(bundled.properties());
            assertThat(bundled.properties()
                            .getAnnotation(ConfigurationProperties.class)
                            .prefix())
                    .isEqualTo("abuse-guard." + section);
        }
        Set<String> factories = new TreeSet<>();
        for (GuardFactory<?> factory :
                ServiceLoader.load(GuardFactory.class, getClass().getClassLoader())) {
            if (factory.getClass().getPackageName().startsWith("io.github.abuseguard.")) {
                factories.add(factory.name());
            }
        }
        assertThat(sections).isEqualTo(factories).hasSize(8);
        assertThat(GuardAutoConfigurations.ALL).hasSize(8);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRateLimit {
        @Bean(AbuseGuardAutoConfiguration.SECTION_BEAN_PREFIX + RateLimitGuardFactory.NAME)
        Guard ownRateLimit() {
            return new Named("own-rate-limit");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ExtraGuard {
        @Bean
        Guard extraGuard() {
            return new Named("extra");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class MonitoringCustomizer {
        @Bean
        AbuseGuardCustomizer monitorExtra(
                @org.springframework.beans.factory.annotation.Qualifier("extraGuard") Guard extra) {
            return builder -> builder.guard(extra, Mode.MONITOR);
        }
    }

    private record Named(String name) implements Guard {
        @Override
        public Decision check(GuardRequest request) {
            return Decision.allow();
        }
    }
}
