package io.github.abuseguard.spring;

import io.github.abuseguard.config.Default;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;

/**
 * The {@link Default}s of a settings record, as the last source Spring's binder reads: for a name under
 * {@code root}, such as {@code abuse-guard.rate-limit.rules.api.limits[0].refill}, the default of the
 * record component it names, found by walking the record's type (a map's key and a list's index stand for
 * any entry). It lists no names, so it neither invents rules nor hides an unknown key from the strict
 * binding; it only fills in what the configuration leaves out, as the plain-servlet binder does.
 */
final class RecordDefaults implements ConfigurationPropertySource {

    private final ConfigurationPropertyName root;
    private final Class<?> type;

    RecordDefaults(ConfigurationPropertyName root, Class<?> type) {
        this.root = root;
        this.type = type;
    }

    @Override
    public @Nullable ConfigurationProperty getConfigurationProperty(ConfigurationPropertyName name) {
        if (walk(name) instanceof RecordComponent component) {
            Default given = component.getAnnotation(Default.class);
            if (given != null) {
                return new ConfigurationProperty(name, String.join(",", given.value()), null);
            }
            if (List.class.isAssignableFrom(component.getType())) {
                // an empty list, as the plain binder leaves it; and a record of lists only is still built
                return new ConfigurationProperty(name, "", null);
            }
        }
        return null;
    }

    @Override
    public ConfigurationPropertyState containsDescendantOf(ConfigurationPropertyName name) {
        // a nested settings record is built from its defaults even where nothing names it
        return walk(name) instanceof Type found && raw(found).isRecord()
                ? ConfigurationPropertyState.PRESENT
                : ConfigurationPropertyState.ABSENT;
    }

    /** The component {@code name} ends on (a leaf), the type it stands for (a record, map or list), or null. */
    private @Nullable Object walk(ConfigurationPropertyName name) {
        if (!root.equals(name) && !root.isAncestorOf(name)) {
            return null;
        }
        Type at = type;
        RecordComponent leaf = null;
        for (int i = root.getNumberOfElements(); i < name.getNumberOfElements(); i++) {
            Class<?> raw = raw(at);
            leaf = null;
            if (raw.isRecord()) {
                String element = name.getElement(i, ConfigurationPropertyName.Form.UNIFORM);
                for (RecordComponent component : raw.getRecordComponents()) {
                    if (component.getName().toLowerCase(Locale.ROOT).equals(element)) {
                        leaf = component;
                        at = component.getGenericType();
                    }
                }
                if (leaf == null) {
                    return null;
                }
            } else if (Map.class.isAssignableFrom(raw) && at instanceof ParameterizedType map) {
                at = map.getActualTypeArguments()[1];
            } else if (Map.class.isAssignableFrom(raw) && raw.getGenericSuperclass() instanceof ParameterizedType map) {
                // a section of named entries declared as a Map subclass, such as the servlet module's decoys
                at = map.getActualTypeArguments()[1];
            } else if (List.class.isAssignableFrom(raw) && at instanceof ParameterizedType list) {
                at = list.getActualTypeArguments()[0];
            } else {
                return null;
            }
        }
        return leaf != null && !raw(at).isRecord() ? leaf : at;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getRawType();
        }
        return type instanceof Class<?> c ? c : Object.class;
    }
}
