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
 * <p>Tomcat's types are reached by reflection from the response's own class, once per class and kept
 * per class ({@link ClassHandles}, so two Tomcat class loaders never share handles): nothing
 * here needs Tomcat on the class path. On any other container, on a wrapped response, or when a Tomcat
 * version lays out these types differently, {@link #access} is {@code null} and the filter calls
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

    /** Tomcat's handles per facade class, once found. */
    private static final ClassHandles<Handles> HANDLES = new ClassHandles<>(FACADE, Handles::find);

    private TomcatFields() {}

    /**
     * Tomcat's methods for {@code response}'s class when it is Tomcat's own response object, to which
     * {@link #set} hands bytes; {@code null} otherwise.
     */
    static @Nullable Handles access(HttpServletResponse response) {
        return HANDLES.get(response.getClass());
    }

    /**
     * Adds the field {@code name} with a value of {@code length} bytes, replacing any field of that name
     * as {@code setHeader} would, and answers the array whose first {@code length} bytes the caller must
     * fill in with the value (no control character) before the response is committed; {@code null} when
     * the field is ignored, as {@code setHeader} ignores it once the response is committed or inside an
     * include. {@code nameBytes} is {@code name} in US-ASCII and is only read; {@code handles} are those
     * {@link #access} gave for this response.
     */
    static byte @Nullable [] field(
            Handles handles, HttpServletResponse response, String name, byte[] nameBytes, int length) {
        try {
            Object connectorResponse = handles.connectorResponse.invokeExact((Object) response);
            if (response.isCommitted() || (boolean) handles.included.invokeExact(connectorResponse)) {
                return null; // what setHeader does then: the field is ignored
            }
            Object headers = handles.headers.invokeExact(handles.coyoteResponse.invokeExact(connectorResponse));
            handles.removeHeader.invokeExact(headers, name);
            // addValue(String) appends a slot and sets its name as a string; the name's bytes then go
            // into the slot's own name buffer, so that Tomcat does not encode the string when it writes.
            Object value = handles.addValue.invokeExact(headers, name);
            Object nameField = handles.name.invokeExact(headers, (int) handles.size.invokeExact(headers) - 1);
            byte[] nameBuffer = slotBuffer(handles, nameField, nameBytes.length);
            System.arraycopy(nameBytes, 0, nameBuffer, 0, nameBytes.length);
            return slotBuffer(handles, value, length);
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
    private static byte[] slotBuffer(Handles handles, Object messageBytes, int length) throws Throwable {
        Object chunk = handles.byteChunk.invokeExact(messageBytes);
        handles.allocate.invokeExact(chunk, length, -1);
        byte[] buffer = (byte[]) handles.buffer.invokeExact(chunk);
        handles.setBytes.invokeExact(messageBytes, buffer, 0, length);
        return buffer;
    }

    /** Tomcat's methods, typed as {@code Object} so that this class names no Tomcat type. */
    record Handles(
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

        static Handles find(Class<?> facade) {
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

        private static Handles unsupported(Class<?> facade, String why) {
            log.debug("Response fields go through setHeader on {}: {}", facade.getName(), why);
            return null;
        }
    }
}
