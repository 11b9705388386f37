package io.github.abuseguard.internal;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.CrossSiteRequests;
import io.github.abuseguard.Guard;
import io.github.abuseguard.Mode;
import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.AbuseGuardSettings;
import io.github.abuseguard.config.EngineSettings;
import io.github.abuseguard.config.GuardContext;
import io.github.abuseguard.config.GuardFactory;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.config.PropertyPath;
import io.github.abuseguard.config.SettingsSection;
import io.github.abuseguard.config.StateStoreProvider;
import io.github.abuseguard.discovery.EndpointInventory;
import io.github.abuseguard.discovery.InventorySettings;
import io.github.abuseguard.identity.ClientResolver;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@link AbuseGuardSettings} into working parts, validating every value on the way: the one
 * assembly path of the plain servlet filter and the Spring Boot starter. The engine's own parts are
 * built here; every guard by its {@link GuardFactory}, in the factories' order. A value that cannot
 * work raises an {@link InvalidSettingException} naming its property, so a misconfigured application
 * fails at start-up instead of misbehaving under attack. Applications reach it through
 * {@code AbuseGuardFilter.fromSettings} or the Spring Boot starter.
 */
public final class SettingsAssembler {

    private static final Logger log = LoggerFactory.getLogger(SettingsAssembler.class);

    private static final PropertyPath ROOT = PropertyPath.of("");

    private SettingsAssembler() {}

    /**
     * The engine builder with the engine-wide settings applied and every guard the settings configure
     * added, built by the factories on the class path with {@code context}; listeners are added by the
     * caller. Resources the factories opened are closed with the engine.
     *
     * @throws InvalidSettingException naming the property of a bad value
     */
    public static AbuseGuard.Builder assemble(AbuseGuardSettings settings, GuardContext context) {
        AbuseGuard.Builder builder = engine(settings, context.timeSource());
        guards(builder, settings, context);
        return builder;
    }

    /** The engine builder with the engine-wide settings applied; guards and listeners are added by the caller. */
    public static AbuseGuard.Builder engine(AbuseGuardSettings settings, TimeSource timeSource) {
        AbuseGuard.Builder builder = AbuseGuard.builder().timeSource(timeSource);
        warnOfBroadTrustedProxies(settings.engine().client());
        builder.mode(ROOT.required(settings.engine().mode(), "mode"));
        builder.failurePolicy(ROOT.required(settings.engine().failurePolicy(), "failure-policy"));
        builder.riskAction(ROOT.required(settings.engine().riskAction(), "risk-action"));
        ROOT.check(
                "risk-threshold", () -> builder.riskThreshold(settings.engine().riskThreshold()));
        ROOT.check(
                "failure-log-interval",
                () -> builder.failureLogInterval(
                        ROOT.required(settings.engine().failureLogInterval(), "failure-log-interval")));
        List<String> exempt = settings.engine().routes().exempt();
        for (int i = 0; i < exempt.size(); i++) {
            String pattern = exempt.get(i);
            ROOT.check("routes.exempt[" + i + "]", () -> builder.exemptRoute(pattern));
        }
        builder.crossSiteRequests(crossSiteRequests(settings.engine().crossSite()));
        List<String> monitor = settings.engine().routes().monitor();
        for (int i = 0; i < monitor.size(); i++) {
            String pattern = monitor.get(i);
            ROOT.check("routes.monitor[" + i + "]", () -> builder.monitoredRoute(pattern));
        }
        return builder;
    }

    /** The engine's policy for requests other sites' pages make; its origins are checked even when it is off. */
    private static CrossSiteRequests crossSiteRequests(EngineSettings.CrossSite crossSite) {
        List<String> origins = ROOT.required(crossSite.allowedOrigins(), "cross-site.allowed-origins");
        for (int i = 0; i < origins.size(); i++) {
            String origin = origins.get(i);
            ROOT.check("cross-site.allowed-origins[" + i + "]", () -> AllowedOrigins.of(List.of(origin)));
        }
        if (!crossSite.enabled()) {
            return CrossSiteRequests.allowed();
        }
        CrossSiteRequests policy = origins.isEmpty()
                ? CrossSiteRequests.refused()
                : CrossSiteRequests.refusedUnlessFrom(AllowedOrigins.of(origins));
        return ROOT.required(crossSite.mode(), "cross-site.mode") == Mode.MONITOR ? policy.monitored() : policy;
    }

