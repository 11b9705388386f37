package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.Decision;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.RequestBody;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * probe43a: spellings the application binds that the guard did not read. Spring's bean binding looks a
 * property up under the name sent, then uncapitalised and capitalised, so {@code @ModelAttribute} binds
 * {@code Email=} to {@code setEmail} (F1); an application that strips control characters delivers {@code
 * x@mailinator.c\u0001om} to mailinator.com, where a mail parser splits the domain at the control (F3).
 */
class BindingSpellingsTest {
    private static final String FORM = "application/x-www-form-urlencoded";

    private final DisposableEmailGuard guard = DisposableEmailGuard.of(
            DisposableDomains.bundled(),
            List.of(
                    EmailRule.builder("sign-up").path("/api/accounts").build(),
                    EmailRule.builder("profile")
                            .path("/api/profile")
                            .field("/user/email")
                            .build(),
                    EmailRule.builder("newsletter")
                            .path("/api/newsletter")
                            .field("query:email")
                            .build()));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Email", "Email[]", "!Email", "email"})
    void aCapitalisedFormFieldThatModelAttributeBindsIsJudged(String name) {
        Decision decision = guard.check(GuardRequest.builder("POST", "/api/accounts")
                .body(FORM, name + "=x%40mailinator.com")
                .build());
        assertThat(decision.status()).as(name).isEqualTo(422);
        assertThat(decision.reason()).isEqualTo("disposable-email");
    }

    @Test
    void theQueryStringsCapitalisedSpellingIsJudgedToo() {
        Decision decision = guard.check(GuardRequest.builder("PUT", "/api/newsletter")
                .queryParameter("Email", "x@mailinator.com")
                .body(FORM, "name=x")
                .build());
        assertThat(decision.reason()).isEqualTo("disposable-email");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"User.Email", "user.Email", "User.email", "User.Email[]", "!User.Email"})
    void everySegmentOfANestedFieldIsSpelledAsTheBinderLooksItUp(String name) {
        Decision decision = guard.check(GuardRequest.builder("POST", "/api/profile")
                .body(FORM, name + "=x%40mailinator.com")
                .build());
        assertThat(decision.reason()).as(name).isEqualTo("disposable-email");
    }

    @Test
    void theSpellingsAreTheNameFirstAndEachSegmentsTwoCases() {
        assertThat(RequestBody.formSpellings("email"))
                .containsExactly("email", "email[]", "!email", "Email", "Email[]", "!Email");
        assertThat(RequestBody.formSpellings("user.email"))
                .hasSize(12)
                .startsWith("user.email")
                .contains("User.Email", "!User.email", "user.Email[]");
        assertThat(RequestBody.formSpellings("a.b.c.d.e")).containsExactly("a.b.c.d.e", "a.b.c.d.e[]", "!a.b.c.d.e");
    }

    /** probe43a G1: model attribute binding takes a header under its name with the dashes dropped. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Email", "email", "E-mail", "E-Mail", "Em-ail", "-email-", "!E-mail", "EMAIL"})
    void aHeaderTheBinderTakesForTheFieldIsOne(String header) {
        assertThat(RequestBody.headerBinds(header, "email")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"User.E-mail", "user.email", "!User.Email", "USER.E-MAIL"})
    void aNestedFieldsHeaderIsOneToo(String header) {
        assertThat(RequestBody.headerBinds(header, "user.email")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"E-mail-address", "X-Email", "Emails", "Content-Type", "From", "Origin", "Referer"})
    void otherHeadersAndTheOnesSpringNeverBindsAreNot(String header) {
        assertThat(RequestBody.headerBinds(header, "email")).isFalse();
        assertThat(RequestBody.headerBinds(header, "from")).isFalse();
    }

    @Test
    void aFieldNamedLikeAHeaderSpringNeverBindsIgnoresThatHeader() {
        assertThat(RequestBody.headerBinds("From", "from")).isFalse();
        assertThat(RequestBody.headerBinds("Fr-om", "from")).isTrue();
        assertThat(RequestBody.headerBinds("E-Mail", "e-mail"))
                .as("a field named with a dash: the header of that name, as constructor binding asks for it")
                .isTrue();
    }

    @Test
    void aControlCharacterInsideTheDomainHidesNoListedDomain() {
        for (char c = 0; c < ' '; c++) {
            for (String address :
                    List.of("x@mailinator.c" + c + "om", "x@yop" + c + "mail.com", "x@" + c + "mailinator.com" + c)) {
                Decision decision = guard.check(signUp(address));
                assertThat(decision.isDeny())
                        .as("U+%04X in %s", (int) c, address)
                        .isTrue();
                assertThat(decision.status()).isEqualTo(422);
            }
            assertThat(guard.check(signUp("ann@gmail.com" + c)).isAllow())
                    .as("U+%04X after an ordinary address", (int) c)
                    .isTrue();
        }
    }

    private static GuardRequest signUp(String address) {
        StringBuilder json = new StringBuilder();
        for (char c : address.toCharArray()) {
            json.append(c < ' ' ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return GuardRequest.builder("POST", "/api/accounts")
                .body("application/json", "{\"email\":\"" + json + "\"}")
                .build();
    }

    /**
     * probe52b F1, review53 F1: names Spring's binder reads as an element of the field, however its brackets are
     * written (it counts nested brackets and ignores what trails the last one), and names it does not.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "emails[0]",
                "emails[home]",
                "!emails[0]",
                "!emails[]",
                "Emails[3]",
                "emails[0]]",
                "emails[0]x",
                "emails[0][",
                "emails[0]]]",
                "emails[a[b]]",
                "emails[[0]]",
                "emails[x]y]",
                "emails['a.b']",
                "emails[0][1]"
            })
    void anIndexedNameIsAnElementOfTheField(String given) {
        assertThat(RequestBody.isIndexedSpelling(given, "emails")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"emails", "emails[]", "!emails", "emailsx[0]", "other[0]", "emails.x[0]", "[0]emails"})
    void aNameThatIsNoElementOfTheFieldIsNot(String given) {
        assertThat(RequestBody.isIndexedSpelling(given, "emails")).isFalse();
    }

    @Test
    void aNestedFieldsElementsAreReadAtEachLevel() {
        for (String given : new String[] {
            "users[0].email", "users[0]x.email", "users.email[0]", "Users[2].Email", "users[0]][.email"
        }) {
            assertThat(RequestBody.isIndexedSpelling(given, "users.email"))
                    .as(given)
                    .isTrue();
        }
    }
}
