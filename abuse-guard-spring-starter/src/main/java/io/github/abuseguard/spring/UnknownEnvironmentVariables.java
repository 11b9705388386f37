package io.github.abuseguard.spring;

import io.github.abuseguard.config.InvalidSettingException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.origin.SystemEnvironmentOrigin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Warns at start-up about each {@code ABUSE_GUARD_*} or {@code ABUSEGUARD_*} environment variable that
 * no {@code abuse-guard} property reads (probe19 L1): a misspelt property in a file fails start-up, but
 * Spring Boot reads an environment variable only under the names a property maps to, so
 * {@code ABUSE_GUARD_RATE_LIMT_MODE} was ignored without a word. Notes every property name the strict
 * binding binds (a record's defaults included, so every known leaf), and takes a variable as read when
 * it is one of the two names Spring Boot maps a bound property to ({@code ABUSEGUARD_RATELIMIT_MODE},
 * or the legacy {@code ABUSE_GUARD_RATE_LIMIT_MODE}). A warning, not a failure: an environment carries
 * variables of other programs too.
 */
final class UnknownEnvironmentVariables {

    private static final Logger log = LoggerFactory.getLogger(UnknownEnvironmentVariables.class);

    private static final List<String> PREFIXES = List.of("ABUSE_GUARD_", "ABUSEGUARD_");

    private final Set<String> read = new HashSet<>();
    private final List<String> skipped = new ArrayList<>();

    /** {@code parent}, noting each name it binds. */
    BindHandler noting(BindHandler parent) {
        return new AbstractBindHandler(parent) {
            @Override
            public @Nullable Object onSuccess(
                    ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
                read.addAll(variableNames(name));
                refuseApiKeyFromVariable(name, context.getConfigurationProperty());
                return super.onSuccess(name, target, context, result);
            }
        };
    }

    /** Takes every variable under {@code prefix} as read: a section Spring binds as a bean of its own. */
    void skip(ConfigurationPropertyName prefix) {
        variableNames(prefix).forEach(name -> skipped.add(name + "_"));
    }

    /** Logs one warning per {@code ABUSE_GUARD_*} variable of {@code environment} that no bound name reads. */
    void warnAboutUnread(Environment environment) {
        if (!(environment instanceof ConfigurableEnvironment configurable)) {
            return;
        }
        Set<String> unread = new TreeSet<>();
        for (PropertySource<?> source : configurable.getPropertySources()) {
            if (source instanceof SystemEnvironmentPropertySource variables) {
                for (String name : variables.getPropertyNames()) {
                    if (isUnread(name.toUpperCase(Locale.ROOT))) {
                        unread.add(name);
                    }
                }
            }
        }
        for (String name : unread) {
            log.warn(
                    "Environment variable {} sets no abuse-guard property and is ignored; is it misspelt? A property"
                            + " such as abuse-guard.rate-limit.mode is ABUSEGUARD_RATELIMIT_MODE (or"
                            + " ABUSE_GUARD_RATE_LIMIT_MODE), a list index as _0_",
                    name);
        }
    }

    /**
     * Refuses an origin rule's API key bound from an environment variable: Spring Boot reads the key out of the
     * variable's name, lower-cased and with each {@code _} a dot, so no name can spell a key such as {@code
     * pk_live_AbC}, and its partner's widget was refused on every call while the rule held a key nobody sends (probe71a
     * F3: {@code ..._APIKEYS_PK_LIVE_ABC_0_} bound the key {@code pk.live.abc}).
     */
    private static void refuseApiKeyFromVariable(
            ConfigurationPropertyName name, @Nullable ConfigurationProperty property) {
        // abuse-guard.origin.rules.NAME.api-keys.KEY..., the binder naming a property from a variable without dashes
        if (property != null
                && name.getNumberOfElements() > 5
                && name.getElement(0, ConfigurationPropertyName.Form.UNIFORM).equals("abuseguard")
                && name.getElement(1, ConfigurationPropertyName.Form.UNIFORM).equals("origin")
                && name.getElement(2, ConfigurationPropertyName.Form.UNIFORM).equals("rules")
                && name.getElement(4, ConfigurationPropertyName.Form.UNIFORM).equals("apikeys")
                && (property.getOrigin() instanceof SystemEnvironmentOrigin
                        || (property.getSource() != null
                                && property.getSource().getUnderlyingSource()
                                        instanceof SystemEnvironmentPropertySource))) {
            throw new InvalidSettingException(
                    property.getName().toString(),
                    "comes from an environment variable (" + property.getOrigin() + "), whose name cannot spell an"
                            + " API key: Spring Boot reads the key lower-cased and each _ as a dot. Give api-keys in"
                            + " application.yml, a properties file or SPRING_APPLICATION_JSON, where a key keeps its"
                            + " spelling (write one holding a dot in brackets: \"[pk.live.1]\")");
        }
    }

    private boolean isUnread(String upper) {
        if (PREFIXES.stream().noneMatch(upper::startsWith) || read.contains(upper)) {
            return false;
        }
        if (upper.endsWith("_") && read.contains(upper.substring(0, upper.length() - 1))) {
            // a list index ending the name, _0_ as the warning advises: Spring reads it as [0] (probe71a F4)
            return false;
        }
        return skipped.stream().noneMatch(upper::startsWith);
    }

    /**
     * The environment variables Spring Boot reads for {@code name}: its elements in upper case joined by
     * {@code _}, once without dashes and once with dashes as {@code _}; an index as its number.
     */
    static List<String> variableNames(ConfigurationPropertyName name) {
        StringBuilder uniform = new StringBuilder();
        StringBuilder legacy = new StringBuilder();
        for (int i = 0; i < name.getNumberOfElements(); i++) {
            if (i > 0) {
                uniform.append('_');
                legacy.append('_');
            }
            uniform.append(
                    name.getElement(i, ConfigurationPropertyName.Form.UNIFORM).toUpperCase(Locale.ROOT));
            legacy.append(name.getElement(i, ConfigurationPropertyName.Form.ORIGINAL)
                    .replace('-', '_')
                    .replace('.', '_')
                    .toUpperCase(Locale.ROOT));
        }
        return List.of(uniform.toString(), legacy.toString());
    }
}