    /**
     * One WARN per trusted proxy block that spans public address space and that
     * {@code client.allow-broad-trusted-proxies} lets through ({@link #clientResolver} refuses it otherwise),
     * and one per block written with host bits set ({@link IpRange#widenedBlock()}), written here because the
     * engine is built once per application while the resolver may be built twice.
     */
    private static void warnOfBroadTrustedProxies(EngineSettings.Client client) {
        if (client.trustedProxies() == null) {
            return;
        }
        List<String> proxies = client.trustedProxies();
        for (int i = 0; i < proxies.size(); i++) {
            String property = "client.trusted-proxies[" + i + "]";
            String proxy = ROOT.required(proxies.get(i), property);
            IpRange range = ROOT.get(property, () -> IpRange.parse(proxy));
            warnIfWidened(ROOT.child(property).toString(), proxy, range);
            if (client.allowBroadTrustedProxies() && range.spansPublicSpace(translations(client)) != null) {
                log.warn(
                        "{}: '{}' spans public address space: every peer in it is believed about the client's"
                                + " address (allowed by {})",
                        ROOT.child(property),
                        proxy,
                        ROOT.child("client.allow-broad-trusted-proxies"));
            }
        }
    }

    /**
     * One WARN when the block {@code written} at {@code where} has host bits set: it stands for a wider block
     * than it reads (cfg24 F8: {@code 203.0.113.5/8} is all of {@code 203.0.0.0/8}).
     */
    public static void warnIfWidened(String where, String written, IpRange range) {
        String block = range.widenedBlock();
        if (block != null) {
            log.warn(
                    "{}: '{}' has host bits set, so it is the whole block {}; write '{}' if that is meant, or the"
                            + " address alone",
                    where,
                    written.strip(),
                    block,
                    block);
        }
    }

    /**
     * Adds every guard the settings configure to {@code engine}: each {@link GuardFactory} among the
     * settings' sections builds its guard in {@link GuardFactory#order()} (IP lists first, so an allowed
     * client skips the rest; rate limits last, so refused requests spend no tokens), in the mode its
     * settings give. Resources the factories opened are handed to the engine to close.
     *
     * @throws InvalidSettingException naming the property of a bad value
     */
    public static AbuseGuard.Builder guards(
            AbuseGuard.Builder engine, AbuseGuardSettings settings, GuardContext context) {
        return guards(engine, settings, context, Map.of());
    }

    /**
     * As {@link #guards(AbuseGuard.Builder, AbuseGuardSettings, GuardContext)}, with some guards built by
     * the host already: {@code built} maps a section name to the guard the host built for it (with
     * {@link #guard(GuardFactory, Object, GuardContext)}, or one of its own that replaces it), or to
     * {@code null} when the host found it has none. Such a guard takes its section's place in the order and
     * its section's mode; the factory of every other section builds its guard here.
     *
     * @throws IllegalArgumentException if {@code built} names a section no guard factory has
     * @throws InvalidSettingException naming the property of a bad value
     */
    public static AbuseGuard.Builder guards(
            AbuseGuard.Builder engine,
            AbuseGuardSettings settings,
            GuardContext context,
            Map<String, ? extends Guard> built) {
        EndpointInventory inventory = discovery(settings, context);
        if (inventory != null) {
            engine.observer(inventory);
            context = context.with(EndpointInventory.class, inventory);
        }
        if (context.component(ClientResolver.class).isEmpty()) {
            // what the clients' addresses become (the operator's translation prefixes), for the guards that list them
            context = context.with(ClientResolver.class, clientResolver(settings));
        }
        List<GuardFactory<?>> factories = new ArrayList<>();
        for (SettingsSection<?> section : settings.sectionTypes()) {
            if (section instanceof GuardFactory<?> factory) {
                factories.add(factory);
            }
        }
        for (String section : built.keySet()) {
            if (factories.stream().noneMatch(factory -> factory.name().equals(section))) {
                throw new IllegalArgumentException("no guard factory for section '" + section + "'");
            }
        }
        factories.sort(Comparator.comparingInt(GuardFactory::order));
        for (GuardFactory<?> factory : factories) {
            GuardContext own = context.forSection(factory.name());
            Object section = settings.section(factory.name());
            Guard guard = built.containsKey(factory.name()) ? built.get(factory.name()) : create(factory, section, own);
            if (guard != null) {
                engine.guard(guard, own.path().required(mode(factory, section), "mode"));
            }
        }
        context.resources().forEach(engine::closing);
        return engine;
    }

