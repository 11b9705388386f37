package io.github.abuseguard;

import io.github.abuseguard.internal.ContentType;
import io.github.abuseguard.internal.FormFields;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonPointer;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.json.JsonFactory;

/**
 * A request body as a guard reads it: the bytes read (at most {@code abuse-guard.body.max-bytes}),
 * whether they are the whole body, and the content type that says how to parse them.
 *
 * <p>Fields are read from the whole body or not at all: a body longer than the bytes read is
 * {@link BodyField.Unreadable#TOO_LARGE}, never judged by its prefix, so padding cannot push a field
 * out of a guard's sight. JSON is parsed with Jackson's streaming parser in the declared charset (or
 * by Jackson's detection of UTF-8, UTF-16 and UTF-32 when none is declared), as the application's
 * Jackson data binding parses it; form bodies are split and decoded by the same code that serves the
 * application its parameters.
 */
public final class RequestBody {

    private static final JsonFactory JSON = new JsonFactory();
    private static final RequestBody EMPTY = new RequestBody(new byte[0], 0, true, null, false);

    private final byte[] bytes;
    private final int length;
    private final boolean complete;
    private final String contentType;
    /** Whether a form is also read as Spring's form converter reads it ({@link #whole(byte[], int, String, String)}). */
    private final boolean convertedForm;

    private Map<String, List<String>> formFields;

    /** Whether the form had a pair with a bad {@code %} escape (set with {@link #formFields}). */
    private boolean formMalformed;

    private RequestBody(byte[] bytes, int length, boolean complete, String contentType, boolean convertedForm) {
        this.bytes = bytes;
        this.length = length;
        this.complete = complete;
        this.contentType = contentType;
        this.convertedForm = convertedForm;
    }

    /** No body. */
    public static RequestBody empty() {
        return EMPTY;
    }

    /**
     * The whole body, as read. The array is used as it is, not copied.
     *
     * @param bytes the buffer holding what was read
     * @param length how many bytes of the buffer were read: the whole body
     * @param contentType the request's content type, or {@code null}
     * @throws IllegalArgumentException if {@code length} lies outside the buffer
     */
    public static RequestBody whole(byte[] bytes, int length, @Nullable String contentType) {
        return read(bytes, length, true, contentType, false);
    }

    /**
     * The whole body of a request of {@code method}, as {@link #whole(byte[], int, String)}. A form of a {@code PUT},
     * {@code PATCH} or {@code DELETE} request, which Spring's {@code FormContentFilter} binds with its form converter,
     * is read as that converter reads it too where the two readings may differ (a multi-byte charset other than
     * UTF-8), and a value either reading finds is the field's (review132 F2, review133 F4). A {@code POST} form, as a
     * browser sends it, is read as the container serves it only (review133 F1: a Shift_JIS browser escapes a
     * character's lead byte and sends its second as a letter, which the converter reads apart).
     */
    public static RequestBody whole(byte[] bytes, int length, @Nullable String contentType, @Nullable String method) {
        return read(bytes, length, true, contentType, FormFields.boundByConverter(method));
    }

    /**
     * The first bytes of a body that has more (or of one not read at all: {@code length} 0), whose
     * fields are {@link BodyField.Unreadable#TOO_LARGE}. The array is used as it is, not copied.
     *
     * @param bytes the buffer holding what was read
     * @param length how many bytes of the buffer were read
     * @param contentType the request's content type, or {@code null}
     * @throws IllegalArgumentException if {@code length} lies outside the buffer
     */
    public static RequestBody prefix(byte[] bytes, int length, @Nullable String contentType) {
        return read(bytes, length, false, contentType, false);
    }

    private static RequestBody read(
            byte[] bytes, int length, boolean complete, @Nullable String contentType, boolean convertedForm) {
        if (length < 0 || length > bytes.length) {
            throw new IllegalArgumentException("length " + length + " outside the buffer of " + bytes.length);
        }
        return new RequestBody(bytes, length, complete, contentType, convertedForm);
    }

    /** The number of bytes read. */
    public int length() {
        return length;
    }

