package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestBodyTest {

    private static RequestBody json(String text, int cap) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(cap, bytes.length);
        return RequestBody.of(bytes, length, length == bytes.length, "application/json");
    }

    @Test
    void readsAScalarByJsonPointer() {
        RequestBody body = json("{\"user\":{\"email\":\"a@b.c\",\"age\":7},\"tags\":[\"x\",\"y\"]}", 1000);
        assertThat(body.jsonValue("/user/email")).isEqualTo("a@b.c");
        assertThat(body.jsonValue("/user/age")).isEqualTo("7");
        assertThat(body.jsonValue("/tags/1")).isEqualTo("y");
        assertThat(body.jsonValue("/user")).isNull();
        assertThat(body.jsonValue("/missing")).isNull();
    }

    @Test
    void aValueBeforeTheCapIsFoundAndOnePastItIsNot() {
        String text = "{\"username\":\"alice\",\"padding\":\"" + "x".repeat(100) + "\",\"late\":\"z\"}";
        RequestBody body = json(text, 40);
        assertThat(body.isComplete()).isFalse();
        assertThat(body.jsonValue("/username")).isEqualTo("alice");
        assertThat(body.jsonValue("/late")).isNull();
    }

    @Test
    void withDuplicateKeysTheLastValueWinsAsInDataBinding() {
        assertThat(json("{\"email\":\"ann@gmail.com\",\"email\":\"bot@yopmail.com\"}", 1000)
                        .jsonValue("/email"))
                .isEqualTo("bot@yopmail.com");
        assertThat(json("{\"user\":{\"name\":\"a\"},\"user\":{\"name\":\"b\"}}", 1000)
                        .jsonValue("/user/name"))
                .isEqualTo("b");
    }

    @Test
    void malformedJsonYieldsNoValueRatherThanAnError() {
        assertThat(json("{\"a\": ", 100).jsonValue("/a")).isNull();
        assertThat(json("not json", 100).jsonValue("/a")).isNull();
    }

    @Test
    void readsFormFieldsAndSkipsBadPercentEncoding() {
        byte[] bytes = "email=a%40b.c&name=J%C3%BCrgen&bad=%zz&empty".getBytes(StandardCharsets.US_ASCII);
        RequestBody body = RequestBody.of(bytes, bytes.length, true, "application/x-www-form-urlencoded");
        assertThat(body.field("/email")).isEqualTo("a@b.c");
        assertThat(body.formValue("name")).isEqualTo("Jürgen");
        assertThat(body.formValue("bad")).isNull();
        assertThat(body.formValue("empty")).isEmpty();
        assertThat(body.formValue("none")).isNull();
    }
}
