package io.github.abuseguard.servlet;

import io.github.abuseguard.internal.HeaderNames;
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
 * Reads request headers on Tomcat in place: a value without decoding it again when it was seen before,
 * and which of a set of headers a request carries in one pass over its header names, none decoded.
 *
 * <p>Tomcat keeps header values as the bytes received and decodes one into a new string each time
 * {@code getHeader} is first asked for it, through a new decoder and char buffer: about 480 bytes for a
 * browser's {@code User-Agent}, which the client-signals guard reads on every request and the
 * application usually never does. Real traffic repeats a few user agents, so the strings of recent
 * values are kept in a small table, by a hash of their bytes, and a value whose bytes equal a kept
 * string's characters is answered with that string. Tomcat compares a byte with a character as a signed
 * value, so only a value of US-ASCII bytes can equal a kept string, and such a value decodes to exactly
 * those characters in any charset Tomcat uses for headers: the answer is always the string
 * {@code getHeader} would give. The value is then stored in Tomcat's header as that string, as
 * {@code getHeader} does, so the application reading it later does not decode it again.
 *
 * <p>Only the headers in {@link #kept(String)} are kept: the browser signals a guard reads on many
 * requests, whose decoding is the cost measured, and which carry no secret ({@code User-Agent},
 * {@code Accept}, {@code Accept-Language}, {@code Accept-Encoding}, {@code Origin}, {@code Sec-Fetch-*},
 * {@code Sec-CH-UA*}). Any other header, such as {@code Authorization}, an API key, a cookie or
 * {@code Referer} (whose URL may hold a token), is read as {@code getHeader} reads it: a secret is not
 * kept on the heap past its request, and a crafted value sharing a slot's hash gets no timing answer
 * about a kept secret from the byte comparison.
 *
 * <p>{@link #present} answers as one {@code getHeader} per name would (the first line of a name counts,
 * compared ignoring case as Tomcat compares), walking the request's header lines once and comparing each
 * name's bytes with the names of its length: enumerating the names through the servlet API would decode
 * every name into a new string.
 *
 * <p>Tomcat's types are reached through method handles kept in constants, so the JIT compiles each call
 * as a direct call: handles held in an object built per class would be called through a generic
 * invoker with a type check per argument, several times per header. The handles are
 * found on the request facade class that this library's own class loader resolves (Tomcat's, in a
 * Spring Boot jar and in a web application alike), and used only on requests of exactly that class:
 * a request of another class loader's Tomcat, a wrapped request or any other container is read with
 * {@code getHeader}, as is every request when Tomcat lays out its types differently.
 */
final class TomcatHeaders {
    static final String FACADE = "org.apache.catalina.connector.RequestFacade";

    /** Slots of the table of recent values: a power of two. */
    static final int SLOTS = 256;

    /** Longer values are not kept, so the table holds at most {@code SLOTS} x 512 characters. */
    static final int MAX_KEPT_LENGTH = 512;

    /** {@code MessageBytes.T_NULL}: no value. */
    private static final int NULL = 0;

    /** {@code MessageBytes.T_BYTES}: a value not decoded yet. */
    private static final int BYTES = 2;

    private static final Logger log = LoggerFactory.getLogger(TomcatHeaders.class);

    /**
     * Recent values by the hash of their bytes; a slot is overwritten by the next value of its hash.
     * Threads race on slots harmlessly: a string is immutable and every read is checked against the bytes.
     */
    private static final String[] RECENT = new String[SLOTS];

    /** Tomcat's methods for the facade class this class's loader resolves, {@code null} without Tomcat. */
    private static final @Nullable Handles TOMCAT = Handles.find(TomcatClasses.facade(FACADE, TomcatHeaders.class));

