package io.github.abuseguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.Decision;
import io.github.abuseguard.Guard;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.Mode;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.testing.FakeTimeSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AbstractGuardFactoryTest {

    /**
     * A guard's settings.
     *
     * @param enabled whether it runs
     * @param mode enforce or monitor
     * @param limit a number
     */
    public record TrapSettings(
            @Default("" + DEFAULT_ENABLED) boolean enabled,
            @Default(DEFAULT_MODE) Mode mode,
            @Default("" + DEFAULT_LIMIT) int limit)
            implements GuardSettings {

        public static final int DEFAULT_LIMIT = 7;
    }

    /** Lets every request through. */
    static final class TrapGuard implements Guard {
        @Override
        public String name() {
            return "trap";
        }

        @Override
        public Decision check(GuardRequest request) {
            return Decision.allow();
        }
    }

    /** Records the settings it was asked to build from. */
    static final class TrapGuardFactory extends AbstractGuardFactory<TrapSettings> {
        final List<TrapSettings> built = new ArrayList<>();

        TrapGuardFactory() {
            super("trap", 150);
        }

        @Override
        protected Guard build(TrapSettings settings, GuardContext context) {
            built.add(settings);
            return new TrapGuard();
        }
    }

    /** A factory whose settings type is left to a subclass. */
    abstract static class OpenFactory<S> extends AbstractGuardFactory<S> {
        OpenFactory() {
            super("open", 1);
        }
    }

    private static final GuardContext CONTEXT = GuardContext.builder()
            .store(LocalStateStore.builder().build())
            .timeSource(new FakeTimeSource())
            .build();

    @Test
    void settingsThatSwitchTheGuardOffBuildNoGuardWithoutAskingTheSubclass() {
        TrapGuardFactory factory = new TrapGuardFactory();

        assertThat(factory.create(new TrapSettings(false, Mode.ENFORCE, 3), CONTEXT))
                .isNull();
        assertThat(factory.built).isEmpty();
    }

    @Test
    void enabledSettingsAreBuiltByTheSubclass() {
        TrapGuardFactory factory = new TrapGuardFactory();
        TrapSettings settings = new TrapSettings(true, Mode.MONITOR, 3);

        assertThat(factory.create(settings, CONTEXT)).isNotNull();
        assertThat(factory.built).containsExactly(settings);
    }

    @Test
    void theSettingsRecordIsTheTypeTheSubclassNamesWithItsDefaults() {
        TrapGuardFactory factory = new TrapGuardFactory();

        assertThat(factory.name()).isEqualTo("trap");
        assertThat(factory.order()).isEqualTo(150);
        assertThat(factory.settingsType()).isEqualTo(TrapSettings.class);
        assertThat(factory.newSettings())
                .isEqualTo(new TrapSettings(GuardSettings.DEFAULT_ENABLED, Mode.ENFORCE, TrapSettings.DEFAULT_LIMIT));
    }

    @Test
    void aFactoryThatNamesNoSettingsTypeIsRefusedNamingItsClass() {
        assertThatThrownBy(() -> new OpenFactory<TrapSettings>() {
                    @Override
                    protected Guard build(TrapSettings settings, GuardContext context) {
                        return new TrapGuard();
                    }
                })
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names no settings class as S");
    }
}
