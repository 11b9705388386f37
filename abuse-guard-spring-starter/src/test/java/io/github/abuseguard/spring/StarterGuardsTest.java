package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.store.StateStore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the starter builds is closed with the context exactly once: by the engine that holds it, or by
 * the starter where no engine does, as when the application brings its own {@link AbuseGuard}.
 */
class StarterGuardsTest {

    private static final AtomicInteger RESOURCE_CLOSES = new AtomicInteger();

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AbuseGuardAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(GuardAutoConfigurations.ALL))
            .withPropertyValues("abuse-guard.ip-lists.deny=203.0.113.0/24");

    @Test
    void aGuardNoEngineHoldsIsClosedOnceWhenTheContextCloses() throws Exception {
        Closing held = new Closing("held");
        Closing loose = new Closing("loose");
        AbuseGuard engine = AbuseGuard.builder().guard(held).build();
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("engine", engine);
        StarterGuards guards = new StarterGuards(beans);
        guards.built(held);
        guards.built(loose);
        guards.afterSingletonsInstantiated();

        guards.destroy();
        engine.close();

        assertThat(loose.closes).hasValue(1);
        assertThat(held.closes).hasValue(1);
    }

    @Test
    void theResourcesOfTheGuardFactoriesAreClosedOnceWhenTheApplicationBringsItsOwnEngine() {
        RESOURCE_CLOSES.set(0);
        runner.withUserConfiguration(OwnContext.class, OwnEngine.class).run(context -> {
            assertThat(context).hasNotFailed().hasBean("abuse-guard.ip-lists");
            assertThat(context.getBean(AbuseGuard.class).guards()).isEmpty();
            assertThat(RESOURCE_CLOSES).hasValue(0);
        });
        assertThat(RESOURCE_CLOSES).hasValue(1);
    }

    @Test
    void theResourcesOfTheGuardFactoriesAreClosedOnceByTheStartersEngine() {
        RESOURCE_CLOSES.set(0);
        runner.withUserConfiguration(OwnContext.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(AbuseGuard.class).guards()).isNotEmpty();
        });
        assertThat(RESOURCE_CLOSES).hasValue(1);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnContext {
        @Bean
        GuardContext ownGuardContext(StateStore store, TimeSource timeSource) {
            GuardContext context =
                    GuardContext.builder().store(store).timeSource(timeSource).build();
            context.closing(RESOURCE_CLOSES::incrementAndGet);
            return context;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnEngine {
        @Bean
        AbuseGuard ownEngine() {
            return AbuseGuard.builder().build();
        }
    }

    private static final class Closing implements Guard, AutoCloseable {
        private final String name;
        private final AtomicInteger closes = new AtomicInteger();

        Closing(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Decision check(GuardRequest request) {
            return Decision.allow();
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