    // Each handle in a static final field of its own: the JIT takes those for constants and compiles a
    // call through one as a direct call. Read from an object (a record or an array) a handle is called
    // through a generic invoker that checks its type and casts every argument, several times per header.
    private static final @Nullable Class<?> FACADE_CLASS = TOMCAT == null ? null : TOMCAT.facade;
    private static final MethodHandle CONNECTOR_REQUEST = TOMCAT == null ? null : TOMCAT.connectorRequest;
    private static final MethodHandle COYOTE_REQUEST = TOMCAT == null ? null : TOMCAT.coyoteRequest;
    private static final MethodHandle MIME_HEADERS = TOMCAT == null ? null : TOMCAT.headers;
    private static final MethodHandle GET_HEADER = TOMCAT == null ? null : TOMCAT.header;
    private static final MethodHandle VALUE_NAMED = TOMCAT == null ? null : TOMCAT.valueNamed;
    private static final MethodHandle SIZE = TOMCAT == null ? null : TOMCAT.size;
    private static final MethodHandle NAME_AT = TOMCAT == null ? null : TOMCAT.nameAt;
    private static final MethodHandle VALUE_AT = TOMCAT == null ? null : TOMCAT.valueAt;
    private static final MethodHandle LENGTH = TOMCAT == null ? null : TOMCAT.length;
    private static final MethodHandle EQUALS_IGNORE_CASE = TOMCAT == null ? null : TOMCAT.equalsIgnoreCase;
    private static final MethodHandle TYPE = TOMCAT == null ? null : TOMCAT.type;
    private static final MethodHandle HASH = TOMCAT == null ? null : TOMCAT.hash;
    private static final MethodHandle EQUALS_STRING = TOMCAT == null ? null : TOMCAT.equalsString;
    private static final MethodHandle SET_STRING = TOMCAT == null ? null : TOMCAT.setString;
    private static final MethodHandle TO_STRING_TYPE = TOMCAT == null ? null : TOMCAT.toStringType;

    private TomcatHeaders() {}

    /** Whether {@code request} is Tomcat's own request object, which the methods below read. */
    static boolean reads(HttpServletRequest request) {
        return request.getClass() == FACADE_CLASS;
    }

