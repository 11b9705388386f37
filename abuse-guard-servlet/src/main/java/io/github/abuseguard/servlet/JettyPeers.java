package io.github.abuseguard.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The address a Jetty 12 connection came from, whatever Jetty's {@code ForwardedRequestCustomizer} made of the
 * request's {@code getRemoteAddr()}. That customizer (Jetty's own way to run behind a proxy, and jetty-home's {@code
 * http-forwarded} module) believes {@code X-Forwarded-For} from every peer and answers its leftmost hop, which the
 * client writes, inside the container, where no filter can unwrap it (probe59c F2: 300 of 300 requests with a fresh
 * header each passed a limit of 100 per address). The connection's end point is read instead: the socket's peer, or
 * what the PROXY protocol an operator configured on the connector says; only {@code trusted-proxies} then decides
 * whose forwarded hops are believed.
 *
 * <p>Reached by reflection through Jetty's public interfaces ({@code ServletApiRequest.getRequest()}, {@code
 * Request.getConnectionMetaData()}, {@code ConnectionMetaData.getConnection()}, {@code Connection.getEndPoint()},
 * {@code EndPoint.getRemoteSocketAddress()}), looked up once per request class: any other container, or a Jetty whose
 * classes differ, answers {@code null} and the container's own {@code getRemoteAddr()} is used.
 */
final class JettyPeers {
    private static final Logger log = LoggerFactory.getLogger(JettyPeers.class);

    /** The look-up of a request class: {@link #NONE} for a class that is not Jetty's. */
    private static final ClassValue<Path> PATHS = new ClassValue<>() {
        @Override
        protected Path computeValue(Class<?> type) {
            return Path.of(type);
        }
    };

    private static final Path NONE = new Path(null);

    /**
     * The address of a peer on a Unix-domain socket: a process of this machine, a local proxy most often. Listed in
     * {@code trusted-proxies} ({@code 127.0.0.1}), its forwarded hops are read as over TCP.
     */
    static final String UNIX_DOMAIN_PEER = "127.0.0.1";

    /** Whether a customizer's rewritten address was reported (once). */
    private static volatile boolean warned;

    /** Whether a failed read of the connection's address was reported (once). */
    private static volatile boolean unreadableReported;

    private JettyPeers() {}

    /**
     * The text of the address {@code container} (the container's own request) was sent from, as its connection knows
     * it, when that differs from its {@code getRemoteAddr()}; that answer itself when it does not, or on any other
     * container.
     */
    static String peer(HttpServletRequest container) {
        String remoteAddr = container.getRemoteAddr();
        Path path = PATHS.get(container.getClass());
        if (path == NONE) {
            return remoteAddr;
        }
        String connected = path.address(container);
        if (connected == null || sameAddress(connected, remoteAddr)) {
            return remoteAddr;
        }
        if (!warned) {
            warned = true;
            log.warn(
                    "Jetty answers {} as the address of a request whose connection came from {} (a"
                            + " ForwardedRequestCustomizer on the connector believes X-Forwarded-For from any peer):"
                            + " abuse-guard keys the client by the connection's address and believes forwarded hops"
                            + " only from abuse-guard.client.trusted-proxies. (Said once.)",
                    remoteAddr,
                    connected);
        }
        return connected;
    }

    /**
     * Whether Jetty's answer names the connection's address: Jetty writes an IPv6 address in brackets
     * ({@code [0:0:0:0:0:0:0:1]}), the socket without them (review77 F8: a WARN of a rewrite no customizer made).
     */
    private static boolean sameAddress(String connected, @Nullable String remoteAddr) {
        if (remoteAddr == null) {
            return false;
        }
        int from = remoteAddr.startsWith("[") ? 1 : 0;
        int to = remoteAddr.endsWith("]") ? remoteAddr.length() - 1 : remoteAddr.length();
        return to - from == connected.length() && remoteAddr.regionMatches(from, connected, 0, connected.length());
    }

