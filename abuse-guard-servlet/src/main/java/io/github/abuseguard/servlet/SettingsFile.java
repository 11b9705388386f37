package io.github.abuseguard.servlet;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Loads {@code abuse-guard.*} settings from a YAML ({@code .yml}, {@code .yaml}) or properties file,
 * for applications without Spring Boot. YAML is read with SnakeYAML's safe constructor and flattened to
 * the same keys a properties file holds, so both bind through {@link AbuseGuardSettings#bind(Map)}.
 */
public final class SettingsFile {
    private static final String CLASSPATH = "classpath:";

    private SettingsFile() {}

    /**
     * Loads settings from a file path or a {@code classpath:} resource.
     *
     * @throws IllegalArgumentException if the file cannot be read or parsed
     * @throws InvalidSettingException naming the key of an unknown property or bad value
     */
    public static AbuseGuardSettings load(String location, ClassLoader classLoader) {
        try (InputStream in = open(location, classLoader)) {
            Map<String, String> flat = location.endsWith(".properties") ? properties(in) : yaml(location, in);
            return AbuseGuardSettings.bind(flat);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read abuse-guard configuration '" + location + "': " + e, e);
        }
    }

    /** Loads settings from a file. */
    public static AbuseGuardSettings load(Path file) {
        return load(file.toString(), SettingsFile.class.getClassLoader());
    }

    private static InputStream open(String location, ClassLoader classLoader) throws IOException {
        if (location.startsWith(CLASSPATH)) {
            String resource = location.substring(CLASSPATH.length()).replaceFirst("^/", "");
            InputStream in = (classLoader == null ? SettingsFile.class.getClassLoader() : classLoader)
                    .getResourceAsStream(resource);
            if (in == null) {
                throw new IOException("no class-path resource " + resource);
            }
            return in;
        }
        return Files.newInputStream(Path.of(location));
    }

    private static Map<String, String> properties(InputStream in) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> flat = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            flat.put(name, properties.getProperty(name));
        }
        return flat;
    }

    private static Map<String, String> yaml(String location, InputStream in) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(10);
        options.setCodePointLimit(1024 * 1024);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        Map<String, String> flat = new LinkedHashMap<>();
        try {
            for (Object document : yaml.loadAll(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                flatten("", document, flat);
            }
        } catch (YAMLException e) {
            throw new IllegalArgumentException(
                    "abuse-guard configuration '" + location + "' is not valid YAML: " + e.getMessage(), e);
        }
        return flat;
    }

    private static void flatten(String prefix, Object node, Map<String, String> into) {
        if (node instanceof Map<?, ?> map) {
            map.forEach(
                    (key, value) -> flatten(prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key, value, into));
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i), into);
            }
        } else if (node != null && !prefix.isEmpty()) {
            into.put(prefix, String.valueOf(node));
        }
    }
}