    /**
     * API discovery: the endpoint inventory that observes every answered request, built from the one
     * section whose settings are {@link InventorySettings} (the sequence guard's, whether or not that guard
     * runs), or the host's own when {@code context} holds one; {@code null} when those settings switch it
     * off or the host said nothing reads it ({@link Unread}). Guards that fold paths find it in their
     * context, so they and the inventory agree on templates.
     *
     * @throws InvalidSettingException naming the property of a bad value
     * @throws IllegalStateException if two sections configure the inventory
     */
    public static @Nullable EndpointInventory discovery(AbuseGuardSettings settings, GuardContext context) {
        InventorySettings found = null;
        String at = null;
        for (SettingsSection<?> type : settings.sectionTypes()) {
            if (settings.section(type.name()) instanceof InventorySettings section) {
                if (found != null) {
                    throw new IllegalStateException("sections '" + at + "' and '" + type.name()
                            + "' both configure the endpoint inventory; one must");
                }
                found = section;
                at = type.name();
            }
        }
        if (found != null && !found.inventory()) {
            return null;
        }
        Optional<EndpointInventory> own = context.component(EndpointInventory.class);
        if (own.isPresent()) {
            return own.get();
        }
        EndpointInventory inventory = found == null
                ? EndpointInventory.withDefaults(context.timeSource())
                : inventory(found, PropertyPath.of(at), context.timeSource()); // its settings checked either way
        return context.component(Unread.class).isPresent() ? null : inventory;
    }

    /**
     * A host's word, as a {@link GuardContext} component, that nothing could read API discovery (a Spring
     * Boot application without the Actuator): {@link #discovery} then builds no inventory, and no request
     * pays for accounting nobody sees. The inventory's settings are still checked; a guard that folds paths
     * keeps an inventory of its own.
     */
    public enum Unread {
        /** The one value. */
        DISCOVERY
    }

    /** The most templates an inventory may be configured to track. */
    static final int MAX_ENDPOINTS = 100_000;

    /**
     * An endpoint inventory of {@code settings}, each bound checked and named under {@code at}: a
     * cardinality threshold from 1 to {@value EndpointInventory#DEFAULT_MAX_NODES} and at most
     * {@value #MAX_ENDPOINTS} templates, in a tree of at most {@value EndpointInventory#DEFAULT_MAX_NODES}
     * nodes.
     *
     * @throws InvalidSettingException naming the property of a bad value
     */
    public static EndpointInventory inventory(InventorySettings settings, PropertyPath at, TimeSource timeSource) {
        int threshold = settings.cardinalityThreshold();
        if (threshold < 1 || threshold > EndpointInventory.DEFAULT_MAX_NODES) {
            throw at.child("cardinality-threshold")
                    .invalid("must be between 1 and " + EndpointInventory.DEFAULT_MAX_NODES + ", was " + threshold);
        }
        int endpoints = settings.maxEndpoints();
        if (endpoints < 1 || endpoints > MAX_ENDPOINTS) {
            throw at.child("max-endpoints").invalid("must be between 1 and " + MAX_ENDPOINTS + ", was " + endpoints);
        }
        return new EndpointInventory(threshold, EndpointInventory.DEFAULT_MAX_NODES, endpoints, timeSource);
    }

    /**
     * The guard of section {@code section} alone, as {@link #guards} would build it, or {@code null} when
     * its settings switch it off or give it nothing to check.
     *
     * @throws IllegalArgumentException if no guard factory on the class path has that section
     * @throws InvalidSettingException naming the property of a bad value
     */
    public static Guard guard(AbuseGuardSettings settings, String section, GuardContext context) {
        for (SettingsSection<?> type : settings.sectionTypes()) {
            if (type.name().equals(section) && type instanceof GuardFactory<?> factory) {
                return create(factory, settings.section(section), context.forSection(section));
            }
        }
        throw new IllegalArgumentException("no guard factory for section '" + section + "'");
    }

    /**
     * The guard {@code factory} builds from {@code settings} with {@code context}, as {@link #guards} would
     * build it, for a host that builds each guard on its own (the Spring Boot starter's guard beans); hand
     * it to {@link #guards(AbuseGuard.Builder, AbuseGuardSettings, GuardContext, Map)}. {@code null} when
     * the settings switch it off or give it nothing to check.
     *
     * @throws InvalidSettingException naming the property of a bad value
     */
    public static <S> Guard guard(GuardFactory<S> factory, S settings, GuardContext context) {
        return factory.create(settings, context.forSection(factory.name()));
    }

    private static <S> Guard create(GuardFactory<S> factory, Object section, GuardContext context) {
        return factory.create(factory.settingsType().cast(section), context);
    }

    private static <S> Mode mode(GuardFactory<S> factory, Object section) {
        return factory.mode(factory.settingsType().cast(section));
    }

    /** The decision log of {@code abuse-guard.logging.*}: one line per guard per second, client keys in clear or pseudonymised. */
    public static LoggingGuardListener decisionLog(AbuseGuardSettings settings, TimeSource timeSource) {
        EngineSettings.Logging logging = settings.engine().logging();
        String secret = logging.pseudonymiseClients()
                ? (logging.pseudonymSecret() == null ? "" : logging.pseudonymSecret())
                : null;
        return new LoggingGuardListener(Duration.ofSeconds(1), timeSource, secret);
    }

