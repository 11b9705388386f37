package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One credential is one key however a client spells its {@code Authorization} header, wherever an
 * authenticator takes the spellings as that credential (probe23 F1, F2).
 */
class AuthorizationKeyTest {

    private static final String OPS = "ops:opspassword123";

    private static String token(String credentials) {
        return Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static GuardRequest request(String header, String... values) {
        GuardRequest.Builder request =
                GuardRequest.builder("GET", "/actuator/metrics").client("198.51.100.1");
        for (String value : values) {
            request.header(header, value);
        }
        return request.build();
    }

    private static String key(String authorization) {
        return KeyResolver.parse("header:Authorization").resolve(request("Authorization", authorization));
    }

    private static String basicUser(String authorization) {
        return KeyResolver.parse("basic-user").resolve(request("Authorization", authorization));
    }

    /**
     * probe23's spellings: the 32 letter cases of the scheme times every separator character Spring Security's
     * {@code BasicAuthenticationConverter} skips (any one character after {@code Basic}).
     */
    static List<String> spellings(String credentials) {
        String token = token(credentials);
        String separators =
                " \t!#$%&*+-.0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~=/,\"()[]{}\\'";
        List<String> all = new ArrayList<>();
        for (char separator : separators.toCharArray()) {
            for (int mask = 0; mask < 32; mask++) {
                StringBuilder scheme = new StringBuilder();
                for (int i = 0; i < 5; i++) {
                    char c = "Basic".charAt(i);
                    scheme.append((mask & 1 << i) != 0 ? Character.toUpperCase(c) : Character.toLowerCase(c));
                }
                all.add(scheme + String.valueOf(separator) + token);
            }
        }
        return all;
    }

    @Test
    void everySpellingSpringSecurityAcceptsForOneBasicCredentialIsOneKey() {
        Set<String> keys = new HashSet<>();
        Set<String> users = new HashSet<>();
        List<String> spellings = spellings(OPS);
        for (String spelling : spellings) {
            keys.add(key(spelling));
            users.add(basicUser(spelling));
        }
        assertThat(spellings).hasSize(32 * 96);
        assertThat(keys).as("keys of %s spellings", spellings.size()).containsExactly(key("Basic " + token(OPS)));
        assertThat(users).containsExactly("ops");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "  Basic b3BzOm9wc3Bhc3N3b3JkMTIz  ", // trimmed, as Spring Security trims
                "Basic\tb3BzOm9wc3Bhc3N3b3JkMTIz\t",
                "Basic  b3BzOm9wc3Bhc3N3b3JkMTIz", // a run of spaces, as lenient authenticators take it
                "Basic \t b3BzOm9wc3Bhc3N3b3JkMTIz",
                "Basic b3BzOm9w c3Bhc3N3b3JkMTIz", // white space inside, which Commons Codec skips
                "Basic b3BzOm9w\r\nc3Bhc3N3b3JkMTIz", // a MIME line break
                "Basic b3BzOm9wc3Bhc3N3b3JkMTIz=", // padding where none is due
                "Basic b3BzOm9wc3Bhc3N3b3JkMTIz=junk", // anything after padding, where Commons Codec stops
                "Basic b3BzOm9wc3Bhc3N3b3JkMTIz!", // a character outside the alphabet
                "BASIC:b3BzOm9wc3Bhc3N3b3JkMTIz",
                "basic,b3BzOm9wc3Bhc3N3b3JkMTIz",
                "Basicxb3BzOm9wc3Bhc3N3b3JkMTIz",
                "Basic b3BzOm9wc3Bhc3N3b3JkMTIz ", // a trailing space
                "Basic T1BTOm9wc3Bhc3N3b3JkMTIz", // OPS:opspassword123: the user name as a user store folds it
                "Basic b3BzOm9wc3Bhc3N3b3JkMTIzB", // a last character that makes no byte
            })
    void base64AndSeparatorVariantsOfOneBasicCredentialAreOneKey(String spelling) {
        assertThat(token(OPS)).isEqualTo("b3BzOm9wc3Bhc3N3b3JkMTIz");
        assertThat(key(spelling)).isEqualTo(key("Basic " + token(OPS)));
        assertThat(basicUser(spelling)).isEqualTo("ops");
    }

