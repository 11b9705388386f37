package io.github.abuseguard.servlet;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.InvalidSettingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Loads {@code abuse-guard.*} settings from a YAML ({@code .yml}, {@code .yaml}) or properties file,
 * for applications without Spring Boot. YAML is read with SnakeYAML's safe constructor and flattened to
 * the same keys a properties file holds, so both bind through {@link AbuseGuardSettings#bind(Map)}.
 */
public final class SettingsFile {
    private static final String CLASSPATH = "classpath:";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]*)(?::([^}]*))?}");

    private SettingsFile() {}

    /**
     * Loads settings from a file path or a {@code classpath:} resource.
     *
     * <p>{@code ${NAME}} and {@code ${NAME:default}} in a value are resolved from the system property
     * {@code NAME}, else the environment variable {@code NAME} (the name exactly as written), else the
     * default; with none of them, or a nested placeholder ({@code ${A:${B}}}), the file fails to load,
     * naming the property. A decoy's {@code body} keeps its
     * placeholders: {@code ${uuid}} and {@code ${path}} are filled in per request.
     *
     * @throws IllegalArgumentException if the file cannot be read or parsed
     * @throws InvalidSettingException naming the key of an unknown property, a bad value or a placeholder
     *     that nothing resolves
     */
    public static AbuseGuardSettings load(String location, ClassLoader classLoader) {
        return load(location, classLoader, SettingsFile::variable);
    }

    /** As {@link #load(String, ClassLoader)}, with placeholders resolved from {@code variables}. */
    static AbuseGuardSettings load(
            String location, ClassLoader classLoader, Function<String, @Nullable String> variables) {
        try (InputStream in = open(location, classLoader)) {
            Map<String, String> flat;
            try {
                flat = location.endsWith(".properties") ? properties(in) : yaml(location, in);
                checkSpelledTwice(flat);
            } catch (SetTwice twice) {
                throw new IllegalArgumentException(
                        "abuse-guard configuration '" + location + "' " + twice.getMessage(), twice);
            }
            requireOwnSettings(location, flat, !location.endsWith(".properties"));
            flat.replaceAll((key, value) -> resolve(key, value, variables));
            return AbuseGuardSettings.bind(flat);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read abuse-guard configuration '" + location + "': " + e, e);
        }
    }

    /** Loads settings from a file. */
    public static AbuseGuardSettings load(Path file) {
        return load(file.toString(), SettingsFile.class.getClassLoader());
    }

    /**
     * Refuses a file that holds no setting, or a setting outside {@code abuse-guard.}: the file is abuse-guard's alone,
     * so a root misspelt ({@code abuse_guard:}, {@code abuseGuard:}), left out, or given a value ({@code
     * abuse-guard: 5}) would otherwise bind no rule at all, silently (probe46d F4), and a section indented out of the
     * root, or a second root beside it, would hold rules nothing reads (probe69a F1).
     */
    private static void requireOwnSettings(String location, Map<String, String> flat, boolean templates) {
        String prefix = AbuseGuardSettings.PREFIX + ".";
        if (flat.isEmpty()) {
            // a config map mounted empty, a truncated deploy: an unprotected application without a word (probe47c F7)
            throw new IllegalArgumentException("abuse-guard configuration '" + location
                    + "' holds no setting (empty, or comments only); write the settings under "
                    + AbuseGuardSettings.PREFIX
                    + ":, or leave the file out for the defaults");
        }
        if (flat.keySet().stream().noneMatch(key -> key.startsWith(prefix))) {
            throw new IllegalArgumentException("abuse-guard configuration '" + location + "' holds no " + prefix
                    + "* setting: its keys start "
                    + flat.keySet().stream().limit(3).toList()
                    + "; write every setting under " + AbuseGuardSettings.PREFIX + ":");
        }
        // one key under the root let every other root through unread (probe69a F1: `rate-limit:` at the root by an
        // indentation slip, or a second root spelt `abuse_guard:`, started the filter without the rules they held)
        List<String> foreign = flat.keySet().stream()
                // a template root holds anchors, which only YAML has (review121 F5: x- keys of a properties file)
                .filter(key -> !key.startsWith(prefix) && !(templates && key.startsWith(TEMPLATE_PREFIX)))
                .sorted()
                .limit(3)
                .toList();
        if (!foreign.isEmpty()) {
            throw new IllegalArgumentException("abuse-guard configuration '" + location + "' holds settings outside "
                    + AbuseGuardSettings.PREFIX + ": " + foreign + "; the file is abuse-guard's alone: write every"
                    + " setting under " + AbuseGuardSettings.PREFIX + ": (check the indentation of a section that"
                    + " should be under it; a YAML template kept for anchors goes under a root key starting x-)");
        }
    }

    /**
     * A root key of this prefix holds a YAML template the settings refer to by anchor ({@code x-limit: &limit {...}}, as
     * Compose files keep theirs), not settings: left unread (review117 F1).
     */
    private static final String TEMPLATE_PREFIX = "x-";

    private static @Nullable String variable(String name) {
        String property = System.getProperty(name);
        return property != null ? property : System.getenv(name);
    }

    private static String resolve(String key, String value, Function<String, @Nullable String> variables) {
        if (!key.startsWith(AbuseGuardSettings.PREFIX + ".") || isDecoyBody(key)) {
            return value;
        }
        Matcher placeholder = PLACEHOLDER.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (placeholder.find()) {
            String name = placeholder.group(1).strip();
            String found = name.isEmpty() ? null : variables.apply(name);
            if (found == null) {
                found = placeholder.group(2);
            }
            if (found == null) {
                throw new InvalidSettingException(
                        key,
                        placeholder.group() + " is not set: there is no system property or environment variable " + name
                                + ", and no default (${" + name + ":default})");
            }
            placeholder.appendReplacement(resolved, Matcher.quoteReplacement(found));
        }
        placeholder.appendTail(resolved);
        if (resolved.indexOf("${") >= 0) {
            // a nested default (${A:${B:x}}) or a stray ${ would otherwise stay as its own text
            throw new InvalidSettingException(
                    key,
                    "holds a ${...} this file cannot resolve: placeholders are ${NAME} or ${NAME:default},"
                            + " not nested");
        }
        return resolved.toString();
    }

    /**
     * Whether {@code key} binds a decoy's body, in any form the binder takes for it ({@code body},
     * {@code Body}, {@code decoys[name].body} ...): a form missed here would have its {@code ${path}}
     * resolved, to the {@code PATH} variable where the environment ignores case.
     */
    private static boolean isDecoyBody(String key) {
        String decoys = AbuseGuardSettings.PREFIX + ".decoys";
        if (!key.startsWith(decoys + ".") && !key.startsWith(decoys + "[")) {
            return false;
        }
        String last = key.substring(key.lastIndexOf('.') + 1);
        return last.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT).equals("body");
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

    /** A setting the file gives twice, which would replace the first silently. */
    private static final class SetTwice extends IllegalArgumentException {
        SetTwice(String key) {
            super("sets '" + key + "' twice: the second would replace the first");
        }
    }

    /**
     * Refuses a setting given twice in spellings the binder takes for one (review48 F6): a property name in another
     * case or with its dashes (`max-retry` and `maxRetry`, `capacity` and `Capacity`: the later won), or a list given
     * whole (`paths: /a,/b`) and by index (`paths[0]: /c`, which replaced it). The last segment is compared as the
     * binder reads a property name; the segments before it as written, since a rule's or decoy's name is a key
     * whose case counts.
     */
    private static void checkSpelledTwice(Map<String, String> flat) {
        Map<String, String> seen = new java.util.HashMap<>();
        java.util.Set<String> listed = new java.util.HashSet<>();
        for (String key : flat.keySet()) {
            int dot = key.lastIndexOf('.');
            String leaf = key.substring(dot + 1);
            String canonical = key.substring(0, dot + 1)
                    + leaf.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
            String earlier = seen.putIfAbsent(canonical, key);
            if (earlier != null) {
                throw new SetTwice(earlier + "' and '" + key);
            }
            int index = canonical.lastIndexOf('[');
            if (index > 0 && canonical.endsWith("]")) {
                listed.add(canonical.substring(0, index));
            }
        }
        for (String list : listed) {
            String whole = seen.get(list);
            if (whole != null) {
                throw new SetTwice(whole + "' whole and by index");
            }
        }
    }

    private static Map<String, String> properties(InputStream in) throws IOException {
        Properties properties = new Properties() {
            // a key written twice would replace the first silently, as in YAML (review47 F5)
            @Override
            public synchronized Object put(Object key, Object value) {
                if (containsKey(key)) {
                    throw new SetTwice(String.valueOf(key));
                }
                return super.put(key, value);
            }
        };
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> flat = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            flat.put(name, properties.getProperty(name));
        }
        return flat;
    }

    private static Map<String, String> yaml(String location, InputStream in) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(10);
        options.setCodePointLimit(1024 * 1024);
        // a key written twice would replace the first silently (a second rate-limit: dropped every rule,
        // probe46d F3); Spring Boot refuses such a file too
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        Map<String, String> flat = new LinkedHashMap<>();
        try {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Set<String> aliased = new HashSet<>();
            for (Event event : yaml.parse(new StringReader(text))) {
                if (event instanceof AliasEvent alias && alias.getAnchor() != null) {
                    aliased.add(alias.getAnchor());
                }
            }
            for (Node document : yaml.composeAll(new StringReader(text))) {
                requireTemplatesAnchored(location, document, aliased);
            }
            for (Object document : yaml.loadAll(new StringReader(text))) {
                flatten("", document, flat);
            }
        } catch (YAMLException e) {
            throw new IllegalArgumentException(
                    "abuse-guard configuration '" + location + "' is not valid YAML: " + e.getMessage(), e);
        }
        return flat;
    }

    /**
     * Refuses a value under a template root ({@code x-...}) that no aliased anchor holds: nothing refers to it, so it
     * is unread, and a block indented under such a root by a slip, or a root spelt {@code x-abuse-guard:} (anchored or
     * not: review121 F5), would start the filter without the rules it holds (review118 F4). A node whose anchor an
     * alias names may hold anything: the alias brings it where it is read, and a merge may override part of it.
     */
    private static void requireTemplatesAnchored(String location, @Nullable Node document, Set<String> aliased) {
        if (!(document instanceof MappingNode root)) {
            return;
        }
        for (NodeTuple entry : root.getValue()) {
            if (entry.getKeyNode() instanceof ScalarNode key && key.getValue().startsWith(TEMPLATE_PREFIX)) {
                String unanchored = unanchored(key.getValue(), entry.getValueNode(), aliased);
                if (unanchored != null) {
                    throw new IllegalArgumentException("abuse-guard configuration '" + location + "' holds '"
                            + unanchored + "' under the template root " + key.getValue() + ": outside an anchor"
                            + " (&name) an alias (*name) refers to, it is never read; write settings under "
                            + AbuseGuardSettings.PREFIX + ":, and a template as " + key.getValue()
                            + ": &name {...}");
                }
            }
        }
    }

    /** The path of the first value under {@code node} that no anchor holds, or {@code null} for none. */
    private static @Nullable String unanchored(String path, Node node, Set<String> aliased) {
        if (node.getAnchor() != null && aliased.contains(node.getAnchor())) {
            return null; // an alias brings it where it is read
        }
        if (node instanceof MappingNode map) {
            for (NodeTuple entry : map.getValue()) {
                String key = entry.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : "?";
                String found = unanchored(path + "." + key, entry.getValueNode(), aliased);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (node instanceof SequenceNode list) {
            List<Node> items = list.getValue();
            for (int i = 0; i < items.size(); i++) {
                String found = unanchored(path + "[" + i + "]", items.get(i), aliased);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        return node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL) ? null : path;
    }

    private static void flatten(String prefix, Object node, Map<String, String> into) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                String name = String.valueOf(key);
                // a key in brackets (`"[login.v2]":`, a name holding a dot) joins without a dot, as Spring's YAML
                // reader joins it (review117 F1)
                flatten(
                        prefix.isEmpty() ? name : name.startsWith("[") ? prefix + name : prefix + "." + name,
                        value,
                        into);
            });
        } else if (node instanceof List<?> list && !list.isEmpty()) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i), into);
            }
        } else if (!prefix.isEmpty()) {
            // an empty list or a null value is an empty value, as Spring Boot reads YAML: refused where a
            // value is needed, never silently the default (paths: ~ would otherwise mean every path)
            String value = node == null || node instanceof List<?> ? "" : String.valueOf(node);
            if (into.putIfAbsent(prefix, value) != null) {
                // the same setting in two documents (---), or as a dotted key and nested: the later replaced the
                // earlier, a list in part (review47 F5: paths [/a, /b] then [/c] loaded as [/c, /b])
                throw new SetTwice(prefix);
            }
        }
    }
}