    /** Whether the bytes read are the whole body. */
    public boolean isComplete() {
        return complete;
    }

    /** The request's content type, or {@code null}. */
    public @Nullable String contentType() {
        return contentType;
    }

    /** A copy of the bytes read. */
    public byte[] bytes() {
        byte[] copy = new byte[length];
        System.arraycopy(bytes, 0, copy, 0, length);
        return copy;
    }

    /**
     * A field of the body: a JSON value by JSON Pointer (RFC 6901) when the body is JSON, or a form field
     * when it is {@code application/x-www-form-urlencoded}, where {@code /email} names the field
     * {@code email}.
     *
     * <p>Every value the field has is returned: a JSON key given twice, at any distance, yields both, and
     * an array at the pointer yields its scalar elements (a binder that unwraps single-element arrays
     * would bind them). Objects at the pointer, and {@code null}, are not values. A field of more than
     * {@link BodyField#MAX_VALUES} values is {@link BodyField.Unreadable#TOO_MANY_VALUES}, and the body is
     * not read past the first value beyond that bound.
     *
     * @throws IllegalArgumentException if the pointer is malformed
     */
    public BodyField field(String pointer) {
        JsonPointer compiled = JsonPointer.compile(pointer);
        if (length == 0 && complete) {
            return BodyField.absent();
        }
        if (!complete) {
            return BodyField.unreadable(BodyField.Unreadable.TOO_LARGE);
        }
        ContentType type = ContentType.parse(contentType);
        if (type.isAmbiguous()) {
            return BodyField.unreadable(BodyField.Unreadable.UNSUPPORTED);
        }
        if (type.isForm()) {
            return formField(formName(pointer), type);
        }
        if (type.isMultipart()) {
            return BodyField.unreadable(BodyField.Unreadable.UNSUPPORTED);
        }
        return jsonField(compiled, type);
    }

    /**
     * The values a request parameter of this name takes from the body, as a servlet container's
     * {@code getParameterValues} (and so Spring's {@code @RequestParam}) takes them: from an {@code
     * application/x-www-form-urlencoded} body, under the name itself and each {@linkplain #formSpellings
     * spelling} Spring's data binding reads it by; absent for a body of any other type, which gives no
     * parameters, without reading it. A form body longer than the bytes read is {@link
     * BodyField.Unreadable#TOO_LARGE}; a multipart body, whose parts only the container parses, is
     * {@link BodyField.Unreadable#UNSUPPORTED} here (the servlet adapter reads its parts from the container).
     */
    public BodyField parameter(String name) {
        if (length == 0 && complete) {
            return BodyField.absent();
        }
        ContentType type = ContentType.parse(contentType);
        if (!type.isForm() && !type.isMultipart()) {
            // A type a container parses no parameters from, however its parameters are spelt: a quote or
            // a second charset changes how the body is decoded, never whether it is a form.
            return BodyField.absent();
        }
        if (type.isAmbiguous()) {
            return BodyField.unreadable(BodyField.Unreadable.UNSUPPORTED);
        }
        if (!complete) {
            return BodyField.unreadable(BodyField.Unreadable.TOO_LARGE);
        }
        if (type.isMultipart()) {
            return BodyField.unreadable(BodyField.Unreadable.UNSUPPORTED);
        }
        return formField(name, type);
    }

    /**
     * The form field a pointer names, as Spring's data binding names nested properties:
     * {@code /email} is {@code email}, {@code /user/email} is {@code user.email}.
     */
    public static String formName(String pointer) {
        return (pointer.startsWith("/") ? pointer.substring(1) : pointer).replace('/', '.');
    }

