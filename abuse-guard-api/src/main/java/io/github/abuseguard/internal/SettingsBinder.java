package io.github.abuseguard.internal;

import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.Default;
import io.github.abuseguard.config.EngineSettings;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.config.SettingsSection;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds flat {@code abuse-guard.*} properties, as a properties file or a flattened YAML document holds
 * them, into {@link AbuseGuardSettings}, with the conventions Spring Boot users know: kebab-case names,
 * {@code [i]} list indexes or comma-separated lists, map keys as name segments, durations such as
 * {@code 500ms}, {@code 5m} or {@code PT5M}, enums in any case with {@code -} for {@code _}.
 *
 * <p>Keys under a section that a module contributes ({@link SettingsSection}, {@link GuardFactory}, found
 * with {@link java.util.ServiceLoader}) bind into that section's settings object; the rest into the
 * engine's own properties. A key that names no property, or a value that does not convert, raises an
 * {@link InvalidSettingException} naming the key. Keys outside {@code abuse-guard.} are ignored.
 */
public final class SettingsBinder {

    private static final Logger log = LoggerFactory.getLogger(SettingsBinder.class);

    private static final Pattern DURATION = Pattern.compile("^([+-]?\\d+)(ns|us|ms|s|m|h|d)?$");

    private static final Pattern BARE_NUMBER = Pattern.compile("[+-]?\\d+");
    private static final Pattern TOKEN = Pattern.compile("([^.\\[\\]]+)|\\[([^\\]]*)\\]");
    /** A list index as written in the canonical form: no sign, no leading zero. */
    private static final Pattern LIST_INDEX = Pattern.compile("0|[1-9]\\d*");

    private SettingsBinder() {}

    /**
     * Binds every {@code abuse-guard.*} entry of {@code properties} into new settings. Pass an ordered
     * map to keep the order of rules.
     */
    public static AbuseGuardSettings bind(Map<String, String> properties) {
        return bind(properties, new AbuseGuardSettings());
    }

    /**
     * A settings record holding only defaults: each component's {@link Default}, or else zero, empty or
     * {@code null} (see {@link Default}).
     *
     * @throws InvalidSettingException if a default does not convert, or the record refuses its defaults
     */
    public static <R extends Record> R defaults(Class<R> type) {
        return type.cast(new Draft(type, null).build(type.getSimpleName()));
    }

    /** Binds every {@code abuse-guard.*} entry of {@code properties} into {@code settings}, and returns it. */
    public static AbuseGuardSettings bind(Map<String, String> properties, AbuseGuardSettings settings) {
        String prefix = AbuseGuardSettings.PREFIX + ".";
        Binding started = new Binding();
        // record sections are bound into drafts, built once every property is in
        Map<String, Draft> drafts = new LinkedHashMap<>();
        Draft engine = new Draft(EngineSettings.class, settings.engine());
        // In the source's order, so that rules keep the order a YAML document gives them.
        properties.forEach((key, value) -> {
            if (key != null && key.startsWith(prefix)) {
                bindOne(settings, key, key.substring(prefix.length()), value, started, drafts, engine);
            }
        });
        drafts.forEach(
                (name, draft) -> settings.replaceSection(name, draft.build(AbuseGuardSettings.PREFIX + "." + name)));
        for (SettingsSection<?> section : settings.sectionTypes()) {
            // a section of named entries (a Map subclass, such as the servlet module's decoys) holding records
            if (settings.section(section.name()) instanceof Map<?, ?> entries) {
                @SuppressWarnings("unchecked")
                Map<Object, @Nullable Object> named = (Map<Object, @Nullable Object>) entries;
                String path = AbuseGuardSettings.PREFIX + "." + section.name();
                named.replaceAll((key, value) -> Draft.finish(path + "." + key, value));
            }
        }
        settings.replaceEngine((EngineSettings) engine.build(AbuseGuardSettings.PREFIX));
        checkBound(settings.engine(), AbuseGuardSettings.PREFIX);
        for (SettingsSection<?> section : settings.sectionTypes()) {
            checkBound(settings.section(section.name()), AbuseGuardSettings.PREFIX + "." + section.name());
        }
        return settings;
    }

    /** What one binding has done so far, across its keys. */
    private static final class Binding {
        /** The lists it started: a list bound by index replaces its default whole, as Spring's binder does. */
        final Set<Object> lists = Collections.newSetFromMap(new IdentityHashMap<>());
        /** The key that wrote each value, by the record, list or map holding it and the value's slot there. */
        private final Map<Object, Map<String, String>> writers = new IdentityHashMap<>();

