package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** review131: {@code matches()} looking through arrays the pointer does not name, and the two-way charset read. */
class Review131BodyArraysTest {

    private static RequestBody body(String contentType, byte[] bytes) {
        return RequestBody.whole(bytes, bytes.length, contentType);
    }

    private static RequestBody json(String text) {
        return body("application/json", text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * F1: a property named like a number whose value is an array. The pointer's numeric step is the property's name,
     * but matches() lets the array's element 0 take it greedily and then fails on the property: the field is absent.
     * Before 0c3b1cb0 the array at the pointer yielded its elements.
     */
    @Test
    void aPropertyNamedLikeANumberHoldingAnArrayYieldsItsElements() {
        assertThat(json("{\"0\":[\"bot@yopmail.com\"]}").field("/0").values()).containsExactly("bot@yopmail.com");
        assertThat(json("{\"codes\":{\"0\":[\"bot@yopmail.com\"]}}")
                        .field("/codes/0")
                        .values())
                .containsExactly("bot@yopmail.com");
        // a map keyed "0" of contacts, a one-element array unwrapped by UNWRAP_SINGLE_VALUE_ARRAYS: /contacts/0/email
        assertThat(json("{\"contacts\":{\"0\":[{\"email\":\"bot@yopmail.com\"}]}}")
                        .field("/contacts/0/email")
                        .values())
                .containsExactly("bot@yopmail.com");
    }

    /** The element 1 of such an array is found (it is looked through), its element 0 is not: inconsistent. */
    @Test
    void everyElementOfSuchAnArrayIsFoundNotOnlyTheLaterOnes() {
        assertThat(json("{\"codes\":{\"0\":[\"bot@yopmail.com\",\"me@gmail.com\"]}}")
                        .field("/codes/0")
                        .values())
                .contains("bot@yopmail.com", "me@gmail.com");
    }

    /**
     * F2: a GBK-declared body whose UTF-8 reading is malformed only past its first root value. The guard's byte
     * reading parses the whole stream and fails on the trailing value, so only the declared reading counts (the
     * '@' swallowed by the byte before it: no address); an application parsing one value from the stream (the
     * servlet demo, DeclaredCharsetSignUpTest.JsonSignUp) reads bot丁@yopmail.com.
     */
    @Test
    void aTrailingValueMalformedAsUtf8DoesNotLetTheDeclaredReadingAlone() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write("{\"email\":\"bot\u4E01@yopmail.com\"}".getBytes(StandardCharsets.UTF_8));
        bytes.write(new byte[] {' ', '"', (byte) 0x81, 0x40, '"'}); // "丂" in GBK, malformed in UTF-8
        byte[] raw = bytes.toByteArray();
        BodyField field = body("application/json; charset=GBK", raw).field("/email");
        assertThat(field.isUnreadable() || field.values().contains("bot\u4E01@yopmail.com"))
                .as("read as %s / %s", field.values(), field.unreadableReason())
                .isTrue();
    }
}