    private BodyField formField(String name, ContentType type) {
        Charset charset = type.charset(FormFields.DEFAULT_CHARSET);
        if (charset == null || !FormFields.isAsciiCompatible(charset)) {
            return BodyField.unreadable(BodyField.Unreadable.UNSUPPORTED);
        }
        if (formFields == null) {
            Map<String, List<String>> parsed = new LinkedHashMap<>();
            formMalformed = !FormFields.parse(bytes, 0, length, charset, parsed);
            if (convertedForm && !formMalformed && FormFields.readsDifferentlyToConverters(charset)) {
                // a value Spring's form converter reads differently is judged as well: each reading may bind
                Map<String, List<String>> converted = new LinkedHashMap<>();
                formMalformed = !FormFields.parseAsConverter(bytes, 0, length, charset, converted);
                converted.forEach((field, values) -> {
                    List<String> read = parsed.computeIfAbsent(field, unread -> new ArrayList<>(values.size()));
                    for (String value : values) {
                        if (!read.contains(value)) {
                            read.add(value);
                        }
                    }
                });
                formMalformed |= parsed.size() > FormFields.MAX_NAMES;
            }
            formFields = parsed;
        }
        if (formMalformed) {
            if (formFields.size() >= FormFields.MAX_NAMES) {
                // more names than containers take (probe59c F3): the parse stopped at the bound
                return BodyField.unreadable(BodyField.Unreadable.TOO_MANY_VALUES);
            }
            // a pair this parser cannot decode may be one the application's decodes: Java's URLDecoder, behind
            // Spring's form converter, reads any Unicode digit in an escape, so `email=x%４０mailinator.com` was
            // a field the guard skipped and the handler bound (probe48c F2). Such a form is no form to judge.
            return BodyField.unreadable(BodyField.Unreadable.MALFORMED);
        }
        BodyField field = BodyField.absent();
        for (String spelling : formSpellings(name)) {
            List<String> values = formFields.get(spelling);
            if (values != null) {
                field = field.with(values);
            }
        }
        for (Map.Entry<String, List<String>> named : formFields.entrySet()) {
            if (isIndexedSpelling(named.getKey(), name)) {
                field = field.with(named.getValue());
            }
        }
        return field;
    }

    /**
     * Whether Spring's data binding reads a parameter named {@code given} as an element of the field {@code name}:
     * one of its {@linkplain #formSpellings spellings} with index or key groups after a segment ({@code email[0]},
     * {@code email[home]}, {@code user[2].email}, which a {@code List}, array or {@code Map} property binds), with or
     * without the {@code !} of a field's default (probe52b F1: {@code email[0]=x@mailinator.com} bound into a {@code
     * List<String>} walked past the guard), and {@code !email[]}, whose default Spring takes for {@code email[]}, then
     * {@code email}. The spellings themselves ({@code email[]} among them) are not: callers read those by name.
     * Allocates only for a name holding a {@code [}.
     */
    public static boolean isIndexedSpelling(String given, String name) {
        if (given.indexOf('[') < 0) {
            return false;
        }
        // Each dotted segment read up to its first '[', as Spring's property path reads it: a '.' splits segments
        // outside a key, and each '[' or ']' steps in or out of one (review53 F1: emails[0]], emails[0]x and
        // users[0]x.email; review54 F3: user[0]][.email, split where nested counting did not)
        StringBuilder stripped = new StringBuilder(given.length());
        boolean inKey = false;
        boolean indexed = false;
        for (int i = given.startsWith("!") ? 1 : 0; i < given.length(); i++) {
            char c = given.charAt(i);
            if (c == '[') {
                inKey = !inKey;
                indexed = true;
            } else if (c == ']') {
                inKey = !inKey;
                if (!indexed) {
                    stripped.append(c); // part of the name, before any key
                }
            } else if (c == '.' && !inKey) {
                stripped.append(c);
                indexed = false;
            } else if (!indexed) {
                stripped.append(c);
            }
        }
        List<String> spellings = formSpellings(name);
        return !spellings.contains(given) && spellings.contains(stripped.toString());
    }

    /** The most segments of a dotted form name spelled with their case changed. */
    static final int MAX_SPELLED_SEGMENTS = 4;

    /** The most names whose spellings are kept. */
    static final int SPELLINGS_CACHED = 256;

    private static final ConcurrentMap<String, List<String>> FORM_SPELLINGS = new ConcurrentHashMap<>();

