package io.github.abuseguard.servlet;

import jakarta.servlet.http.HttpServletResponse;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets a response field on Tomcat as bytes. Through the servlet API a field is a string, and Tomcat's
 * connector encodes every string field of a response when it writes the head, name and value each
 * through a new {@code CharsetEncoder}, {@code CharBuffer} and {@code ByteBuffer}: about 500 bytes of
 * garbage per field (measured on Tomcat 11 with {@code CostHarness --mode=profile}), more than the
 * whole guard allocates. Tomcat's own header list holds fields as bytes too (every request header is
 * one) and copies those to the wire as they are, so on Tomcat's own response object, not wrapped by
 * anything, the filter hands it the field's bytes: the same field on the wire, set with the same
 * semantics as {@code setHeader} (replacing a field of the same name, ignored once the response is
 * committed or inside an include).
 *
 * <p>Tomcat's types are reached by reflection, once, on the response facade class this library's own
 * class loader resolves, and used only on responses of exactly that class: nothing here needs Tomcat on
 * the class path, and another class loader's Tomcat is never written through these handles. Each handle
 * sits in a static final field of its own, which the JIT takes for a constant and compiles a call
 * through as a direct call (read from an object, a handle is called through a generic invoker that
 * checks its type and casts every argument). On any other container, on a wrapped response, or when a
 * Tomcat version lays out these types differently, {@link #writes} is {@code false} and the filter calls
 * {@code setHeader}.
 *
 * <p>The bytes go into the arrays Tomcat's header slot already holds. Tomcat recycles a response's
 * header slots with their buffers between the requests of a processor and writes into a slot's buffer
 * itself ({@code Content-Length} is rendered in place, {@code MessageBytes.setLong}), so a slot's buffer
 * belongs to the slot: filling it is what Tomcat does, and after the first few requests a field costs no
 * allocation at all. A buffer too short for the field is replaced by a new one of the slot's own. No
 * array of ours is ever handed to Tomcat, as one shared between responses or fields would be
 * overwritten by the next value written in place.
 */
final class TomcatFields {
    static final String FACADE = "org.apache.catalina.connector.ResponseFacade";

    private static final Logger log = LoggerFactory.getLogger(TomcatFields.class);

    /** Tomcat's methods for the facade class this class's loader resolves, {@code null} without Tomcat. */
    private static final @Nullable Handles TOMCAT = Handles.find(TomcatClasses.facade(FACADE, TomcatFields.class));

    private static final @Nullable Class<?> FACADE_CLASS = TOMCAT == null ? null : TOMCAT.facade;
    private static final MethodHandle CONNECTOR_RESPONSE = TOMCAT == null ? null : TOMCAT.connectorResponse;
    private static final MethodHandle INCLUDED = TOMCAT == null ? null : TOMCAT.included;
    private static final MethodHandle COYOTE_RESPONSE = TOMCAT == null ? null : TOMCAT.coyoteResponse;
    private static final MethodHandle HEADERS = TOMCAT == null ? null : TOMCAT.headers;
    private static final MethodHandle REMOVE_HEADER = TOMCAT == null ? null : TOMCAT.removeHeader;
    private static final MethodHandle ADD_VALUE = TOMCAT == null ? null : TOMCAT.addValue;
    private static final MethodHandle SIZE = TOMCAT == null ? null : TOMCAT.size;
    private static final MethodHandle NAME = TOMCAT == null ? null : TOMCAT.name;
    private static final MethodHandle BYTE_CHUNK = TOMCAT == null ? null : TOMCAT.byteChunk;
    private static final MethodHandle ALLOCATE = TOMCAT == null ? null : TOMCAT.allocate;
    private static final MethodHandle BUFFER = TOMCAT == null ? null : TOMCAT.buffer;
    private static final MethodHandle SET_BYTES = TOMCAT == null ? null : TOMCAT.setBytes;

    private TomcatFields() {}

    /** Whether {@code response} is Tomcat's own response object, to which {@link #field} hands bytes. */
    static boolean writes(HttpServletResponse response) {
        return response.getClass() == FACADE_CLASS;
    }

    /**
     * Adds the field {@code name} with a value of {@code length} bytes, replacing any field of that name
     * as {@code setHeader} would, and answers the array whose first {@code length} bytes the caller must
     * fill in with the value (no control character) before the response is committed; {@code null} when
     * the field is ignored, as {@code setHeader} ignores it once the response is committed or inside an
     * include. {@code nameBytes} is {@code name} in US-ASCII and is only read; {@code response} is one
     * that {@link #writes}.
     */
    static byte @Nullable [] field(HttpServletResponse response, String name, byte[] nameBytes, int length) {
        Object headers = settableHeaders(response);
        return headers == null ? null : field(headers, name, nameBytes, length);
    }

    /**
     * Tomcat's list of {@code response}'s header fields, for {@link #field(Object, String, byte[], int)};
     * {@code null} when {@code setHeader} would ignore a field now (the response is committed, or this is
     * an include). Setting a field commits nothing, so the answer holds for the fields set one after the
     * other: one look-up for both rate-limit fields. {@code response} is one that {@link #writes}.
     */
    static @Nullable Object settableHeaders(HttpServletResponse response) {
        try {
            Object connectorResponse = CONNECTOR_RESPONSE.invokeExact((Object) response);
            if (response.isCommitted() || (boolean) INCLUDED.invokeExact(connectorResponse)) {
                return null; // what setHeader does then: the field is ignored
            }
            return HEADERS.invokeExact(COYOTE_RESPONSE.invokeExact(connectorResponse));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable impossible) {
            // the handles throw no checked exception: the methods they call declare none
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * As {@link #field(HttpServletResponse, String, byte[], int)}, into {@code headers} that {@link
     * #settableHeaders} answered for a response not committed since.
     */
    static byte[] field(Object headers, String name, byte[] nameBytes, int length) {
        try {
            REMOVE_HEADER.invokeExact(headers, name);
            // addValue(String) appends a slot and sets its name as a string; the name's bytes then go
            // into the slot's own name buffer, so that Tomcat does not encode the string when it writes.
            Object value = ADD_VALUE.invokeExact(headers, name);
            Object nameField = NAME.invokeExact(headers, (int) SIZE.invokeExact(headers) - 1);
            byte[] nameBuffer = slotBuffer(nameField, nameBytes.length);
            System.arraycopy(nameBytes, 0, nameBuffer, 0, nameBytes.length);
            return slotBuffer(value, length);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable impossible) {
            // the handles throw no checked exception: the methods they call declare none
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * Makes {@code messageBytes} hold {@code length} bytes in its own buffer, kept from an earlier use of
     * the slot when it is large enough ({@code ByteChunk.allocate}), and answers that buffer.
     */
    private static byte[] slotBuffer(Object messageBytes, int length) throws Throwable {
        Object chunk = BYTE_CHUNK.invokeExact(messageBytes);
        ALLOCATE.invokeExact(chunk, length, -1);
        byte[] buffer = (byte[]) BUFFER.invokeExact(chunk);
        SET_BYTES.invokeExact(messageBytes, buffer, 0, length);
        return buffer;
    }

    /** Tomcat's methods, typed as {@code Object} so that this class names no Tomcat type. */
    record Handles(
            Class<?> facade,
            MethodHandle connectorResponse,
            MethodHandle included,
            MethodHandle coyoteResponse,
            MethodHandle headers,
            MethodHandle removeHeader,
            MethodHandle addValue,
            MethodHandle size,
            MethodHandle name,
            MethodHandle byteChunk,
            MethodHandle allocate,
            MethodHandle buffer,
            MethodHandle setBytes) {

        /** The handles on {@code facade}; {@code null} without Tomcat or when its layout differs. */
        static @Nullable Handles find(@Nullable Class<?> facade) {
            if (facade == null) {
                return null;
            }
            try {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                Field responseField = facade.getDeclaredField("response");
                Class<?> connector = responseField.getType();
                Field includedField = connector.getDeclaredField("included");
                if (Modifier.isStatic(responseField.getModifiers())
                        || Modifier.isStatic(includedField.getModifiers())
                        || includedField.getType() != boolean.class) {
                    return unsupported(facade, "unexpected fields");
                }
                responseField.setAccessible(true);
                includedField.setAccessible(true);
                MethodHandles.Lookup fields = MethodHandles.lookup();
                MethodHandle coyote = lookup.unreflect(connector.getMethod("getCoyoteResponse"));
                MethodHandle headers =
                        lookup.unreflect(coyote.type().returnType().getMethod("getMimeHeaders"));
                Class<?> mimeHeaders = headers.type().returnType();
                MethodHandle remove = lookup.unreflect(mimeHeaders.getMethod("removeHeader", String.class));
                MethodHandle add = lookup.unreflect(mimeHeaders.getMethod("addValue", String.class));
                MethodHandle size = lookup.unreflect(mimeHeaders.getMethod("size"));
                MethodHandle name = lookup.unreflect(mimeHeaders.getMethod("getName", int.class));
                Class<?> messageBytes = add.type().returnType();
                if (name.type().returnType() != messageBytes || size.type().returnType() != int.class) {
                    return unsupported(facade, "unexpected header types");
                }
                MethodHandle byteChunk = lookup.unreflect(messageBytes.getMethod("getByteChunk"));
                Class<?> chunk = byteChunk.type().returnType();
                MethodHandle allocate = lookup.unreflect(chunk.getMethod("allocate", int.class, int.class));
                MethodHandle buffer = lookup.unreflect(chunk.getMethod("getBuffer"));
                MethodHandle setBytes =
                        lookup.unreflect(messageBytes.getMethod("setBytes", byte[].class, int.class, int.class));
                if (buffer.type().returnType() != byte[].class) {
                    return unsupported(facade, "unexpected buffer type");
                }
                return new Handles(
                        facade,
                        fields.unreflectGetter(responseField).asType(MethodType.methodType(Object.class, Object.class)),
                        fields.unreflectGetter(includedField)
                                .asType(MethodType.methodType(boolean.class, Object.class)),
                        coyote.asType(MethodType.methodType(Object.class, Object.class)),
                        headers.asType(MethodType.methodType(Object.class, Object.class)),
                        remove.asType(MethodType.methodType(void.class, Object.class, String.class)),
                        add.asType(MethodType.methodType(Object.class, Object.class, String.class)),
                        size.asType(MethodType.methodType(int.class, Object.class)),
                        name.asType(MethodType.methodType(Object.class, Object.class, int.class)),
                        byteChunk.asType(MethodType.methodType(Object.class, Object.class)),
                        allocate.asType(MethodType.methodType(void.class, Object.class, int.class, int.class)),
                        buffer.asType(MethodType.methodType(byte[].class, Object.class)),
                        setBytes.asType(
                                MethodType.methodType(void.class, Object.class, byte[].class, int.class, int.class)));
            } catch (ReflectiveOperationException | RuntimeException e) {
                // An unknown Tomcat layout or a refused access: setHeader still works, at its usual cost.
                return unsupported(facade, e.toString());
            }
        }

        private static @Nullable Handles unsupported(Class<?> facade, String why) {
            log.debug("Response fields go through setHeader on {}: {}", facade.getName(), why);
            return null;
        }
    }
}