        /**
         * Notes that {@code key} writes the value in {@code slot} of {@code container} (a record's component, a list's
         * index, a map's key): a second key that writes it, spelt otherwise somewhere along its path
         * ({@code limits[0].capacity} and {@code Limits[0].capacity}, {@code rules.login.paths[0]} and
         * {@code Rules.login.paths[0]}, {@code api-keys.k1} and {@code apiKeys.k1}, {@code rules.login} and
         * {@code rules[login]}), is one setting given twice, of which the later would silently win (review117 F2,
         * review118 F1).
         */
        void write(Object container, String slot, String key) {
            note(container, slot, key, key);
        }

        /** The key a writer was noted under, as written: a list set by index without its {@code []} mark. */
        private static String spelt(String writer) {
            return writer.endsWith("[]") ? writer.substring(0, writer.length() - 2) : writer;
        }

        /**
         * Notes that {@code key} sets an item of the list in {@code slot} of {@code container}, reached as {@code
         * list}: the list set whole by another key, or by index under another spelling of its path, is one setting
         * given twice ({@code api-keys.k1=...} beside {@code apiKeys.k1[0]=...}: review119 F2). Written under the list's
         * own spelling with {@code []}, so its items by one spelling never clash, while the list set whole under that
         * very spelling does ({@code paths=/a} beside {@code paths[0]=/b}: review120 F7, the later won silently).
         */
        void index(Object container, String slot, String list, String key) {
            note(container, slot, list + "[]", key);
        }

        /** Notes {@code writer} as what sets {@code slot} of {@code container}; another one there refuses {@code key}. */
        private void note(Object container, String slot, String writer, String key) {
            String earlier = writers.computeIfAbsent(container, c -> new java.util.HashMap<>())
                    .putIfAbsent(slot, writer);
            if (earlier != null && !earlier.equals(writer)) {
                throw new InvalidSettingException(
                        key, "sets what '" + spelt(earlier) + "' sets: one setting given twice");
            }
        }
    }

    /** Binds one key into the section it falls in, the longest section name that prefixes it, or the root. */
    private static void bindOne(
            AbuseGuardSettings settings,
            String fullKey,
            String path,
            String value,
            Binding started,
            Map<String, Draft> drafts,
            Draft engine) {
        String longest = null;
        for (SettingsSection<?> section : settings.sectionTypes()) {
            String name = section.name();
            if (path.startsWith(name)
                    && (path.length() == name.length()
                            || path.charAt(name.length()) == '.'
                            || path.charAt(name.length()) == '[')
                    && (longest == null || name.length() > longest.length())) {
                longest = name;
            }
        }
        if (longest == null) {
            InvalidSettingException missing = missingModule(fullKey, path);
            if (missing != null) {
                throw missing;
            }
            bindOne(engine, fullKey, path, value, sectionNames(settings), started);
            return;
        }
        if (path.length() == longest.length()) {
            if (value == null || value.isBlank()) {
                return; // an empty section, such as a YAML section whose entries are all commented out
            }
            throw new InvalidSettingException(fullKey, "needs nested properties, not a value");
        }
        int from = path.charAt(longest.length()) == '.' ? longest.length() + 1 : longest.length();
        Object section = settings.section(longest);
        if (section instanceof Record current) {
            section = drafts.computeIfAbsent(longest, name -> new Draft(current.getClass(), current));
        }
        bindOne(section, fullKey, path.substring(from), value, List.of(), started);
    }

    /** The class of each section {@link #MODULE_SECTIONS} names, as its module lists it in its service file. */
    private static final Map<String, String> MODULE_SECTION_CLASSES = Map.of(
            "store.redis", "io.github.abuseguard.redis.RedisSettings$Section",
            "proof", "io.github.abuseguard.servlet.ProofSettings$Section",
            "decoys", "io.github.abuseguard.servlet.DecoySettings$Section",
            "responses", "io.github.abuseguard.servlet.ResponseSettings$Section",
            "tarpit", "io.github.abuseguard.servlet.TarpitSettings$Section",
            "body", "io.github.abuseguard.servlet.BodySettings$Section");

