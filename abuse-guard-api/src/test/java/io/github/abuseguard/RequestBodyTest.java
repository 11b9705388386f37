package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.abuseguard.BodyField.Unreadable;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestBodyTest {

    private static RequestBody body(String contentType, byte[] bytes) {
        return RequestBody.whole(bytes, bytes.length, contentType);
    }

    private static RequestBody json(String text) {
        return body("application/json", text.getBytes(StandardCharsets.UTF_8));
    }

    private static RequestBody form(String text) {
        return body("application/x-www-form-urlencoded", text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aNullValueOfAFieldIsAnEmptyOneAndTheOthersStay() {
        // Spring's FormContentFilter keeps "email" (no '=') as a null value beside the real one
        BodyField field = BodyField.of(java.util.Arrays.asList("bot@yopmail.com", null));
        assertThat(field.values()).containsExactly("bot@yopmail.com", "");
        assertThat(BodyField.of(java.util.Arrays.asList((String) null)).values())
                .containsExactly("");
        assertThat(BodyField.of(java.util.List.of("a@b.c"))
                        .with(java.util.Arrays.asList(null, "x@y.z"))
                        .values())
                .containsExactly("a@b.c", "", "x@y.z");
    }

    @Test
    void readsAScalarByJsonPointer() {
        RequestBody body = json("{\"user\":{\"email\":\"a@b.c\",\"age\":7},\"tags\":[\"x\",\"y\"]}");
        assertThat(body.field("/user/email").values()).containsExactly("a@b.c");
        assertThat(body.field("/user/age").values()).containsExactly("7");
        assertThat(body.field("/tags/1").values()).containsExactly("y");
        assertThat(body.field("/user").values()).isEmpty();
        assertThat(body.field("/missing").isUnreadable()).isFalse();
        assertThat(body.field("/missing").values()).isEmpty();
    }

    @Test
    void aFieldBehindKilobytesOfFillerIsFound() {
        String text = "{\"padding\":\"" + "x".repeat(40_000) + "\",\"deep\":{\"a\":[1,2,{\"b\":\"" + "y".repeat(5000)
                + "\"}]},\"email\":\"bot@yopmail.com\"}";
        assertThat(json(text).field("/email").values()).containsExactly("bot@yopmail.com");
    }

    @Test
    void aFieldNamedTwiceYieldsEveryValueWhateverLiesBetween() {
        String text =
                "{\"email\":\"ann@gmail.com\",\"filler\":\"" + "z".repeat(10_000) + "\",\"email\":\"bot@yopmail.com\"}";
        BodyField field = json(text).field("/email");
        assertThat(field.values()).containsExactly("ann@gmail.com", "bot@yopmail.com");
        assertThat(field.isAmbiguous()).isTrue();
        assertThat(field.single()).isNull();
    }

    @Test
    void anObjectNamedTwiceYieldsTheFieldOfEachCopy() {
        BodyField field =
                json("{\"user\":{\"name\":\"a\"},\"user\":{\"name\":\"b\"}}").field("/user/name");
        assertThat(field.values()).containsExactly("a", "b");
    }

    @Test
    void anArrayAtThePointerYieldsItsElementsForBindersThatUnwrapThem() {
        assertThat(json("{\"email\":[\"bot@yopmail.com\"]}").field("/email").values())
                .containsExactly("bot@yopmail.com");
    }

    @Test
    void escapedKeysAreMatchedAsTheirDecodedNames() {
        assertThat(json("{\"em\\u0061il\":\"bot@yopmail.com\"}").field("/email").values())
                .containsExactly("bot@yopmail.com");
    }

    @Test
    void aValueWithTheSameNameInAnotherObjectIsNotTheField() {
        assertThat(json("{\"other\":{\"email\":\"x@y.z\"}}").field("/email").values())
                .isEmpty();
    }

    @Test
    void aBodyLongerThanWhatWasReadIsTooLargeNotJudgedByItsPrefix() {
        byte[] bytes = "{\"username\":\"alice\",\"late\":\"z\"}".getBytes(StandardCharsets.UTF_8);
        RequestBody prefix = RequestBody.prefix(bytes, 20, "application/json");
        assertThat(prefix.field("/username").unreadableReason()).isEqualTo(Unreadable.TOO_LARGE);
    }

    @Test
    void aWholeBodyIsCompleteAndAPrefixIsNotEvenWhenItFillsItsBuffer() {
        byte[] bytes = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(RequestBody.whole(bytes, bytes.length, "application/json").isComplete())
                .isTrue();
        RequestBody prefix = RequestBody.prefix(bytes, bytes.length, "application/json");
        assertThat(prefix.isComplete()).isFalse();
        assertThat(prefix.field("/a").unreadableReason()).isEqualTo(Unreadable.TOO_LARGE);
        assertThatIllegalArgumentException().isThrownBy(() -> RequestBody.prefix(bytes, bytes.length + 1, null));
    }

    @Test
    void malformedJsonIsUnreadableNotAbsent() {
        assertThat(json("{\"a\": ").field("/a").unreadableReason()).isEqualTo(Unreadable.MALFORMED);
        assertThat(json("not json").field("/a").unreadableReason()).isEqualTo(Unreadable.MALFORMED);
        assertThat(json("{\"email\":\"a@gmail.com\"} {\"email\":")
                        .field("/email")
                        .unreadableReason())
                .isEqualTo(Unreadable.MALFORMED);
    }

    @Test
    void aDeclaredLatin1BodyIsDecodedAsLatin1() {
        byte[] bytes = "{\"name\":\"J\u00fcrgen\",\"email\":\"bot@yopmail.com\"}".getBytes(StandardCharsets.ISO_8859_1);
        BodyField field = body("application/json; charset=ISO-8859-1", bytes).field("/email");
        assertThat(field.values()).containsExactly("bot@yopmail.com");
        assertThat(body("application/json;charset=\"iso-8859-1\"", bytes)
                        .field("/name")
                        .values())
                .containsExactly("J\u00fcrgen");
    }

    /**
     * probe68b F1: Spring's Jackson converter (spring-web 7.0.9, {@code AbstractJacksonHttpMessageConverter.ENCODINGS})
     * counts US-ASCII among the charsets Jackson detects from the bytes, so the demo opens an account for a UTF-8 or
     * UTF-16 body declared {@code charset=US-ASCII}; the guard decodes it as strict US-ASCII and refuses it 400.
     */
    @Test
    void aBodyDeclaredUsAsciiIsReadAsSpringReadsIt() {
        byte[] utf8 = "{\"name\":\"J\u00fcrgen\",\"email\":\"ann@gmail.com\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(body("application/json; charset=US-ASCII", utf8)
                        .field("/email")
                        .values())
                .containsExactly("ann@gmail.com");
        byte[] utf16 = "{\"email\":\"ann@gmail.com\"}".getBytes(StandardCharsets.UTF_16LE);
        assertThat(body("application/json; charset=US-ASCII", utf16)
                        .field("/email")
                        .values())
                .containsExactly("ann@gmail.com");
    }

    @Test
    void bytesTheDeclaredCharsetCannotDecodeAreMalformed() {
        byte[] bytes = "{\"name\":\"J\u00fcrgen\",\"email\":\"bot@yopmail.com\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(body("application/json; charset=UTF-8", bytes)
                        .field("/email")
                        .unreadableReason())
                .isEqualTo(Unreadable.MALFORMED);
        assertThat(body("application/json", bytes).field("/email").unreadableReason())
                .isEqualTo(Unreadable.MALFORMED);
    }

    /**
     * probe59a F1: Spring's {@code MimeTypeUtils} reads a {@code "} right after a backslash as no quote, inside quotes
     * or outside them; this parser skips the character after a backslash inside quotes and reads a backslash outside
     * them as a plain character. So {@code a=""\"} opens a quoted string here that Spring never opens, and the
     * {@code charset} inside it is one only Spring sees (it takes the last {@code charset}): here the body is Latin-1,
     * where Spring decodes it as x-IBM949C, whose byte 0x82 is a backslash, so Spring reads the escape of an
     * {@code @}: {@code bot@yopmail.com}.
     */
    @Test
    void aCharsetOnlySpringSeesBehindAnEscapedQuoteDoesNotHideTheAddressSpringBinds() {
        byte[] bytes = "{\"email\":\"bot\u0082u0040yopmail.com\"}".getBytes(StandardCharsets.ISO_8859_1);
        String header = "application/json; charset=ISO-8859-1; a=\"\"\\\"; charset=x-IBM949C; b=\"\"\"";
        BodyField field = body(header, bytes).field("/email");
        assertThat(field.isUnreadable() || field.values().contains("bot@yopmail.com"))
                .as("the guard reads %s as %s; Spring binds bot@yopmail.com", header, field)
                .isTrue();
    }

    /**
     * probe59a F1, the other way round: {@code a="\\"} is a closed quoted string here and an open one to Spring, so
     * the {@code charset} after it is one only the guard sees: the guard decodes Latin-1 where Spring lets Jackson read
     * UTF-8, and a zero-width space in the domain becomes {@code â} and two C1 controls to the guard.
     */
    @Test
    void aCharsetOnlyTheGuardSeesInsideAQuoteSpringLeavesOpenDoesNotChangeTheAddress() {
        String address = "bot@yopmail\u200B.com";
        byte[] bytes = ("{\"email\":\"" + address + "\"}").getBytes(StandardCharsets.UTF_8);
        String header = "application/json; a=\"\\\\\"; charset=ISO-8859-1; b=\"\\\\\"";
        BodyField field = body(header, bytes).field("/email");
        assertThat(field.isUnreadable() || field.values().contains(address))
                .as("the guard reads %s as %s; Spring binds %s", header, field, address)
                .isTrue();
    }

    @Test
    void anUnknownCharsetIsUnsupported() {
        byte[] bytes = "{\"email\":\"bot@yopmail.com\"}".getBytes(StandardCharsets.US_ASCII);
        assertThat(body("application/json; charset=x-no-such", bytes)
                        .field("/email")
                        .unreadableReason())
                .isEqualTo(Unreadable.UNSUPPORTED);
    }

    @Test
    void utf16JsonIsDetectedWithoutADeclaredCharsetAndDecodedWithOne() {
        byte[] bytes = "{\"email\":\"bot@yopmail.com\"}".getBytes(StandardCharsets.UTF_16LE);
        assertThat(body("application/json", bytes).field("/email").values()).containsExactly("bot@yopmail.com");
        assertThat(body("application/json; charset=UTF-16LE", bytes)
                        .field("/email")
                        .values())
                .containsExactly("bot@yopmail.com");
    }

    /**
     * probe21 F4: a body read into a buffer larger than itself (every body past the reader's first 8 KiB)
     * in UTF-16 or UTF-32 with a byte-order mark was refused as malformed: jackson-core's byte-array source
     * reads such input a few bytes past the given length, into the buffer's zeros.
     */
    @ParameterizedTest
    @ValueSource(strings = {"UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"})
    void aUnicodeBodyWithAByteOrderMarkIsReadToItsOwnLengthInALargerBuffer(String encoding) {
        Charset charset = Charset.forName(encoding);
        String json = "{\"email\":\"bot@yopmail.com\",\"image\":\"" + "A".repeat(5_000) + "\"}";
        byte[] text = ("\uFEFF" + json).getBytes(charset);
        byte[] buffer = Arrays.copyOf(text, text.length * 2 + 7); // the rest is zeros, as in a grown read buffer

        RequestBody body = RequestBody.whole(buffer, text.length, "application/json");

        assertThat(body.field("/email").isUnreadable()).isFalse();
        assertThat(body.field("/email").values()).containsExactly("bot@yopmail.com");
    }

    @Test
    void anEmptyBodyHasNoFields() {
        assertThat(RequestBody.empty().field("/email").values()).isEmpty();
        assertThat(RequestBody.empty().field("/email").isUnreadable()).isFalse();
    }

    @Test
    void aMalformedPointerIsRefusedAsAnArgument() {
        assertThatIllegalArgumentException().isThrownBy(() -> json("{}").field("email"));
    }

    /**
     * probe48c F2: Java's URLDecoder (Spring's form converter) reads any Unicode digit in an escape, so a pair this
     * parser skipped for its bad escape was a field the handler bound: {@code email=x%４０mailinator.com} passed the
     * e-mail guard as no address at all. A form with a pair it cannot decode is malformed, whichever field is asked.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "email=x%\uff14\uff10mailinator.com",
                "email=x%\u0664\u0660mailinator.com",
                "%\uff16\uff15mail=x@mailinator.com",
                "name=ann&bad=%zz&email=x@mailinator.com",
                "email=x@mailinator.com&tail=%4"
            })
    void aFormWithABadEscapeIsMalformedNotAFieldSkipped(String form) {
        RequestBody body = body("application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8));

        assertThat(body.field("/email").unreadableReason()).isEqualTo(Unreadable.MALFORMED);
        assertThat(body.field("/name").unreadableReason()).isEqualTo(Unreadable.MALFORMED);
    }

    @Test
    void readsFormFieldsWithEveryValueInTheDeclaredCharset() {
        RequestBody body = form("name=J%C3%BCrgen&email=a%40gmail.com&empty=&email=bot%40yopmail.com&x+y=1+2");
        assertThat(body.field("/name").values()).containsExactly("J\u00fcrgen");
        assertThat(body.field("/email").values()).containsExactly("a@gmail.com", "bot@yopmail.com");
        assertThat(body.field("/empty").values()).containsExactly("");
        assertThat(body.field("/x y").values()).containsExactly("1 2");

        byte[] latin1 = "name=J%FCrgen".getBytes(StandardCharsets.US_ASCII);
        assertThat(body("application/x-www-form-urlencoded; charset=ISO-8859-1", latin1)
                        .field("/name")
                        .values())
                .containsExactly("J\u00fcrgen");
    }

    @Test
    void aFormInACharsetThatIsNotAsciiCompatibleIsUnsupported() {
        byte[] bytes = "email=bot%40yopmail.com".getBytes(Charset.forName("UTF-16"));
        assertThat(body("application/x-www-form-urlencoded; charset=UTF-16", bytes)
                        .field("/email")
                        .unreadableReason())
                .isEqualTo(Unreadable.UNSUPPORTED);
    }

    @Test
    void aKeyFromAFieldWithSeveralValuesIsAmbiguous() {
        GuardRequest twice = GuardRequest.builder("POST", "/login")
                .body("application/json", "{\"username\":\"victim\",\"username\":\"random\"}")
                .build();
        GuardRequest same = GuardRequest.builder("POST", "/login")
                .body("application/json", "{\"username\":\"Victim\",\"username\":\"Victim\"}")
                .build();
        KeyResolver key = KeyResolver.parse("ip+body:/username");

        assertThat(key.unreadable(twice)).isEqualTo(Unreadable.AMBIGUOUS);
        assertThat(key.unreadable(same)).isNull();
        assertThat(KeyResolver.parse("body:/username").resolve(same)).isEqualTo("victim");
    }

    /** {@code {"username":["a","a",...n times],"password":"x"}}, the probe26 F1 body at n = 262,000 (1 MiB). */
    private static String manyUserNames(int n) {
        StringBuilder body = new StringBuilder(n * 4 + 40).append("{\"username\":[");
        for (int i = 0; i < n; i++) {
            body.append(i == 0 ? "\"a\"" : ",\"a\"");
        }
        return body.append("],\"password\":\"x\"}").toString();
    }

    @Test
    void aFieldOfMoreValuesThanTheBoundIsUnreadableAndRefusedAsAnUnreadableKey() {
        String body = manyUserNames(262_000);
        assertThat(body.length()).isGreaterThan(1_000_000);
        BodyField field = json(body).field("/username");

        assertThat(field.unreadableReason()).isEqualTo(Unreadable.TOO_MANY_VALUES);
        assertThat(field.values()).isEmpty();
        Decision refusal = field.refusal("rate-limit", "login");
        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.reason()).isEqualTo("unreadable-body:too-many-values");
        assertThat(refusal.detail()).isEqualTo("The request gives a field more than 1024 values.");

        GuardRequest login = GuardRequest.builder("POST", "/login")
                .body("application/json", body)
                .build();
        assertThat(KeyResolver.parse("ip+body:/username").unreadable(login)).isEqualTo(Unreadable.TOO_MANY_VALUES);
        assertThat(KeyResolver.parse("body:/username").resolve(login)).isNull();
        // the other fields of the body are read as before
        assertThat(json(body).field("/password").values()).containsExactly("x");
    }

    @Test
    void aFieldIsNotReadPastTheFirstValueBeyondTheBound() {
        // cut short after 262,000 values: a parser that went on reading them would find the body malformed
        String cut = manyUserNames(262_000);
        cut = cut.substring(0, cut.length() - "],\"password\":\"x\"}".length());
        assertThat(json(cut).field("/username").unreadableReason()).isEqualTo(Unreadable.TOO_MANY_VALUES);
        // the same cut body is malformed as soon as the field is within the bound: the end is then read
        String shortCut = manyUserNames(BodyField.MAX_VALUES);
        shortCut = shortCut.substring(0, shortCut.length() - "],\"password\":\"x\"}".length());
        assertThat(json(shortCut).field("/username").unreadableReason()).isEqualTo(Unreadable.MALFORMED);
    }

    @Test
    void exactlyTheBoundOfValuesIsReadAndOneMoreIsNot() {
        BodyField bound = json(manyUserNames(BodyField.MAX_VALUES)).field("/username");
        assertThat(bound.isUnreadable()).isFalse();
        assertThat(bound.values()).hasSize(BodyField.MAX_VALUES);
        assertThat(bound.single()).isEqualTo("a");
        assertThat(json(manyUserNames(BodyField.MAX_VALUES + 1))
                        .field("/username")
                        .unreadableReason())
                .isEqualTo(Unreadable.TOO_MANY_VALUES);
        // a key repeated rather than an array counts the same
        String repeated = "{" + "\"username\":\"a\",".repeat(BodyField.MAX_VALUES + 1) + "\"p\":1}";
        assertThat(json(repeated).field("/username").unreadableReason()).isEqualTo(Unreadable.TOO_MANY_VALUES);
        // a form field given too many times
        assertThat(form("username=a&".repeat(BodyField.MAX_VALUES + 1))
                        .field("/username")
                        .unreadableReason())
                .isEqualTo(Unreadable.TOO_MANY_VALUES);
    }

    @Test
    void theBoundCountsTheValuesOfEveryPlaceTogether() {
        java.util.List<String> body = java.util.Collections.nCopies(1000, "a");
        BodyField inBody = BodyField.of(body);
        assertThat(inBody.with(java.util.Collections.nCopies(24, "a")).values()).hasSize(BodyField.MAX_VALUES);
        assertThat(inBody.with(java.util.Collections.nCopies(25, "a")).unreadableReason())
                .isEqualTo(Unreadable.TOO_MANY_VALUES);
        assertThat(BodyField.absent()
                        .with(java.util.Collections.nCopies(BodyField.MAX_VALUES + 1, "a"))
                        .unreadableReason())
                .isEqualTo(Unreadable.TOO_MANY_VALUES);
    }

    @Test
    void theUserNameKeyOfAFieldIsWorkedOutOnceForEveryRuleKeyedByIt() {
        // a long non-ASCII name: normalised and digested, a new String each time it is worked out
        BodyField field =
                json("{\"username\":\"" + "\u00c5".repeat(5000) + "\"}").field("/username");
        GuardRequest request = org.mockito.Mockito.mock(GuardRequest.class);
        org.mockito.Mockito.when(request.bodyField("/username")).thenReturn(field);
        KeyResolver first = KeyResolver.parse("body:/username");
        KeyResolver second = KeyResolver.parse("body:/username");

        String key = first.resolve(request);
        assertThat(key).isEqualTo(UserNames.key("\u00c5".repeat(5000)));
        assertThat(second.resolve(request)).isSameAs(key);
        assertThat(first.resolve(request)).isSameAs(key);
    }
}