    /**
     * Whether the values of the header {@code name} are kept for later requests: the non-secret
     * browser signals listed in the class description, by name in any case.
     */
    static boolean kept(String name) {
        int length = name.length();
        if (length < 6) {
            return false;
        }
        // the first letter picks the one or two names to compare, each a few characters long
        return switch (name.charAt(0)) {
            case 'U', 'u' -> name.equalsIgnoreCase("User-Agent");
            case 'A', 'a' ->
                length == 6
                        ? name.equalsIgnoreCase("Accept")
                        : name.equalsIgnoreCase("Accept-Language") || name.equalsIgnoreCase("Accept-Encoding");
            case 'O', 'o' -> name.equalsIgnoreCase("Origin");
            case 'S', 's' ->
                name.regionMatches(true, 0, "Sec-Fetch-", 0, 10) || name.regionMatches(true, 0, "Sec-CH-UA", 0, 9);
            default -> false;
        };
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

    /** The first value of the header {@code name}, as {@code getHeader}; {@code request} is one that {@link #reads}. */
    static @Nullable String header(HttpServletRequest request, String name) {
        try {
            Object headers = headers(request);
            if (!kept(name)) {
                return (String) GET_HEADER.invokeExact(headers, name);
            }
            Object value = VALUE_NAMED.invokeExact(headers, name);
            if (value == null) {
                return null;
            }
            if ((int) TYPE.invokeExact(value) != BYTES) {
                return (String) TO_STRING_TYPE.invokeExact(value); // decoded already, or set as a string
            }
            int slot = (int) HASH.invokeExact(value) & (SLOTS - 1);
            String recent = RECENT[slot];
            if (recent != null && (boolean) EQUALS_STRING.invokeExact(value, recent)) {
                SET_STRING.invokeExact(value, recent);
                return recent;
            }
            String decoded = (String) TO_STRING_TYPE.invokeExact(value);
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

    /**
     * Which of {@code names} the request carries, bit {@code i} for {@code names.get(i)}, as
     * {@code getHeader(name) != null} per name would answer; {@code request} is one that {@link #reads}.
     * One pass over the header lines, which the connector bounds ({@code maxHeaderCount}); a line's name
     * is compared only with the names of its length, in place.
     */
    static long present(HttpServletRequest request, HeaderNames names) {
        int size = names.size();
        long all = size == Long.SIZE ? -1L : (1L << size) - 1;
        long seen = 0;
        long present = 0;
        try {
            Object headers = headers(request);
            int lines = (int) SIZE.invokeExact(headers);
            for (int line = 0; line < lines && seen != all; line++) {
                Object name = NAME_AT.invokeExact(headers, line);
                int length = (int) LENGTH.invokeExact(name);
                for (int i = 0; i < size; i++) {
                    long bit = 1L << i;
                    String candidate = names.get(i);
                    if (candidate.length() == length
                            && (seen & bit) == 0
                            && (boolean) EQUALS_IGNORE_CASE.invokeExact(name, candidate)) {
                        // only the first line of a name counts, as for getHeader; Tomcat's parser
                        // gives every line a value (an empty one too), but a value set to null is absent
                        seen |= bit;
                        if ((int) TYPE.invokeExact(VALUE_AT.invokeExact(headers, line)) != NULL) {
                            present |= bit;
                        }
                        break;
                    }
                }
            }
            return present;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The request's {@code MimeHeaders}: three field reads once the JIT has inlined the handles. */
    private static Object headers(HttpServletRequest request) throws Throwable {
        return MIME_HEADERS.invokeExact(COYOTE_REQUEST.invokeExact(CONNECTOR_REQUEST.invokeExact((Object) request)));
    }

    /** Tomcat's methods, typed as {@code Object} so that this class names no Tomcat type; found once. */
    record Handles(
            Class<?> facade,
            MethodHandle connectorRequest,
            MethodHandle coyoteRequest,
            MethodHandle headers,
            MethodHandle header,
            MethodHandle valueNamed,
            MethodHandle size,
            MethodHandle nameAt,
            MethodHandle valueAt,
            MethodHandle length,
            MethodHandle equalsIgnoreCase,
            MethodHandle type,
            MethodHandle hash,
            MethodHandle equalsString,
            MethodHandle setString,
            MethodHandle toStringType) {

        /** The handles on {@code facade}; {@code null} without Tomcat or when its layout differs. */
        static @Nullable Handles find(@Nullable Class<?> facade) {
            if (facade == null) {
                return null;
            }
            try {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                Field requestField = facade.getDeclaredField("request");
                if (Modifier.isStatic(requestField.getModifiers())) {
                    return unsupported(facade, "unexpected fields");
                }
                requestField.setAccessible(true);
                Class<?> connector = requestField.getType();
                MethodHandle coyote = lookup.unreflect(connector.getMethod("getCoyoteRequest"));
                Class<?> mime =
                        coyote.type().returnType().getMethod("getMimeHeaders").getReturnType();
                MethodHandle headers =
                        lookup.unreflect(coyote.type().returnType().getMethod("getMimeHeaders"));
                MethodHandle valueNamed = lookup.unreflect(mime.getMethod("getValue", String.class));
                Class<?> bytes = valueNamed.type().returnType();
                MethodType objectToObject = MethodType.methodType(Object.class, Object.class);
                MethodType objectToInt = MethodType.methodType(int.class, Object.class);
                MethodType atIndex = MethodType.methodType(Object.class, Object.class, int.class);
                return new Handles(
                        facade,
                        MethodHandles.lookup().unreflectGetter(requestField).asType(objectToObject),
                        coyote.asType(objectToObject),
                        headers.asType(objectToObject),
                        lookup.unreflect(mime.getMethod("getHeader", String.class))
                                .asType(MethodType.methodType(String.class, Object.class, String.class)),
                        valueNamed.asType(MethodType.methodType(Object.class, Object.class, String.class)),
                        lookup.unreflect(mime.getMethod("size")).asType(objectToInt),
                        lookup.unreflect(mime.getMethod("getName", int.class)).asType(atIndex),
                        lookup.unreflect(mime.getMethod("getValue", int.class)).asType(atIndex),
                        lookup.unreflect(bytes.getMethod("getLength")).asType(objectToInt),
                        lookup.unreflect(bytes.getMethod("equalsIgnoreCase", String.class))
                                .asType(MethodType.methodType(boolean.class, Object.class, String.class)),
                        lookup.unreflect(bytes.getMethod("getType")).asType(objectToInt),
                        lookup.unreflect(bytes.getMethod("hashCode")).asType(objectToInt),
                        lookup.unreflect(bytes.getMethod("equals", String.class))
                                .asType(MethodType.methodType(boolean.class, Object.class, String.class)),
                        lookup.unreflect(bytes.getMethod("setString", String.class))
                                .asType(MethodType.methodType(void.class, Object.class, String.class)),
                        lookup.unreflect(bytes.getMethod("toStringType"))
                                .asType(MethodType.methodType(String.class, Object.class)));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
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