    /**
     * The client resolver of {@code abuse-guard.client.*}. A trusted proxy block that spans public address
     * space ({@link IpRange#spansPublicSpace()}, such as {@code 0.0.0.0/0}) is refused unless
     * {@code client.allow-broad-trusted-proxies} says it is meant (then {@link #engine} logs it as a
     * warning): any peer in it can forge the client's address, and nothing spoofable is trusted by accident.
     *
     * @throws InvalidSettingException naming the property of a bad value
     */
    public static ClientResolver clientResolver(AbuseGuardSettings settings) {
        EngineSettings.Client client = settings.engine().client();
        ClientResolver.Builder builder = ClientResolver.builder();
        List<String> proxies = client.trustedProxies();
        for (int i = 0; i < proxies.size(); i++) {
            String proxy = proxies.get(i);
            String property = "client.trusted-proxies[" + i + "]";
            IpRange range = ROOT.get(property, () -> IpRange.parse(ROOT.required(proxy, property)));
            String through = range.spansPublicSpace(translations(client));
            if (through != null && !client.allowBroadTrustedProxies()) {
                throw ROOT.child(property)
                        .invalid("'" + proxy + "' spans public address space"
                                + (through.isEmpty()
                                        ? ""
                                        : " (the IPv4 clients a translator writes under " + through
                                                + ": list the translator's own address, not its prefix)")
                                + ", so any client in it could forge its address in a forwarded header; name your"
                                + " proxies' own addresses or blocks, or, only if nothing but your proxies can"
                                + " connect, set " + ROOT.child("client.allow-broad-trusted-proxies") + "=true");
            }
            ROOT.check(property, () -> builder.trustedProxies(proxy));
        }
        builder.forwardedHeader(ROOT.required(client.forwardedHeader(), "client.forwarded-header"));
        ROOT.check("client.ipv6-prefix-length", () -> builder.ipv6PrefixLength(client.ipv6PrefixLength()));
        List<String> nat64Prefixes = client.nat64Prefixes();
        for (int i = 0; i < nat64Prefixes.size(); i++) {
            String property = "client.nat64-prefixes[" + i + "]";
            String prefix = ROOT.required(nat64Prefixes.get(i), property);
            ROOT.check(property, () -> builder.nat64Prefixes(prefix));
        }
        return builder.build();
    }

    /**
     * The translation prefixes a resolver of these settings reads (the well-known ones and {@code client.nat64-prefixes});
     * a configured one that does not parse is left to {@link #clientResolver}, which names its property.
     */
    private static List<Nat64Prefix> translations(EngineSettings.Client client) {
        List<Nat64Prefix> prefixes = new ArrayList<>(Nat64Prefix.WELL_KNOWN_PREFIXES);
        for (String prefix : client.nat64Prefixes()) {
            if (prefix == null) {
                continue;
            }
            try {
                prefixes.add(Nat64Prefix.parse(prefix));
            } catch (IllegalArgumentException unparsed) {
                // refused with its property's name when the resolver is built
            }
        }
        return prefixes;
    }

    /** The in-process store of {@code abuse-guard.store.*}. */
    public static LocalStateStore localStore(AbuseGuardSettings settings, TimeSource timeSource) {
        LocalStateStore.Builder builder = LocalStateStore.builder().timeSource(timeSource);
        ROOT.check(
                "store.maximum-keys",
                () -> builder.maximumKeys(settings.engine().store().maximumKeys()));
        return builder.build();
    }

    /**
     * The store of {@code abuse-guard.store.type}: {@code local}, or a type a {@link StateStoreProvider}
     * on the class path provides, such as {@code redis} from {@code abuse-guard-redis}.
     */
    public static StateStore stateStore(AbuseGuardSettings settings, TimeSource timeSource) {
        String type = settings.engine().store().type() == null
                ? ""
                : settings.engine().store().type().trim();
        if (type.equalsIgnoreCase("local")) {
            return localStore(settings, timeSource);
        }
        List<String> known = new ArrayList<>(List.of("local"));
        for (StateStoreProvider provider :
                ServiceLoader.load(StateStoreProvider.class, SettingsAssembler.class.getClassLoader())) {
            if (provider.type().equalsIgnoreCase(type)) {
                return provider.create(settings, timeSource);
            }
            known.add(provider.type());
        }
        throw ROOT.child("store.type")
                .invalid("'" + type + "' is not one of " + known
                        + (type.equalsIgnoreCase("redis")
                                ? "; add the io.github.abuseguard:abuse-guard-redis dependency"
                                : ""));
    }
}
