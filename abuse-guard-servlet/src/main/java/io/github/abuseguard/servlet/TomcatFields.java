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
 * <p>Each call gets arrays of its own: Tomcat reuses a header slot's buffer for later fields (the
 * {@code Content-Length} it writes into in place, for one), so an array shared between responses or
 * between two fields could be overwritten.
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
     * Sets the field {@code name} to {@code value} as {@code setHeader} would; {@code nameBytes} is the
     * name in US-ASCII and {@code value} has no control character. {@code handles} are those
     * {@link #access} gave for this response, and the arrays are given to no other call.
     */
    static void set(Handles handles, HttpServletResponse response, String name, byte[] nameBytes, byte[] value) {
        try {
            Object connectorResponse = handles.connectorResponse.invokeExact((Object) response);
            if (response.isCommitted() || (boolean) handles.included.invokeExact(connectorResponse)) {
                return; // what setHeader does then: the field is ignored
            }
            Object headers = handles.headers.invokeExact(handles.coyoteResponse.invokeExact(connectorResponse));
            handles.removeHeader.invokeExact(headers, name);
            Object field = handles.addValue.invokeExact(headers, nameBytes, 0, nameBytes.length);
            handles.setBytes.invokeExact(field, value, 0, value.length);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable impossible) {
            // the handles throw no checked exception: the methods they call declare none
            throw new IllegalStateException(impossible);
        }
    }

    /** Tomcat's methods, typed as {@code Object} so that this class names no Tomcat type. */
    record Handles(
            MethodHandle connectorResponse,
            MethodHandle included,
            MethodHandle coyoteResponse,
            MethodHandle headers,
            MethodHandle removeHeader,
            MethodHandle addValue,
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
                MethodHandle add =
                        lookup.unreflect(mimeHeaders.getMethod("addValue", byte[].class, int.class, int.class));
                MethodHandle setBytes = lookup.unreflect(
                        add.type().returnType().getMethod("setBytes", byte[].class, int.class, int.class));
                return new Handles(
                        fields.unreflectGetter(responseField).asType(MethodType.methodType(Object.class, Object.class)),
                        fields.unreflectGetter(includedField)
                                .asType(MethodType.methodType(boolean.class, Object.class)),
                        coyote.asType(MethodType.methodType(Object.class, Object.class)),
                        headers.asType(MethodType.methodType(Object.class, Object.class)),
                        remove.asType(MethodType.methodType(void.class, Object.class, String.class)),
                        add.asType(
                                MethodType.methodType(Object.class, Object.class, byte[].class, int.class, int.class)),
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
