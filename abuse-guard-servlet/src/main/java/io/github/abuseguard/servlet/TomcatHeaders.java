package io.github.abuseguard.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a request header on Tomcat without decoding a value seen before. Tomcat keeps header values as
 * the bytes received and decodes one into a new string each time {@code getHeader} is first asked for
 * it, through a new decoder and char buffer: about 480 bytes for a browser's {@code User-Agent}, which
 * the client-signals guard reads on every request and the application usually never does. Real traffic
 * repeats a few user agents, so the strings of recent values are kept in a small table, by a hash of
 * their bytes, and a value whose bytes equal a kept string's characters is answered with that string.
 *
 * <p>Tomcat compares a byte with a character as a signed value, so only a value of US-ASCII bytes can
 * equal a kept string, and such a value decodes to exactly those characters in any charset Tomcat
 * uses for headers: the answer is always the string {@code getHeader} would give. The value is then
 * stored in Tomcat's header as that string, as {@code getHeader} does, so the application reading it
 * later does not decode it again. On any other container or a wrapped request, or when Tomcat lays out
 * its types differently, {@link #access} is {@code null} and the filter calls {@code getHeader}.
 *
 * <p>Only the headers in {@link #kept(String)} are kept: the browser signals a guard reads on many
 * requests, whose decoding is the cost measured, and which carry no secret ({@code User-Agent},
 * {@code Accept}, {@code Accept-Language}, {@code Accept-Encoding}, {@code Origin}, {@code Sec-Fetch-*},
 * {@code Sec-CH-UA*}). Any other header, such as {@code Authorization}, an API key, a cookie or
 * {@code Referer} (whose URL may hold a token), is read with {@code getHeader}: a secret is not kept on
 * the heap past its request, and a crafted value sharing a slot's hash gets no timing answer about a
 * kept secret from the byte comparison.
 *
 * <p>The handles are found per facade class ({@link ClassHandles}), so with two Tomcat class loaders in
 * one JVM a request is always read through the handles of its own class.
 */
final class TomcatHeaders {
    static final String FACADE = "org.apache.catalina.connector.RequestFacade";

    /** Slots of the table of recent values: a power of two. */
    static final int SLOTS = 256;

    /** Longer values are not kept, so the table holds at most {@code SLOTS} x 512 characters. */
    static final int MAX_KEPT_LENGTH = 512;

    /** {@code MessageBytes.T_BYTES}: a value not decoded yet. */
    private static final int BYTES = 2;

    private static final Logger log = LoggerFactory.getLogger(TomcatHeaders.class);

    /**
     * Recent values by the hash of their bytes; a slot is overwritten by the next value of its hash.
     * Threads race on slots harmlessly: a string is immutable and every read is checked against the bytes.
     */
    private static final String[] RECENT = new String[SLOTS];

    private static final ClassHandles<Handles> HANDLES = new ClassHandles<>(FACADE, Handles::find);

    private TomcatHeaders() {}

    /**
     * Tomcat's methods for {@code request}'s class when it is Tomcat's own request object, which
     * {@link #header} reads; {@code null} otherwise.
     */
    static @Nullable Handles access(HttpServletRequest request) {
        return HANDLES.get(request.getClass());
    }

    /**
     * Whether the values of the header {@code name} are kept for later requests: the non-secret
     * browser signals listed in the class description, by name in any case.
     */
    static boolean kept(String name) {
        return name.equalsIgnoreCase("User-Agent")
                || name.equalsIgnoreCase("Accept-Language")
                || name.equalsIgnoreCase("Accept")
                || name.equalsIgnoreCase("Accept-Encoding")
                || name.equalsIgnoreCase("Origin")
                || name.regionMatches(true, 0, "Sec-Fetch-", 0, 10)
                || name.regionMatches(true, 0, "Sec-CH-UA", 0, 9);
    }

    /** Whether the table of recent values holds {@code value}: for tests. */
    static boolean holds(String value) {
        for (String recent : RECENT) {
            if (value.equals(recent)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first value of the header {@code name}, as {@code getHeader}; {@code handles} are those
     * {@link #access} gave for this request.
     */
    static String header(Handles handles, HttpServletRequest request, String name) {
        if (!kept(name)) {
            return request.getHeader(name);
        }
        try {
            Object headers = handles.headers.invokeExact(
                    handles.coyoteRequest.invokeExact(handles.connectorRequest.invokeExact((Object) request)));
            Object value = handles.value.invokeExact(headers, name);
            if (value == null) {
                return null;
            }
            if ((int) handles.type.invokeExact(value) != BYTES) {
                return (String) handles.toStringType.invokeExact(value); // decoded already, or set as a string
            }
            int slot = (int) handles.hash.invokeExact(value) & (SLOTS - 1);
            String recent = RECENT[slot];
            if (recent != null && (boolean) handles.equalsString.invokeExact(value, recent)) {
                handles.setString.invokeExact(value, recent);
                return recent;
            }
            String decoded = (String) handles.toStringType.invokeExact(value);
            if (decoded != null && decoded.length() <= MAX_KEPT_LENGTH) {
                RECENT[slot] = decoded;
            }
            return decoded;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable impossible) {
            // the handles throw no checked exception: the methods they call declare none
            throw new IllegalStateException(impossible);
        }
    }

    /** Tomcat's methods, typed as {@code Object} so that this class names no Tomcat type. */
    record Handles(
            MethodHandle connectorRequest,
            MethodHandle coyoteRequest,
            MethodHandle headers,
            MethodHandle value,
            MethodHandle type,
            MethodHandle hash,
            MethodHandle equalsString,
            MethodHandle setString,
            MethodHandle toStringType) {

        static Handles find(Class<?> facade) {
            try {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                Field requestField = facade.getDeclaredField("request");
                if (Modifier.isStatic(requestField.getModifiers())) {
                    return unsupported(facade, "unexpected fields");
                }
                requestField.setAccessible(true);
                Class<?> connector = requestField.getType();
                MethodHandle coyote = lookup.unreflect(connector.getMethod("getCoyoteRequest"));
                MethodHandle headers =
                        lookup.unreflect(coyote.type().returnType().getMethod("getMimeHeaders"));
                MethodHandle value =
                        lookup.unreflect(headers.type().returnType().getMethod("getValue", String.class));
                Class<?> bytes = value.type().returnType();
                MethodType objectToObject = MethodType.methodType(Object.class, Object.class);
                return new Handles(
                        MethodHandles.lookup().unreflectGetter(requestField).asType(objectToObject),
                        coyote.asType(objectToObject),
                        headers.asType(objectToObject),
                        value.asType(MethodType.methodType(Object.class, Object.class, String.class)),
                        lookup.unreflect(bytes.getMethod("getType"))
                                .asType(MethodType.methodType(int.class, Object.class)),
                        lookup.unreflect(bytes.getMethod("hashCode"))
                                .asType(MethodType.methodType(int.class, Object.class)),
                        lookup.unreflect(bytes.getMethod("equals", String.class))
                                .asType(MethodType.methodType(boolean.class, Object.class, String.class)),
                        lookup.unreflect(bytes.getMethod("setString", String.class))
                                .asType(MethodType.methodType(void.class, Object.class, String.class)),
                        lookup.unreflect(bytes.getMethod("toStringType"))
                                .asType(MethodType.methodType(String.class, Object.class)));
            } catch (ReflectiveOperationException | RuntimeException e) {
                // An unknown Tomcat layout or a refused access: getHeader still works, at its usual cost.
                return unsupported(facade, e.toString());
            }
        }

        private static Handles unsupported(Class<?> facade, String why) {
            log.debug("Request headers are read with getHeader on {}: {}", facade.getName(), why);
            return null;
        }
    }
}
