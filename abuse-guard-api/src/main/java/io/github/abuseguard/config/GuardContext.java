package io.github.abuseguard.config;

import io.github.abuseguard.RouteTable;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.store.StateStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link GuardFactory} may use besides its settings: the state store, the time source, the
 * application's route templates, the rules that annotations on controllers contribute, parts the host
 * application already built (a Spring bean, say), and the property path of the guard's section for
 * error messages. One context serves every factory of an assembly; {@link #path()} is the current one's.
 */
public final class GuardContext {

    private final StateStore store;
    private final TimeSource timeSource;
    private final RouteTable routes;
    private final Map<Class<?>, List<?>> rules;
    private final Map<Class<?>, Object> components;
    private final List<AutoCloseable> resources;
    private final PropertyPath path;

    private GuardContext(Builder builder, PropertyPath path, List<AutoCloseable> resources) {
        this.store = builder.store;
        this.timeSource = builder.timeSource;
        this.routes = builder.routes;
        this.rules = builder.rules;
        this.components = builder.components;
        this.resources = resources;
        this.path = path;
    }

    /** Starts a context; store and time source are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The state store the guards share. */
    public StateStore store() {
        return store;
    }

    /** The clock of every guard. */
    public TimeSource timeSource() {
        return timeSource;
    }

    /** The application's route templates; empty when the host knows none. */
    public RouteTable routes() {
        return routes;
    }

    /** The rules of {@code type} that annotations contributed, in declaration order; empty when none. */
    @SuppressWarnings("unchecked")
    public <R> List<R> rules(Class<R> type) {
        return (List<R>) rules.getOrDefault(type, List.of());
    }

    /** A part of {@code type} the host already built, such as the Spring bean of that type. */
    public <T> Optional<T> component(Class<T> type) {
        return Optional.ofNullable(type.cast(components.get(type)));
    }

    /** The property path of the section the current factory reads, such as {@code abuse-guard.rate-limit}. */
    public PropertyPath path() {
        return path;
    }

    /** Hands a resource the factory opened (a refreshing list, say) to the engine, which closes it on shutdown. */
    public void closing(AutoCloseable resource) {
        resources.add(Objects.requireNonNull(resource, "resource"));
    }

    /** The same context with {@code component} added, sharing the resources handed over so far. */
    public <T> GuardContext with(Class<T> type, T component) {
        Builder builder = toBuilder();
        builder.components.put(type, Objects.requireNonNull(component, "component"));
        return new GuardContext(builder, path, resources);
    }

    /**
     * The same context for the factory of section {@code section}: its {@link #path()} is
     * {@code abuse-guard.<section>}, and it shares the resources handed over so far.
     */
    public GuardContext forSection(String section) {
        return new GuardContext(toBuilder(), PropertyPath.of(section), resources);
    }

    /**
     * The resources factories handed over so far, for the host to close when no engine took them (an
     * engine built by {@link io.github.abuseguard.internal.SettingsAssembler#guards} closes them itself).
     */
    public List<AutoCloseable> resources() {
        return List.copyOf(resources);
    }

    private Builder toBuilder() {
        Builder builder = new Builder();
        builder.store = store;
        builder.timeSource = timeSource;
        builder.routes = routes;
        builder.rules.putAll(rules);
        builder.components.putAll(components);
        return builder;
    }

    /** Builds a {@link GuardContext}. */
    public static final class Builder {
        private @Nullable StateStore store;
        private @Nullable TimeSource timeSource;
        private RouteTable routes = RouteTable.empty();
        private final Map<Class<?>, List<?>> rules = new LinkedHashMap<>();
        private final Map<Class<?>, Object> components = new LinkedHashMap<>();

        private Builder() {}

        /** The state store. Required. */
        public Builder store(StateStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The clock. Required. */
        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
            return this;
        }

        /** The application's route templates. Default none. */
        public Builder routes(RouteTable routes) {
            this.routes = Objects.requireNonNull(routes, "routes");
            return this;
        }

        /** Adds rules of {@code type} contributed by annotations, after those added before. */
        public <R> Builder rules(Class<R> type, List<? extends R> contributed) {
            @SuppressWarnings("unchecked")
            List<R> list = (List<R>) rules.computeIfAbsent(type, t -> new ArrayList<R>());
            list.addAll(contributed);
            return this;
        }

        /** A part the host built, which factories use instead of building their own. */
        public <T> Builder component(Class<T> type, T component) {
            components.put(type, Objects.requireNonNull(component, "component"));
            return this;
        }

        /**
         * @throws NullPointerException without a store or a time source
         */
        public GuardContext build() {
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(timeSource, "timeSource");
            Builder copy = new Builder();
            copy.store = store;
            copy.timeSource = timeSource;
            copy.routes = routes;
            rules.forEach((type, list) -> copy.rules.put(type, List.copyOf(list)));
            copy.components.putAll(components);
            return new GuardContext(copy, PropertyPath.of(""), new ArrayList<>());
        }
    }
}