    @Test
    void paddingUnusedBitsAndTheUrlSafeAlphabetOfOneTokenAreOneKey() {
        // "?>~" encodes to characters of the last two positions of the alphabet, and a length needing padding
        byte[] credentials = "u:p?>~?>~a".getBytes(StandardCharsets.UTF_8);
        String standard = Base64.getEncoder().encodeToString(credentials);
        String urlSafe = Base64.getUrlEncoder().encodeToString(credentials);
        assertThat(standard).isNotEqualTo(urlSafe).endsWith("=");
        String canonical = key("Basic " + standard);
        assertThat(key("Basic " + urlSafe)).isEqualTo(canonical);
        assertThat(key("Basic " + standard.replace("=", ""))).as("unpadded").isEqualTo(canonical);
        // the last character before "==" carries 2 bits of data and 4 unused ones, which decoders ignore
        int last = standard.indexOf('=') - 1;
        char bumped = (char) (standard.charAt(last) + 1);
        String otherBits = standard.substring(0, last) + bumped + standard.substring(last + 1);
        assertThat(Base64.getDecoder().decode(otherBits))
                .as("the JDK's strict decoder takes it as the same bytes")
                .isEqualTo(credentials);
        assertThat(key("Basic " + otherBits)).isEqualTo(canonical);
    }

    @Test
    void invalidUtf8SpellingsOfOnePasswordAreOneKey() {
        // review14: Spring's BasicAuthenticationConverter reads the decoded bytes as UTF-8, each malformed byte
        // a U+FFFD: all of these are the password "pw\uFFFD", one credential of an account whose password
        // holds U+FFFD, and were nine keys
        int[] malformed = {0x80, 0x81, 0xBF, 0xC0, 0xC1, 0xF5, 0xF8, 0xFE, 0xFF};
        Set<String> keys = new HashSet<>();
        Set<String> seenBySpring = new HashSet<>();
        for (int b : malformed) {
            byte[] credentials = {'o', 'p', 's', ':', 'p', 'w', (byte) b};
            seenBySpring.add(new String(credentials, StandardCharsets.UTF_8));
            keys.add(key("Basic " + Base64.getEncoder().encodeToString(credentials)));
        }
        assertThat(seenBySpring).hasSize(1);
        assertThat(keys).as("keys of one credential as Spring reads it").hasSize(1);
    }

    @Test
    void differentCredentialsStayDifferentKeysAndNoPasswordIsKept() {
        String ops = key("Basic " + token(OPS));
        assertThat(key("Basic " + token("ops:opspassword124"))).isNotEqualTo(ops);
        assertThat(key("Basic " + token("ops:OPSPASSWORD123")))
                .as("a password is never case-folded")
                .isNotEqualTo(ops);
        assertThat(key("Basic " + token("root:opspassword123"))).isNotEqualTo(ops);
        assertThat(key("Basic " + token("ops"))).isNotEqualTo(key("Basic " + token("ops:")));
        assertThat(key("Basic " + token("a:b:c"))).isNotEqualTo(key("Basic " + token("a:bc")));
        assertThat(ops)
                .doesNotContain("opspassword123")
                .doesNotContain(token(OPS))
                .startsWith("basic ");
        assertThat(ops.length()).isLessThanOrEqualTo(KeyResolver.MAX_KEY_LENGTH);
        assertThat(key("Bearer " + token(OPS))).isNotEqualTo(ops);
    }