    /** Whether {@code className} is on the class path (not initialised). */
    private static boolean loads(String className) {
        try {
            Class.forName(className, false, SettingsBinder.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    /** The sections this project's modules contribute, by the artifact id of the module. */
    private static final Map<String, String> MODULE_SECTIONS = Map.of(
            "store.redis", "abuse-guard-redis",
            "proof", "abuse-guard-servlet",
            "decoys", "abuse-guard-servlet",
            "responses", "abuse-guard-servlet",
            "tarpit", "abuse-guard-servlet",
            "body", "abuse-guard-servlet");

    /**
     * The refusal of a key under a section that one of this project's modules contributes, when no section
     * on the class path took it: the module is missing, and the error names the dependency to add (cfgrest 6:
     * {@code abuse-guard.store.redis.uri} without {@code abuse-guard-redis} was only an unknown property).
     * {@code null} for any other key. Both bindings ask it, for a key no section holds.
     *
     * @param key the full property name, such as {@code abuse-guard.store.redis.uri}
     * @param path {@code key} below {@code abuse-guard.}
     */
    public static @Nullable InvalidSettingException missingModule(String key, String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> section : MODULE_SECTIONS.entrySet()) {
            String name = section.getKey();
            if (lower.equals(name) || lower.startsWith(name + ".") || lower.startsWith(name + "[")) {
                if (loads(MODULE_SECTION_CLASSES.get(name))) {
                    // user76 F1: a fat jar that kept another module's service list: the module is there
                    return new InvalidSettingException(
                            key,
                            "is a setting of " + AbuseGuardSettings.PREFIX + "." + name + ", whose module "
                                    + section.getValue() + " is on the class path but not listed in its"
                                    + " META-INF/services/io.github.abuseguard.config.SettingsSection: a fat jar must"
                                    + " merge the modules' service files (maven-shade-plugin's"
                                    + " ServicesResourceTransformer, Gradle shadow's mergeServiceFiles())");
                }
                return new InvalidSettingException(
                        key,
                        "is a setting of " + AbuseGuardSettings.PREFIX + "." + name + ", which the module "
                                + section.getValue() + " contributes, and it is not on the class path; add the"
                                + " dependency io.github.abuseguard:" + section.getValue());
            }
        }
        return null;
    }

    /**
     * The names known right under {@code abuse-guard}: the engine's properties and the top-level sections of
     * {@code settings}, each as a property is spelt ({@code client-signals}).
     */
    public static List<String> knownAtRoot(AbuseGuardSettings settings) {
        List<String> known = new ArrayList<>(componentNames(EngineSettings.class));
        known.addAll(sectionNames(settings));
        return known;
    }

    /** The names of a settings record's components, as properties spell them ({@code top-clients}). */
    public static List<String> componentNames(Class<? extends Record> type) {
        List<String> names = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            names.add(kebab(component.getName()));
        }
        return names;
    }

    private static List<String> sectionNames(AbuseGuardSettings settings) {
        List<String> names = new ArrayList<>();
        for (SettingsSection<?> section : settings.sectionTypes()) {
            if (!section.name().contains(".")) {
                names.add(section.name());
            }
        }
        return names;
    }

    /**
     * Refuses what binding let through but nothing could use. A list bound by index,
     * {@code trusted-proxies[1]} without {@code [0]}, has a hole that would surface later as a
     * {@code NullPointerException} far from the property that caused it. A secret still holding a
     * placeholder is checked by {@link #refuseUnresolvedSecret}.
     */
    private static void checkBound(Object target, String path) {
        if (target instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) == null) {
                    throw new InvalidSettingException(
                            path + "[" + i + "]", "is missing: a list bound by index must have no gaps");
                }
                checkBound(list.get(i), path + "[" + i + "]");
            }
        } else if (target instanceof Map<?, ?> map) {
            map.forEach((key, value) -> checkBound(value, path + "." + key));
        } else if (target instanceof Record record) {
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                checkBound(read(path, component, record), path + "." + kebab(component.getName()));
            }
        } else if (target instanceof String text) {
            refuseUnresolvedSecret(path, text);
        } else if (target != null && isSettingsBean(target.getClass())) {
            for (Method getter : target.getClass().getMethods()) {
                if (getter.getParameterCount() == 0
                        && getter.getName().startsWith("get")
                        && !getter.getName().equals("getClass")) {
                    try {
                        checkBound(
                                getter.invoke(target),
                                path + "." + kebab(getter.getName().substring(3)));
                    } catch (IllegalAccessException | InvocationTargetException e) {
                        throw new InvalidSettingException(path, "cannot be read: " + e);
                    }
                }
            }
        }
    }

    /**
     * Refuses a secret (a property whose name says {@code secret} or {@code password}, such as
     * {@code bounce-notifications.secret} or {@code store.redis.key-secret}) that still holds a
     * {@code ${...}} placeholder. Spring Boot leaves a placeholder it cannot resolve, an environment
     * variable that is not set, as its own text, which would then be a secret anyone who read the
     * configuration knows. Nothing else is checked: a decoy's body uses {@code ${uuid}} on purpose.
     *
     * @param key the full property name, such as {@code abuse-guard.proof.secret}
     * @param value the value bound, after placeholders were resolved
     * @throws InvalidSettingException naming {@code key}, and the placeholder but not the rest of the value
     */
    public static void refuseUnresolvedSecret(String key, @Nullable Object value) {
        if (!(value instanceof String text) || !isSecret(key)) {
            return;
        }
        int start = text.indexOf("${");
        if (start >= 0) {
            int end = text.indexOf('}', start);
            String placeholder = end < 0 ? text.substring(start) : text.substring(start, end + 1);
            throw new InvalidSettingException(
                    key,
                    "holds the unresolved placeholder " + placeholder
                            + "; set what it names, or the secret itself (an unresolved placeholder is never a secret)");
        }
    }

    private static boolean isSecret(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return last.contains("secret") || last.contains("password");
    }

    /**
     * Whether a property of this type takes one value (a string, a number, a duration ...), so that
     * {@code name[0]} or {@code name.more} under it can only be a mistake, such as a YAML list written
     * for it.
     */
    public static boolean isSingleValue(Class<?> type) {
        return type.isPrimitive()
                || type.isEnum()
                || (type.getName().startsWith("java.")
                        && type != Object.class
                        && !Iterable.class.isAssignableFrom(type)
                        && !Map.class.isAssignableFrom(type)
                        && !type.isArray());
    }

    private static boolean holdsNamedProperties(Class<?> type) {
        return Map.class.isAssignableFrom(type) || type.isRecord() || isSettingsBean(type);
    }

    private static boolean isSettingsBean(Class<?> type) {
        return !type.isEnum() && !type.isPrimitive() && !type.getName().startsWith("java.");
    }

    private static void bindOne(
            Object root, String fullKey, String path, String value, List<String> moreKnown, Binding started) {
        List<String> tokens = new ArrayList<>();
        // where each token ends in fullKey, to name the property a token belongs to
        List<Integer> ends = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(path);
        int expected = 0;
        while (matcher.find()) {
            // the canonical form only: a name after a dot (none before the first), an index right after what it
            // indexes; a doubled dot or a name glued to `]` was bound as if canonical, beside the canonical spelling
            // of the same setting, so neither the duplicate check nor the binder told (probe69a F3)
            boolean name = matcher.group(1) != null;
            boolean canonical = !name || tokens.isEmpty()
                    ? matcher.start() == expected
                    : matcher.start() == expected + 1 && path.charAt(expected) == '.';
            if (!canonical) {
                throw new InvalidSettingException(fullKey, "malformed property name");
            }
            tokens.add(name ? matcher.group(1) : "[" + matcher.group(2) + "]");
            expected = matcher.end();
            ends.add(fullKey.length() - path.length() + expected);
        }
        if (tokens.isEmpty() || expected != path.length()) {
            throw new InvalidSettingException(fullKey, "malformed property name");
        }
        Object target = root;
        Type targetType = root.getClass();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            boolean last = i == tokens.size() - 1;
            if (target instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> entries = (Map<String, Object>) map;
                String mapKey = unbracket(token);
                Type valueType = typeArgument(targetType, 1);
                if (last) {
                    if (rawClass(valueType) == List.class || rawClass(valueType) == String.class) {
                        started.write(entries, mapKey, fullKey);
                        entries.put(mapKey, convert(fullKey, value, valueType));
                        return;
                    }
                    throw new InvalidSettingException(fullKey, "'" + mapKey + "' needs properties of its own");
                }
                Object next = entries.computeIfAbsent(mapKey, k -> instantiate(fullKey, valueType));
                if (next instanceof List<?>) {
                    started.index(entries, mapKey, fullKey.substring(0, ends.get(i)), fullKey);
                }
                if (next instanceof Record current) {
                    next = new Draft(current.getClass(), current);
                    entries.put(mapKey, next);
                }
                target = next;
                targetType = valueType;
            } else if (target instanceof List<?> list) {
                @SuppressWarnings("unchecked")
                List<Object> items = (List<Object>) list;
                Type itemType = typeArgument(targetType, 0);
                int index = index(fullKey, token);
                // gaps stay null, and are refused once every property is bound
                while (items.size() <= index) {
                    items.add(null);
                }
                if (last) {
                    started.write(items, String.valueOf(index), fullKey);
                    items.set(index, convert(fullKey, value, itemType));
                    return;
                }
                if (items.get(index) == null) {
                    items.set(index, instantiate(fullKey, itemType));
                }
                if (items.get(index) instanceof Record current) {
                    items.set(index, new Draft(current.getClass(), current));
                }
                target = items.get(index);
                targetType = itemType;
            } else {
                List<String> known = target == root ? moreKnown : List.of();
                Property property = target instanceof Draft draft
                        ? draft.property(fullKey, token, known)
                        : property(fullKey, target.getClass(), token, known);
                if (last) {
                    if ((value == null || value.isBlank()) && holdsNamedProperties(rawClass(property.type()))) {
                        return; // nothing set in it, such as a YAML map whose entries are all commented out
                    }
                    if (property instanceof ComponentProperty component) {
                        started.write(target, component.component().getName(), fullKey);
                    }
                    property.set(fullKey, target, convert(fullKey, value, property.type()));
                    return;
                }
                if (isSingleValue(rawClass(property.type()))) {
                    throw new InvalidSettingException(
                            fullKey.substring(0, ends.get(i)),
                            tokens.get(i + 1).startsWith("[")
                                    ? "takes one value, but a list was given (" + fullKey + ")" + joinedHint(token)
                                    : "takes one value, not nested properties (" + fullKey + ")");
                }
                Object next = property.get(fullKey, target);
                if (next == null) {
                    next = instantiate(fullKey, property.type());
                    property.set(fullKey, target, next);
                }
                if (next instanceof List<?> && !started.lists.contains(next)) {
                    next = new ArrayList<>();
                    property.set(fullKey, target, next);
                    started.lists.add(next);
                }
                if (next instanceof List<?> && property instanceof ComponentProperty component) {
                    started.index(target, component.component().getName(), fullKey.substring(0, ends.get(i)), fullKey);
                }
                target = next;
                targetType = property.type();
            }
        }
    }

    private static Object convert(String key, String raw, Type type) {
        String value = raw == null ? "" : raw.trim();
        Class<?> rawType = rawClass(type);
        try {
            if (rawType == String.class) {
                return value;
            }
            if (rawType == int.class || rawType == Integer.class) {
                return Integer.parseInt(value.replace("_", ""));
            }
            if (rawType == double.class || rawType == Double.class) {
                double number = Double.parseDouble(value);
                if (!Double.isFinite(number)) {
                    // NaN compares false with everything: a NaN threshold would never trip
                    throw new InvalidSettingException(key, "'" + raw + "' is not a finite number");
                }
                return number;
            }
            if (rawType == long.class || rawType == Long.class) {
                return Long.parseLong(value.replace("_", ""));
            }
            if (rawType == boolean.class || rawType == Boolean.class) {
                if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(value);
                }
                throw new InvalidSettingException(key, "'" + raw + "' is not true or false");
            }
            if (rawType == Duration.class) {
                warnIfUnitless(key, value);
                return duration(key, value);
            }
            if (rawType.isEnum()) {
                return enumValue(key, rawType, value);
            }
            if (rawType == List.class) {
                Type itemType = typeArgument(type, 0);
                List<Object> items = new ArrayList<>();
                if (!value.isEmpty()) {
                    for (String part : value.split(",")) {
                        items.add(convert(key, part, itemType));
                    }
                }
                return items;
            }
        } catch (NumberFormatException e) {
            String kind = rawType == double.class || rawType == Double.class ? "number" : "whole number";
            throw new InvalidSettingException(key, "'" + raw + "' is not a " + kind + " in range");
        }
        throw new InvalidSettingException(key, "needs nested properties, not a value" + switchHint(key, rawType, raw));
    }

    /**
     * For a section switched on or off by a value ({@code under-attack: true}, as the annotation's flag reads), the
     * property that does it ({@code under-attack.enabled: true}; user74 F3); else nothing.
     */
    private static String switchHint(String key, Class<?> type, String value) {
        String flag = value.strip();
        if (!type.isRecord() || !(flag.equalsIgnoreCase("true") || flag.equalsIgnoreCase("false"))) {
            return "";
        }
        for (RecordComponent component : type.getRecordComponents()) {
            if (component.getName().equals("enabled")) {
                return ": write " + key + ".enabled: " + flag.toLowerCase(Locale.ROOT);
            }
        }
        return "";
    }

    /**
     * How a list's items are written in the one value a property takes, where it reads several (user74 F3: {@code
     * statuses: [401, 403]} was refused bare): statuses joined by commas, a key's parts by {@code +} (review137 F9: the
     * comma hint, followed, failed again); nothing for a property that takes one item.
     */
    private static String joinedHint(String token) {
        String name = token.toLowerCase(Locale.ROOT);
        if (name.equals("statuses") || name.equals("refund-statuses") || name.equals("refundstatuses")) {
            return ": write the statuses in one value, joined by commas, such as " + token + ": 401,403";
        }
        if (name.equals("key") || name.equals("distinct")) {
            return ": join a key's parts with +, such as " + token + ": ip+body:/username";
        }
        return "";
    }

    /**
     * The property an annotation attribute's name stands for where it is no property of the same name (user74 F3: the
     * {@code @FailureLimit} attribute {@code countRequests} is {@code counting: requests}); {@code ""} for any other.
     */
    private static String attributeHint(String token) {
        String wanted = token.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
        return wanted.equals("countrequests") ? "; @FailureLimit's countRequests is written counting: requests" : "";
    }

    /**
     * Warns, naming the property, when a duration is written as a bare number other than 0: read as
     * milliseconds by Spring Boot's convention, which this binder follows, it is a thousand times shorter than
     * the seconds that users of other rate limiters and of fail2ban mean, and for a period, ban or window the
     * mistake always goes the unsafe way (cfg24 F13). {@code raw} is the value as written, text or (from YAML) a
     * number; anything else is left alone.
     */
    public static void warnIfUnitless(String key, @Nullable Object raw) {
        if (!(raw instanceof String) && !(raw instanceof Number)) {
            return;
        }
        String text = raw.toString().strip();
        if (isUnitless(text)) {
            log.warn(
                    "{}: '{}' has no unit, so it is {} milliseconds; write '{}ms' if that is meant, or the unit you"
                            + " mean ('{}s', '{}m')",
                    key,
                    text,
                    text,
                    text,
                    text,
                    text);
        }
    }

    /**
     * Whether a duration is written as a bare number other than 0, such as {@code 60}: milliseconds by
     * Spring Boot's convention, which this binder follows, while users of other rate limiters mean seconds.
     */
    public static boolean isUnitless(String value) {
        String text = value.strip();
        return BARE_NUMBER.matcher(text).matches()
                && !text.replaceFirst("^[+-]", "").matches("0+");
    }

    /**
     * A duration in Spring Boot's simple ({@code 10s}, {@code 5m}; plain numbers are milliseconds) or
     * ISO-8601 form.
     *
     * @throws InvalidSettingException naming {@code key} if the value is not a duration, or is longer
     *     than a {@code long} of nanoseconds holds (about 292 years; such as {@code 9223372036854775807m})
     */
    public static Duration duration(String key, String value) {
        Duration duration = parseDuration(key, value);
        try {
            // every duration is used as nanoseconds somewhere (Bucket4j periods, store TTLs, intervals)
            duration.toNanos();
            return duration;
        } catch (ArithmeticException e) {
            throw tooLong(key, value);
        }
    }

    /** The refusal of a duration longer than a {@code long} of nanoseconds holds, for both bindings to say the same. */
    public static InvalidSettingException tooLong(String key, Object value) {
        return new InvalidSettingException(key, "'" + value + "' is longer than 292 years");
    }

    private static Duration parseDuration(String key, String value) {
        Matcher simple = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        try {
            if (simple.matches()) {
                long amount = Long.parseLong(simple.group(1));
                String unit = simple.group(2) == null ? "ms" : simple.group(2);
                return switch (unit) {
                    case "ns" -> Duration.ofNanos(amount);
                    case "us" -> Duration.ofNanos(Math.multiplyExact(amount, 1000L));
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            return Duration.parse(value);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidSettingException(key, "'" + value + "' is longer than 292 years");
        } catch (DateTimeParseException e) {
            throw new InvalidSettingException(
                    key, "'" + value + "' is not a duration; write it as 500ms, 30s, 5m, 1h, 1d or PT5M");
        }
    }

    private static Object enumValue(String key, Class<?> type, String value) {
        String wanted = value.replace('-', '_').toUpperCase(Locale.ROOT);
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equals(wanted)) {
                return constant;
            }
        }
        throw notOneOf(key, type, value);
    }

    /**
     * The refusal of {@code value} for the enum-typed property {@code key}, listing the values it takes as they
     * are written in configuration ({@code fail-open}), for the Spring binding to say the same (cfg24 F9).
     */
    public static InvalidSettingException notOneOf(String key, Class<?> type, String value) {
        List<String> names = new ArrayList<>();
        for (Object constant : type.getEnumConstants()) {
            names.add(((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return new InvalidSettingException(key, "'" + value + "' is not one of " + names);
    }

    private static Object instantiate(String key, Type type) {
        Class<?> rawType = rawClass(type);
        if (rawType == List.class) {
            return new ArrayList<>();
        }
        if (rawType == Map.class) {
            return new LinkedHashMap<>();
        }
        if (rawType.isRecord()) {
            return new Draft(rawType, null);
        }
        try {
            return rawType.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new InvalidSettingException(key, "cannot hold nested properties");
        }
    }

    private static Property property(String key, Class<?> type, String token, List<String> moreKnown) {
        String wanted = token.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
        List<String> known = new ArrayList<>();
        for (Method method : type.getMethods()) {
            String name = method.getName();
            String property = null;
            if (name.startsWith("get")
                    && name.length() > 3
                    && method.getParameterCount() == 0
                    && !name.equals("getClass")) {
                property = name.substring(3);
            } else if (name.startsWith("is") && name.length() > 2 && method.getParameterCount() == 0) {
                property = name.substring(2);
            }
            if (property == null) {
                continue;
            }
            known.add(kebab(property));
            if (property.toLowerCase(Locale.ROOT).equals(wanted)) {
                Method setter = null;
                for (Method candidate : type.getMethods()) {
                    if (candidate.getName().equals("set" + property) && candidate.getParameterCount() == 1) {
                        setter = candidate;
                    }
                }
                return new BeanProperty(method, setter, method.getGenericReturnType());
            }
        }
        known.addAll(moreKnown);
        known.sort(null);
        throw new InvalidSettingException(
                key, "unknown property '" + token + "'" + Spelling.suggestion(token, known) + attributeHint(token));
    }

    private static String kebab(String camel) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    out.append('-');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int index(String key, String token) {
        if (!token.startsWith("[")) {
            throw new InvalidSettingException(key, "'" + token + "' must be a list index such as [0]");
        }
        String digits = unbracket(token);
        if (!LIST_INDEX.matcher(digits).matches()) {
            // [00] and [+0] are [0] to a number parser but another key to the duplicate check (probe69a F2)
            throw new InvalidSettingException(key, "'" + token + "' is not a list index: write [0], [1], ...");
        }
        try {
            int index = Integer.parseInt(digits);
            if (index < 0 || index > 999) {
                throw new InvalidSettingException(key, "list index must be between 0 and 999");
            }
            return index;
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(key, "'" + token + "' is not a list index");
        }
    }

    private static String unbracket(String token) {
        return token.startsWith("[") ? token.substring(1, token.length() - 1) : token;
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType parameterized) {
            return parameterized.getActualTypeArguments()[index];
        }
        if (type instanceof Class<?> c && c.getGenericSuperclass() instanceof ParameterizedType parameterized) {
            // a section of named entries declared as a Map subclass, such as the servlet module's decoys
            return parameterized.getActualTypeArguments()[index];
        }
        return String.class;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getRawType();
        }
        return Object.class;
    }

    private static @Nullable Object read(String key, RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new InvalidSettingException(key, "cannot be read: " + e);
        }
    }

    /**
     * A settings record being bound: the values bound so far, by component, over those of {@code seed}
     * (the record it stands for, if any); {@link #build} makes the record once every property is in, with
     * the {@link Default}s of what is still missing.
     */
    private static final class Draft {
        private final Class<?> type;
        private final @Nullable Record seed;
        private final Map<String, @Nullable Object> values = new LinkedHashMap<>();

        Draft(Class<?> type, @Nullable Record seed) {
            this.type = type;
            this.seed = seed;
        }

        Property property(String key, String token, List<String> moreKnown) {
            String wanted = token.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
            List<String> known = new ArrayList<>(moreKnown);
            for (RecordComponent component : type.getRecordComponents()) {
                if (component.getName().toLowerCase(Locale.ROOT).equals(wanted)) {
                    return new ComponentProperty(component);
                }
                known.add(kebab(component.getName()));
            }
            known.sort(null);
            throw new InvalidSettingException(
                    key, "unknown property '" + token + "'" + Spelling.suggestion(token, known) + attributeHint(token));
        }

        /** The component's value so far, made mutable where binding goes on below it. */
        @Nullable
        Object current(String key, RecordComponent component) {
            String name = component.getName();
            if (!values.containsKey(name) && seed != null) {
                Object value = read(key, component, seed);
                if (value instanceof Map<?, ?> map) {
                    value = new LinkedHashMap<>(map);
                } else if (value instanceof Record record) {
                    value = new Draft(record.getClass(), record);
                }
                values.put(name, value);
            }
            return values.get(name);
        }

        Record build(String path) {
            RecordComponent[] components = type.getRecordComponents();
            Object[] arguments = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                RecordComponent component = components[i];
                String at = path + "." + kebab(component.getName());
                types[i] = component.getType();
                if (values.containsKey(component.getName())) {
                    arguments[i] = finish(at, values.get(component.getName()));
                } else if (seed != null) {
                    arguments[i] = read(at, component, seed);
                } else {
                    arguments[i] = defaultOf(at, component);
                }
            }
            try {
                return (Record) type.getDeclaredConstructor(types).newInstance(arguments);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof InvalidSettingException invalid) {
                    throw invalid;
                }
                if (e.getCause() instanceof IllegalArgumentException | e.getCause() instanceof NullPointerException) {
                    throw new InvalidSettingException(path, e.getCause().getMessage());
                }
                throw new InvalidSettingException(path, "cannot be built: " + e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new InvalidSettingException(path, "cannot be built: " + e);
            }
        }

        private static @Nullable Object defaultOf(String key, RecordComponent component) {
            Default given = component.getAnnotation(Default.class);
            Class<?> raw = component.getType();
            if (given != null) {
                return convert(key, String.join(",", given.value()), component.getGenericType());
            }
            if (raw == boolean.class) {
                return false;
            }
            if (raw.isPrimitive()) {
                return convert(key, "0", raw);
            }
            if (raw == List.class) {
                return List.of();
            }
            if (raw == Map.class) {
                return Map.of();
            }
            if (raw.isRecord()) {
                return new Draft(raw, null).build(key);
            }
            return null;
        }

        /** A bound value with every draft in it built; a list bound by index must have no gaps. */
        private static @Nullable Object finish(String path, @Nullable Object value) {
            if (value instanceof Draft draft) {
                return draft.build(path);
            }
            if (value instanceof Map<?, ?> map) {
                Map<Object, @Nullable Object> built = new LinkedHashMap<>();
                map.forEach((key, item) -> built.put(key, finish(path + "." + key, item)));
                return built;
            }
            if (value instanceof List<?> list) {
                List<@Nullable Object> built = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) == null) {
                        throw new InvalidSettingException(
                                path + "[" + i + "]", "is missing: a list bound by index must have no gaps");
                    }
                    built.add(finish(path + "[" + i + "]", list.get(i)));
                }
                return built;
            }
            return value;
        }
    }

    private record ComponentProperty(RecordComponent component) implements Property {
        @Override
        public Type type() {
            return component.getGenericType();
        }

        @Override
        public @Nullable Object get(String key, Object target) {
            return ((Draft) target).current(key, component);
        }

        @Override
        public void set(String key, Object target, @Nullable Object value) {
            ((Draft) target).values.put(component.getName(), value);
        }
    }

    /** A property of the object being bound into: a bean's getter and setter, or a draft's component. */
    private interface Property {
        Type type();

        @Nullable
        Object get(String key, Object target);

        void set(String key, Object target, @Nullable Object value);
    }

    private record BeanProperty(Method getter, @Nullable Method setter, Type type) implements Property {
        @Override
        public @Nullable Object get(String key, Object target) {
            try {
                return getter.invoke(target);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new InvalidSettingException(key, "cannot be read: " + e);
            }
        }

        @Override
        public void set(String key, Object target, @Nullable Object value) {
            if (setter == null) {
                throw new InvalidSettingException(key, "needs nested properties, not a value");
            }
            try {
                setter.invoke(target, value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new InvalidSettingException(key, "cannot be set: " + e);
            }
        }
    }
}
