package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** review132: the body reads of 0c3b1cb0 and 9c915734 (a multi-byte charset read both ways; arrays looked through). */
class Review132BodyTest {

    private static RequestBody body(String contentType, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return RequestBody.whole(bytes, bytes.length, contentType);
    }

    /**
     * F1: the two-way reading asks the declared charset for an encoder to learn whether it is multi-byte. {@code
     * x-JISAutoDetect} (alias {@code JISAutoDetect}) decodes ASCII as ASCII, so it passed as ASCII-transparent, but it
     * has no encoder: {@code newEncoder()} throws {@link UnsupportedOperationException} out of {@code field}, and the
     * engine's default {@code failure-policy: fail-open} lets the request through unjudged.
     */
    @Test
    void aCharsetWithoutAnEncoderIsRefusedNotThrown() {
        for (String charset : List.of("x-JISAutoDetect", "JISAutoDetect", "\"x-JISAutoDetect\"")) {
            RequestBody body = body("application/json; charset=" + charset, "{\"email\":\"bot@yopmail.com\"}");
            assertThatCode(() -> body.field("/email")).as(charset).doesNotThrowAnyException();
        }
    }

    /**
     * F2: a form declared in a multi-byte charset whose lead byte is percent-encoded and whose second byte is a
     * literal {@code @}. The guard decodes the escapes to bytes first and the bytes in the charset, as a container's
     * {@code getParameter} does: {@code bot%81@yopmail.com} is {@code bot丂yopmail.com} in GBK (in Shift_JIS, an
     * ideographic space), no address. Spring's {@code FormHttpMessageConverter} (behind {@code FormContentFilter}, so
     * every PUT, PATCH and DELETE form, and {@code @RequestBody MultiValueMap}) and JAX-RS's {@code @FormParam} decode
     * with {@link URLDecoder}, which decodes each run of escapes on its own: {@code bot\uFFFD@yopmail.com}, an
     * address at the throw-away domain.
     */
    @Test
    void aFormEscapeOfALeadByteBeforeALiteralAtIsReadAsSpringsFormConverterReadsIt() {
        for (String charset : List.of("GBK", "GB18030", "Shift_JIS", "windows-31j")) {
            String value = "bot%81@yopmail.com";
            byte[] bytes = ("email=" + value).getBytes(StandardCharsets.UTF_8);
            // a PATCH form, which Spring's FormContentFilter binds with the converter
            RequestBody body = RequestBody.whole(
                    bytes, bytes.length, "application/x-www-form-urlencoded; charset=" + charset, "PATCH");
            String converted = URLDecoder.decode(value, Charset.forName(charset));
            for (BodyField field : List.of(body.field("/email"), body.parameter("email"))) {
                assertThat(field.isUnreadable() || field.values().contains(converted))
                        .as("%s: the guard reads %s, Spring's form converter %s", charset, field.values(), converted)
                        .isTrue();
            }
        }
    }

    /** A browser's GBK form escapes whole characters: both readings agree, and the address is read. */
    @Test
    void aBrowsersFormInGbkIsReadAsBefore() {
        String name = URLEncoder.encode("伟强", Charset.forName("GBK"));
        RequestBody body =
                body("application/x-www-form-urlencoded; charset=GBK", "name=" + name + "&email=wei%40example.com");
        assertThat(body.field("/email").values()).containsExactly("wei@example.com");
        assertThat(body.field("/name").values()).containsExactly("伟强");
    }

    /**
     * F3: the depth bound allows one array per step of the pointer and one around the root, but a {@code List} step
     * takes two where Jackson's {@code UNWRAP_SINGLE_VALUE_ARRAYS} is on (the list's and its element's one-element
     * array), as the probe74a demo configures it. {@code @RequestBody List<SignUp>} binds both addresses here; the
     * guard reads only the first, one value, not ambiguous.
     */
    @Test
    void aListElementWrappedInAOneElementArrayIsNotPastTheDepthBound() {
        String batch = "[{\"email\":[\"ann@gmail.com\"]},[{\"email\":[\"bot@yopmail.com\"]}]]";
        assertThat(UNWRAPPING.readValue(batch, new TypeReference<List<SignUp>>() {}))
                .as("what the application binds")
                .extracting(SignUp::email)
                .containsExactly("ann@gmail.com", "bot@yopmail.com");
        assertThat(body("application/json", batch).field("/email").values())
                .as("every address Jackson binds")
                .contains("bot@yopmail.com");

        // a List property of a record, the same way, the body inside a one-element array
        String team = "[{\"users\":[[{\"email\":[\"bot@yopmail.com\"]}]]}]";
        assertThat(UNWRAPPING.readValue(team, Team.class).users())
                .extracting(SignUp::email)
                .containsExactly("bot@yopmail.com");
        assertThat(body("application/json", team).field("/users/email").values())
                .contains("bot@yopmail.com");
    }

    /** Jackson as {@code spring.jackson.deserialization.unwrap-single-value-arrays=true} configures it. */
    private static final ObjectMapper UNWRAPPING = JsonMapper.builder()
            .enable(DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    record SignUp(String name, String email) {}

    record Team(String name, List<SignUp> users) {}
}