    /**
     * The names a form field is bound from by Spring's data binding: {@code name}, {@code name[]} (array
     * syntax without an index, which it takes for {@code name}) and {@code !name} (its default for the field
     * when {@code name} is absent), each also with every segment of a dotted name capitalised and
     * uncapitalised ({@code Email} for {@code email}, {@code User.Email} for {@code user.email}): a bean
     * property that is not found under the name sent is looked up under those two spellings, so model
     * attribute binding takes {@code Email=} for {@code setEmail} (probe43a F1). A guard judges the values of
     * all of them, so that no spelling the application binds walks past it. Names of more than {@value
     * #MAX_SPELLED_SEGMENTS} segments are spelled only as given. The lists of up to {@value #SPELLINGS_CACHED}
     * names are kept: rules name few fields.
     */
    public static List<String> formSpellings(String name) {
        List<String> spellings = FORM_SPELLINGS.get(name);
        if (spellings == null) {
            spellings = spell(name);
            if (FORM_SPELLINGS.size() < SPELLINGS_CACHED) {
                FORM_SPELLINGS.putIfAbsent(name, spellings);
            }
        }
        return spellings;
    }

    /**
     * The request headers Spring's data binding leaves alone by default (its header predicate): they say
     * what the client is, not what it fills in.
     */
    private static final String[] UNBOUND_HEADERS = {
        "Accept",
        "Authorization",
        "Connection",
        "Cookie",
        "From",
        "Host",
        "Origin",
        "Priority",
        "Range",
        "Referer",
        "Upgrade"
    };