    /**
     * The five public methods from Jetty's servlet request to its connection's remote address, as method handles
     * (called without the argument array a reflective call allocates: review77 F8); {@code null} for {@link #NONE}.
     */
    private record Path(java.lang.invoke.MethodHandle @Nullable [] handles) {

        static Path of(Class<?> type) {
            if (!type.getName().startsWith("org.eclipse.jetty.")) {
                return NONE;
            }
            try {
                ClassLoader loader = type.getClassLoader();
                Class<?> coreRequest = Class.forName("org.eclipse.jetty.server.Request", false, loader);
                Method request = publicMethod(type, "getRequest");
                if (request == null || !coreRequest.isAssignableFrom(request.getReturnType())) {
                    return NONE;
                }
                Class<?> metaData = Class.forName("org.eclipse.jetty.server.ConnectionMetaData", false, loader);
                Class<?> connection = Class.forName("org.eclipse.jetty.io.Connection", false, loader);
                Class<?> endPoint = Class.forName("org.eclipse.jetty.io.EndPoint", false, loader);
                java.lang.invoke.MethodHandles.Lookup lookup = java.lang.invoke.MethodHandles.publicLookup();
                return new Path(new java.lang.invoke.MethodHandle[] {
                    lookup.unreflect(request),
                    lookup.unreflect(coreRequest.getMethod("getConnectionMetaData")),
                    lookup.unreflect(metaData.getMethod("getConnection")),
                    lookup.unreflect(connection.getMethod("getEndPoint")),
                    lookup.unreflect(endPoint.getMethod("getRemoteSocketAddress"))
                });
            } catch (ClassNotFoundException
                    | NoSuchMethodException
                    | IllegalAccessException
                    | LinkageError
                    | SecurityException notJetty12) {
                log.debug(
                        "Not Jetty 12's request classes ({}): the container's remote address is used",
                        type,
                        notJetty12);
                return NONE;
            }
        }

        /** {@code name()} of the first public class up {@code type}'s hierarchy that declares it publicly. */
        private static @Nullable Method publicMethod(Class<?> type, String name) {
            for (Class<?> current = type; current != null; current = current.getSuperclass()) {
                if (java.lang.reflect.Modifier.isPublic(current.getModifiers())) {
                    try {
                        Method method = current.getDeclaredMethod(name);
                        if (java.lang.reflect.Modifier.isPublic(method.getModifiers())) {
                            return method;
                        }
                    } catch (NoSuchMethodException notHere) {
                        // declared higher up
                    }
                }
            }
            return null;
        }

        @Nullable
        String address(Object servletRequest) {
            try {
                Object core = handles[0].invoke(servletRequest);
                Object meta = core == null ? null : handles[1].invoke(core);
                Object connected = meta == null ? null : handles[2].invoke(meta);
                Object point = connected == null ? null : handles[3].invoke(connected);
                Object socket = point == null ? null : handles[4].invoke(point);
                if (socket instanceof InetSocketAddress inet && inet.getAddress() != null) {
                    return inet.getAddress().getHostAddress();
                }
                if (socket instanceof UnixDomainSocketAddress) {
                    // a peer on this machine, which has no IP address: the loopback one, never the forwarded
                    // hop a customizer put in getRemoteAddr() (review77 F9: a fresh X-Forwarded-For, a fresh budget)
                    return UNIX_DOMAIN_PEER;
                }
                return null; // no end point: the container's answer stands
            } catch (Throwable unreadable) { // what a method handle may throw: the methods' own failures
                if (unreadable instanceof Error error && !(error instanceof LinkageError)) {
                    throw error;
                }
                if (!unreadableReported) {
                    unreadableReported = true;
                    log.warn(
                            "Jetty's connection address could not be read; the container's getRemoteAddr() is used,"
                                    + " which a ForwardedRequestCustomizer lets the client choose. (Said once.)",
                            unreadable);
                } else {
                    log.debug("Jetty's connection address could not be read", unreadable);
                }
                return null;
            }
        }
    }
}
