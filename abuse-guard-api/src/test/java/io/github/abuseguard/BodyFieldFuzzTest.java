package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.abuseguard.internal.FormFields;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Differential fuzzing of body field extraction. The oracle for JSON is Jackson data binding itself:
 * whenever it can read a body, the guard must be able to read it too and must see the value binding
 * sees. The oracle for forms is a reference decoder built on the JDK's {@link URLDecoder}.
 *
 * <p>CI runs the committed inputs (regression mode); {@code JAZZER_FUZZ=1} fuzzes (see README).
 */
class BodyFieldFuzzTest {

    private static final ObjectMapper BINDING = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final String[] POINTERS = {"/email", "/user/email", "/a/0", "/0", "/email/0", "/"};

    @FuzzTest(maxDuration = "10m")
    void jsonFieldsAreTheValuesDataBindingSees(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int choice = input[0] & 0xff;
        String pointer = POINTERS[choice % POINTERS.length];
        boolean latin1 = (choice & 0x80) != 0;
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        RequestBody request = RequestBody.whole(
                body, body.length, latin1 ? "application/json; charset=ISO-8859-1" : "application/json");

        BodyField field = request.field(pointer);

        JsonNode tree;
        try {
            tree = latin1 ? BINDING.readTree(new String(body, StandardCharsets.ISO_8859_1)) : BINDING.readTree(body);
        } catch (JacksonException bindingCannotReadIt) {
            return;
        }
        if (tree == null || tree.isMissingNode()) {
            return;
        }
        assertThat(field.isUnreadable())
                .as("data binding read the body, so must the guard")
                .isFalse();
        JsonNode bound = tree.at(pointer);
        if (bound.isString() || bound.isBoolean()) {
            assertThat(field.values()).contains(bound.asString());
        } else if (bound.isArray()) {
            for (JsonNode element : bound) {
                if (element.isString()) {
                    assertThat(field.values()).contains(element.asString());
                }
            }
        }
    }

    @FuzzTest(maxDuration = "10m")
    void formFieldsAreWhatAReferenceDecoderSees(byte[] input) {
        if (input.length == 0) {
            return;
        }
        Charset charset = (input[0] & 1) == 0 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
        byte[] body = Arrays.copyOfRange(input, 1, input.length);

        Map<String, List<String>> parsed = new LinkedHashMap<>();
        boolean wellFormed = FormFields.parse(body, 0, body.length, charset, parsed);

        assertThat(parsed).isEqualTo(reference(new String(body, StandardCharsets.ISO_8859_1), charset));
        RequestBody request =
                RequestBody.whole(body, body.length, "application/x-www-form-urlencoded; charset=" + charset.name());
        if (!wellFormed) {
            // a pair skipped for its bad escape may be one the application's decoder reads (probe48c F2)
            for (String name : parsed.keySet()) {
                assertThat(request.field("/" + name).unreadableReason()).isEqualTo(BodyField.Unreadable.MALFORMED);
            }
            assertThat(request.field("/email").unreadableReason()).isEqualTo(BodyField.Unreadable.MALFORMED);
            return;
        }
        for (String name : parsed.keySet()) {
            if (name.indexOf('/') < 0 && name.indexOf('~') < 0) {
                // a field is judged under every name Spring's data binding reads it by: name, name[], !name, each
                // with every segment also capitalised and uncapitalised, as a bean property is looked up
                List<String> bound = new ArrayList<>();
                Set<String> spellings = new LinkedHashSet<>();
                for (String base : beanSpellings(name)) {
                    spellings.addAll(List.of(base, base + "[]", "!" + base));
                }
                for (String spelling : spellings) {
                    bound.addAll(parsed.getOrDefault(spelling, List.of()));
                }
                // and as an element: each dotted segment up to its first '[' (email[0], email[k]x, user[0].email)
                for (Map.Entry<String, List<String>> other : parsed.entrySet()) {
                    if (!spellings.contains(other.getKey())
                            && other.getKey().contains("[")
                            && beanSpellings(name).contains(elementOf(other.getKey()))) {
                        bound.addAll(other.getValue());
                    }
                }
                // "/user.email" and "/user/email" both name the form field "user.email", as Spring binds it
                assertThat(request.field("/" + name).values()).containsExactlyInAnyOrderElementsOf(bound);
                assertThat(request.field("/" + name.replace('.', '/')).values())
                        .containsExactlyInAnyOrderElementsOf(bound);
            }
        }
    }

    /**
     * The property a bracketed parameter name binds an element of, as Spring's property path reads it: segments split
     * at a '.' outside a key, each '[' or ']' stepping in or out of one, each segment's name up to its first '['.
     */
    private static String elementOf(String given) {
        String name = given.startsWith("!") ? given.substring(1) : given;
        List<String> segments = new ArrayList<>();
        boolean inKey = false;
        int start = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '[' || c == ']') {
                inKey = !inKey;
            } else if (c == '.' && !inKey) {
                segments.add(name.substring(start, i));
                start = i + 1;
            }
        }
        segments.add(name.substring(start));
        List<String> names = new ArrayList<>();
        for (String segment : segments) {
            int open = segment.indexOf('[');
            names.add(open < 0 ? segment : segment.substring(0, open));
        }
        return String.join(".", names);
    }

    /** The name with each segment as given, capitalised and uncapitalised, when it has at most four. */
    private static Set<String> beanSpellings(String name) {
        String[] segments = name.split("\\.", -1);
        Set<String> names = new LinkedHashSet<>(List.of(name));
        if (segments.length > 4) {
            return names;
        }
        List<String> built = List.of("");
        for (int s = 0; s < segments.length; s++) {
            String segment = segments[s];
            Set<String> forms = new LinkedHashSet<>(List.of(segment));
            if (!segment.isEmpty()) {
                forms.add(Character.toUpperCase(segment.charAt(0)) + segment.substring(1));
                forms.add(Character.toLowerCase(segment.charAt(0)) + segment.substring(1));
            }
            List<String> longer = new ArrayList<>();
            for (String prefix : built) {
                for (String form : forms) {
                    longer.add(s == 0 ? form : prefix + "." + form);
                }
            }
            built = longer;
        }
        names.addAll(built);
        return names;
    }

    /** Splits on {@code &} and {@code =}, decodes with the JDK, skips pairs the JDK refuses. */
    private static Map<String, List<String>> reference(String form, Charset charset) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (String pair : form.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            try {
                String decodedName = decode(name, charset);
                String decodedValue = decode(value, charset);
                fields.computeIfAbsent(decodedName, k -> new ArrayList<>()).add(decodedValue);
            } catch (IllegalArgumentException badEscape) {
                // skipped, as a container skips it
            }
        }
        return fields;
    }

    private static String decode(String text, Charset charset) {
        // URLDecoder reads an escape with Integer.parseInt, which takes "%+e" as 0x0E; servlet containers
        // (and FormFields) refuse any escape that is not two hex digits.
        for (int i = text.indexOf('%'); i >= 0; i = text.indexOf('%', i + 1)) {
            if (i + 2 >= text.length()
                    || Character.digit(text.charAt(i + 1), 16) < 0
                    || Character.digit(text.charAt(i + 2), 16) < 0) {
                throw new IllegalArgumentException("bad escape at " + i);
            }
        }
        String bytes = URLDecoder.decode(text, StandardCharsets.ISO_8859_1);
        try {
            // bytes that are no text in the charset make the pair malformed, as Tomcat 11 and Jetty 12 answer 400
            return charset.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException notText) {
            throw new IllegalArgumentException("not text in " + charset, notText);
        }
    }
}