    /**
     * Whether Spring's data binding may bind a request header of this name to the form field {@code name}
     * (probe43a G1). Model attribute binding takes every request header as a value, unless the request has a
     * parameter of the same name, under the header's name with its dashes dropped and its first letter
     * lower-cased ({@code E-mail} and {@code Em-ail} bind {@code email}, {@code User.E-mail} binds {@code
     * user.email}, {@code !E-mail} is the field's default); constructor binding asks for the header named as
     * the field ({@code Email}). Compared with the field's {@linkplain #formSpellings spellings} without case,
     * a few more names than bind: none is missed. The headers Spring never binds ({@code From}, {@code
     * Origin}, {@code Referer}, {@code Cookie}...) are not.
     */
    public static boolean headerBinds(String header, String name) {
        for (String unbound : UNBOUND_HEADERS) {
            if (unbound.equalsIgnoreCase(header)) {
                return false;
            }
        }
        for (String spelling : formSpellings(name)) {
            if (spelling.equalsIgnoreCase(header) || sameWithoutDashes(header, spelling)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the header's name without its dashes is the spelling, case aside; allocates nothing. */
    private static boolean sameWithoutDashes(String header, String spelling) {
        int next = 0;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '-') {
                continue;
            }
            if (next == spelling.length()) {
                return false;
            }
            char d = spelling.charAt(next++);
            if (c != d
                    && Character.toUpperCase(c) != Character.toUpperCase(d)
                    && Character.toLowerCase(c) != Character.toLowerCase(d)) {
                return false;
            }
        }
        return next == spelling.length();
    }

    /**
     * Whether Spring's data binding may take a value given under {@code given} (a request parameter, a
     * header's name without its dashes, a URI template variable) for the form field {@code name}: {@code
     * given} is one of the field's {@linkplain #formSpellings spellings}, compared without case.
     */
    public static boolean bindsName(String given, String name) {
        for (String spelling : formSpellings(name)) {
            if (spelling.equalsIgnoreCase(given)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> spell(String name) {
        List<String> names = new ArrayList<>(List.of(""));
        String[] segments = name.split("\\.", -1);
        boolean spelled = segments.length <= MAX_SPELLED_SEGMENTS;
        for (int s = 0; s < segments.length; s++) {
            String segment = segments[s];
            Set<String> forms = new LinkedHashSet<>();
            forms.add(segment);
            if (spelled && !segment.isEmpty()) {
                forms.add(Character.toUpperCase(segment.charAt(0)) + segment.substring(1));
                forms.add(Character.toLowerCase(segment.charAt(0)) + segment.substring(1));
            }
            List<String> longer = new ArrayList<>(names.size() * forms.size());
            for (String prefix : names) {
                for (String form : forms) {
                    longer.add(s == 0 ? form : prefix + "." + form);
                }
            }
            names = longer;
        }
        List<String> spellings = new ArrayList<>(names.size() * 3);
        for (String base : names) {
            spellings.add(base);
            spellings.add(base + "[]");
            spellings.add("!" + base);
        }
        return List.copyOf(spellings);
    }

    private BodyField jsonField(JsonPointer pointer, ContentType type) {
        Charset charset = type.charset(null);
        if (type.declaresCharset() && (charset == null || !charset.canEncode())) {
            // a charset that decodes only (x-JISAutoDetect) cannot be read both ways below (review132 F1: its missing
            // encoder threw, and the default fail-open let any address through); forms refuse it too
            return BodyField.unreadable(BodyField.Unreadable.UNSUPPORTED);
        }
        if (charset != null && ContentType.isUnicode(charset)) {
            // Spring's Jackson converter lets Jackson detect any Unicode encoding from the bytes,
            // whichever one is declared; so does the guard.
            charset = null;
        } else if (charset != null && !ContentType.isAsciiTransparent(charset)) {
            // A charset in which '\\' or '"' is another byte could make the guard and a reader that
            // ignores the declaration see different structure.
            return BodyField.unreadable(BodyField.Unreadable.UNSUPPORTED);
        }
        JsonPointer[] segments = segments(pointer);
        BodyField declared = jsonField(segments, charset, false);
        if (charset != null) {
            // An application parsing the bytes with Jackson ignores a declared charset and reads UTF-8. A multi-byte
            // charset's sequence may take an ASCII byte as its second (probe74a F2: 'bot\u4e01@yopmail.com' declared
            // GBK read as no address here, and signed up there), and a single-byte one reads UTF-8's sequences as
            // letters (probe79b F1: 'bot\uff20yopmail.com' declared ISO-8859-1 or KOI8-R read as 'bot\u00ef\u00bc
            // \u00a0yopmail.com' here, and as bot@yopmail.com there). A body both read, differently, is refused; one
            // not
            // UTF-8 (a real Latin-1 body's 'é') is read as declared only. The bytes are read as an application's parser
            // reads them, their first value only (review131 F2: a trailing value that is no UTF-8 made this reading
            // malformed, and the declared one decided alone).
            BodyField bytesRead = jsonField(segments, null, true);
            if (bytesRead.unreadableReason() != BodyField.Unreadable.MALFORMED
                    && (bytesRead.isUnreadable() != declared.isUnreadable()
                            || !bytesRead.values().equals(declared.values()))) {
                return BodyField.unreadable(BodyField.Unreadable.UNSUPPORTED);
            }
        }
        return declared;
    }

    /**
     * The values at the pointer's segments, the body read in {@code charset} ({@code null}: Jackson's detection), all of
     * it or its first value only.
     */
    private BodyField jsonField(JsonPointer[] segments, @Nullable Charset charset, boolean firstValueOnly) {
        int depth = segments.length;
        List<String> values = null;
        try (JsonParser parser = charset != null
                ? JSON.createParser(ObjectReadContext.empty(), strictReader(charset))
                : startsWithWideByteOrderMark()
                        ? JSON.createParser(ObjectReadContext.empty(), new ByteArrayInputStream(bytes, 0, length))
                        : JSON.createParser(ObjectReadContext.empty(), bytes, 0, length)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (firstValueOnly
                        && parser.streamReadContext().inRoot()
                        && (token.isScalarValue() || token.isStructEnd())) {
                    break; // the first value ended (a root scalar is no field)
                }
                if (!token.isScalarValue() || token == JsonToken.VALUE_NULL) {
                    continue;
                }
                TokenStreamContext context = parser.streamReadContext();
                int nesting = context.getNestingDepth();
                // each step and the root behind at most two arrays, a collection's and the one-element array a binder
                // unwraps around its element (review132 F3: [{"email":["a"]},[{"email":["b"]}]] bound both addresses
                // to a List<SignUp>): deeper values are not the field's, and are not walked back (review131 F4: 499
                // nested arrays made a field's read 50 times slower)
                if (nesting >= depth && nesting <= 3 * depth + 2 && matches(context, segments)) {
                    if (values == null) {
                        values = new ArrayList<>(1);
                    } else if (values.size() == BodyField.MAX_VALUES) {
                        // one more than a field is read with: no string built for it, nothing read past it
                        return BodyField.unreadable(BodyField.Unreadable.TOO_MANY_VALUES);
                    }
                    values.add(parser.getValueAsString());
                }
            }
        } catch (JacksonException malformed) {
            return BodyField.unreadable(BodyField.Unreadable.MALFORMED);
        }
        return values == null ? BodyField.absent() : BodyField.of(values);
    }

    /**
     * Whether the body begins with a UTF-16 or UTF-32 byte-order mark. jackson-core's byte-array source
     * decodes such a body a few bytes past the length it is given (into the rest of a larger buffer, and
     * so refuses it as malformed: probe21 F4); its stream source reads exactly the body, as Spring's
     * converter does. Every other body keeps the byte-array source, which copies nothing.
     */
    private boolean startsWithWideByteOrderMark() {
        if (length < 2) {
            return false;
        }
        int first = bytes[0] & 0xFF;
        int second = bytes[1] & 0xFF;
        return (first == 0xFE && second == 0xFF) || (first == 0xFF && second == 0xFE) || (first == 0 && second == 0);
    }

    /** Decodes in the declared charset, refusing bytes the charset cannot decode instead of replacing them. */
    private InputStreamReader strictReader(Charset charset) {
        return new InputStreamReader(
                new ByteArrayInputStream(bytes, 0, length),
                charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT));
    }

    /**
     * Whether the path of {@code context} (the container of the current value) is the pointer's place, looking through
     * the arrays the pointer does not name: a binder may take a one-element array for its element (Jackson's {@code
     * UNWRAP_SINGLE_VALUE_ARRAYS}; probe74a F1, stop 69: {@code [{"email":"bot@yopmail.com"}]} signed up where the
     * guard found no field), or an array of values for the field's value; every value found so is the field's, so a
     * longer array makes the field ambiguous, never absent. Property names are compared without case: Jackson binds
     * {@code "EMAIL"} to {@code email} where the application's mapper accepts properties case-insensitively ({@code
     * spring.jackson.mapper.accept-case-insensitive-properties}, probe52b F2: it signed up {@code
     * {"EMAIL":"x@mailinator.com"}} unjudged), and a guard judges every name that may bind. {@link
     * String#equalsIgnoreCase} folds each character both ways, so it matches whatever a locale's lower-casing matches.
     */
    private static boolean matches(TokenStreamContext context, JsonPointer[] segments) {
        return matches(context, segments, segments.length - 1);
    }

    /**
     * Whether {@code level} and its parents are the pointer's first {@code last + 1} steps, an array on the way either
     * one of them (its element's index) or looked through; both are tried (review131 F1: a property named {@code "0"}
     * holding an array lost its element 0 to the step). Any number of arrays is looked through here; {@link
     * #jsonField} bounds how deep a value may be (two arrays per step and two around the root).
     */
    private static boolean matches(TokenStreamContext level, JsonPointer[] segments, int last) {
        if (last < 0) {
            TokenStreamContext up = level;
            while (up.inArray()) {
                up = up.getParent();
            }
            return up.inRoot();
        }
        JsonPointer segment = segments[last];
        if (level.inObject()) {
            return level.hasCurrentName()
                    && segment.getMatchingProperty().equalsIgnoreCase(level.currentName())
                    && matches(level.getParent(), segments, last - 1);
        }
        if (level.inArray()) {
            return (segment.matchesElement(level.getCurrentIndex()) && matches(level.getParent(), segments, last - 1))
                    || matches(level.getParent(), segments, last);
        }
        return false;
    }

    /** The pointer's steps, each a pointer whose head is that step. */
    private static JsonPointer[] segments(JsonPointer pointer) {
        List<JsonPointer> steps = new ArrayList<>(4);
        for (JsonPointer step = pointer; !step.matches(); step = step.tail()) {
            steps.add(step);
        }
        return steps.toArray(JsonPointer[]::new);
    }
}