    @Test
    void aHugeBasicTokenIsOneBoundedKey() {
        String huge = key("Basic " + token("ops:" + "p".repeat(50_000)));
        assertThat(huge).hasSizeLessThanOrEqualTo(KeyResolver.MAX_KEY_LENGTH);
        assertThat(key("basic:" + token("ops:" + "p".repeat(50_000)))).isEqualTo(huge);
        assertThat(key("Basic " + token("ops:" + "p".repeat(49_999)))).isNotEqualTo(huge);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Bearer abc.DEF-123",
                "bearer abc.DEF-123",
                "BEARER abc.DEF-123",
                "bEaReR abc.DEF-123",
                "Bearer\tabc.DEF-123",
                "Bearer   abc.DEF-123",
                " Bearer abc.DEF-123 ",
                "Bearer:abc.DEF-123",
                "Bearer abc.DEF-123=",
                "Bearer abc.DEF-123===",
            })
    void spellingsOfOneBearerTokenAreOneKey(String spelling) {
        assertThat(key(spelling)).isEqualTo(key("Bearer abc.DEF-123"));
    }

    @Test
    void bearerTokensAreKeptAsTheyAre() {
        assertThat(key("Bearer abc.DEF-123")).isEqualTo("bearer abc.DEF-123");
        assertThat(key("Bearer ABC.def-123")).as("a token is case-sensitive").isNotEqualTo(key("Bearer abc.DEF-123"));
        assertThat(key("Bearer abc")).isNotEqualTo(key("Bearer abcd"));
    }

    @Test
    void theSignatureOfAJsonWebTokenIsKeyedByItsBytes() {
        String signingInput = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcHMifQ";
        byte[] signature = new byte[32];
        for (int i = 0; i < signature.length; i++) {
            signature[i] = (byte) (0xf8 + i * 7); // bytes whose Base64 uses both '-'/'+' and '_'/'/'
        }
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        String standard = Base64.getEncoder().encodeToString(signature);
        assertThat(urlSafe).isNotEqualTo(standard.replace("=", ""));
        String canonical = key("Bearer " + signingInput + "." + urlSafe);
        assertThat(key("Bearer " + signingInput + "." + standard)).isEqualTo(canonical);
        assertThat(key("Bearer " + signingInput + "." + urlSafe + "=")).isEqualTo(canonical);
        assertThat(key("Bearer " + signingInput + "x." + urlSafe))
                .as("the signing input is kept as sent")
                .isNotEqualTo(canonical);
    }

    @Test
    void otherSchemesAreFoldedInCaseAndSeparatorButTheirCredentialsAreKept() {
        assertThat(key("Digest username=\"ops\", nonce=\"n\""))
                .isEqualTo(key("DIGEST  username=\"ops\", nonce=\"n\""))
                .isEqualTo("digest username=\"ops\", nonce=\"n\"");
        assertThat(key("ApiKey S3cr3t")).isEqualTo(key("apikey\tS3cr3t")).isNotEqualTo(key("ApiKey s3cr3t"));
        assertThat(key("S3cr3tWithoutScheme"))
                .as("one token, no scheme: kept as it is")
                .isEqualTo("S3cr3tWithoutScheme")
                .isNotEqualTo(key("s3cr3twithoutscheme"));
    }

    @Test
    void proxyAuthorizationIsFoldedToo() {
        KeyResolver proxy = KeyResolver.parse("header:Proxy-Authorization");
        String canonical = proxy.resolve(request("Proxy-Authorization", "Basic " + token(OPS)));
        for (String spelling : spellings(OPS)) {
            assertThat(proxy.resolve(request("Proxy-Authorization", spelling))).isEqualTo(canonical);
        }
    }

    @Test
    void otherHeadersAreKeyedAsTheyAre() {
        KeyResolver apiKey = KeyResolver.parse("header:X-Api-Key");
        assertThat(apiKey.resolve(request("X-Api-Key", "Basic abc"))).isEqualTo("Basic abc");
        assertThat(apiKey.resolve(request("X-Api-Key", "basic abc"))).isEqualTo("basic abc");
    }

    @Test
    void twoDifferentAuthorizationHeadersStayAmbiguousEvenWhenTheyAreOneCredential() {
        // no honest client sends two; which one a stack reads is its own choice
        GuardRequest twoSpellings = request("Authorization", "Basic " + token(OPS), "basic " + token(OPS));
        assertThat(KeyResolver.parse("header:Authorization").unreadable(twoSpellings))
                .isEqualTo(BodyField.Unreadable.AMBIGUOUS_HEADER);
        assertThat(KeyResolver.basicUser().unreadable(twoSpellings)).isEqualTo(BodyField.Unreadable.AMBIGUOUS_HEADER);
        GuardRequest repeated = request("Authorization", "Basic " + token(OPS), "Basic " + token(OPS));
        assertThat(KeyResolver.parse("header:Authorization").unreadable(repeated))
                .isNull();
    }

    @Test
    void aCookieNamedTwiceWithDifferentValuesIsAmbiguous() {
        KeyResolver cookie = KeyResolver.parse("cookie:JSESSIONID");
        GuardRequest junkFirst = request("Cookie", "JSESSIONID=junk1; JSESSIONID=real");
        assertThat(cookie.unreadable(junkFirst)).isEqualTo(BodyField.Unreadable.AMBIGUOUS_HEADER);
        assertThat(cookie.unreadable(request("Cookie", "JSESSIONID=junk1", "theme=dark; JSESSIONID=real")))
                .as("over two Cookie headers")
                .isEqualTo(BodyField.Unreadable.AMBIGUOUS_HEADER);
        GuardRequest once = request("Cookie", "theme=dark; JSESSIONID=real; JSESSIONID=real");
        assertThat(cookie.unreadable(once)).isNull();
        assertThat(cookie.resolve(once)).isEqualTo("real");
        assertThat(cookie.unreadable(request("Cookie", "JSESSIONIDX=a; JSESSIONID=real")))
                .isNull();
        assertThat(KeyResolver.parse("ip+cookie:JSESSIONID").unreadable(junkFirst))
                .as("in a combined key too")
                .isEqualTo(BodyField.Unreadable.AMBIGUOUS_HEADER);
    }
}
