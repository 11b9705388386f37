package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.spring.annotation.RejectDisposableEmail;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;

/**
 * probe43a F1 and F2 on a real Tomcat: bindings that read an address the guard did not. Model attribute binding
 * takes {@code Email=} for {@code setEmail} (a property is looked up capitalised and uncapitalised too); {@code
 * @RequestPart String} reads a file part, which Tomcat gives no parameter, and decodes a text part in the
 * charset the part declares, where Tomcat decodes it as UTF-8. Each reached the handler as x@mailinator.com.
 */
@SpringBootTest(
        classes = BindingSpellingsOnServerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.jackson.mapper.accept-case-insensitive-properties=true")
class BindingSpellingsOnServerTest {
    private static final String BOUNDARY = "xyz";

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aCapitalisedFormFieldBoundToTheModelAttributeIsJudged() throws Exception {
        for (String name : new String[] {"Email", "Email[]", "!Email"}) {
            HttpResponse<String> response =
                    send("/model", "application/x-www-form-urlencoded", bytes(name + "=x%40mailinator.com"));
            assertThat(response.statusCode()).as(name).isEqualTo(422);
            assertThat(response.body()).contains("disposable-email");
        }
        HttpResponse<String> ordinary =
                send("/model", "application/x-www-form-urlencoded", bytes("Email=ann%40gmail.com"));
        assertThat(ordinary.statusCode()).isEqualTo(200);
        assertThat(ordinary.body()).as("what the binder gave the handler").isEqualTo("ann@gmail.com");
    }

    /**
     * probe43a G1: model attribute binding takes a request header as a value under its name with the dashes
     * dropped, so {@code E-mail:} reached {@code setEmail}; constructor binding (a record) takes {@code Email:}.
     */
    @Test
    void aHeaderTheBinderTakesForTheFieldIsJudged() throws Exception {
        for (String header : new String[] {"E-mail", "Em-ail", "!E-mail", "Email"}) {
            for (String path : new String[] {"/model", "/record", "/nested"}) {
                String name = !path.equals("/nested")
                        ? header
                        : header.startsWith("!") ? "!User." + header.substring(1) : "User." + header;
                HttpResponse<String> refused = send(path, name, "x@mailinator.com");
                assertThat(refused.statusCode()).as(name + " on " + path).isEqualTo(422);
            }
        }
        HttpResponse<String> ordinary = send("/model", "E-mail", "ann@gmail.com");
        assertThat(ordinary.statusCode()).isEqualTo(200);
        assertThat(ordinary.body()).as("what the binder gave the handler").isEqualTo("ann@gmail.com");
        HttpResponse<String> nested = send("/nested", "User.E-mail", "ann@gmail.com");
        assertThat(nested.body()).as("what the binder gave the handler").isEqualTo("ann@gmail.com");
        HttpResponse<String> record = send("/record", "Email", "ann@gmail.com");
        assertThat(record.body()).as("what the binder gave the handler").isEqualTo("ann@gmail.com");
        HttpResponse<String> from = send("/model", "From", "x@mailinator.com");
        assertThat(from.statusCode()).as("a header Spring never binds").isEqualTo(200);
        assertThat(from.body()).as("nothing bound").isEmpty();
    }

    /**
     * probe43a G3: a URI template variable named like the field, which {@code @PathVariable} takes and model
     * attribute binding binds when the form has no such field.
     */
    @Test
    void aUriTemplateVariableNamedLikeTheFieldIsJudged() throws Exception {
        for (String path :
                new String[] {"/invite/x@mailinator.com", "/users/x%40mailinator.com", "/users/x@a@localhost"}) {
            HttpResponse<String> refused = send(path, "application/x-www-form-urlencoded", bytes("name=ann"));
            assertThat(refused.statusCode()).as(path).isEqualTo(422);
        }
        for (String path : new String[] {"/invite/ann@gmail.com", "/users/ann@gmail.com"}) {
            HttpResponse<String> ordinary = send(path, "application/x-www-form-urlencoded", bytes("name=ann"));
            assertThat(ordinary.statusCode()).as(path).isEqualTo(200);
            assertThat(ordinary.body()).as("what the handler was given").isEqualTo("ann@gmail.com");
        }
    }

    /** A key reads no path variable: renaming the user in the path's name is no ambiguous user name. */
    @Test
    void aKeyDoesNotReadThePathVariableNamedLikeItsField() throws Exception {
        HttpResponse<String> renamed = send("/rename/ann", "application/json", bytes("{\"username\":\"anna\"}"));
        assertThat(renamed.statusCode()).isEqualTo(200);
        assertThat(renamed.body()).isEqualTo("ann->anna");
    }

    /**
     * probe52b F1: Spring's binder reads {@code email[0]} as an element of a {@code List} or array property and
     * {@code email[home]} as a {@code Map}'s, and the guard read only {@code email}, {@code email[]} and {@code
     * !email}: {@code email[0]=x@mailinator.com&email[1]=y@yopmail.com} reached an invitation handler as two
     * addresses. In the body, the query string and a multipart part.
     */
    @Test
    void anIndexedFormFieldBoundToAListOrAMapIsJudged() throws Exception {
        for (String pair : new String[] {
            "emails%5B0%5D=x%40mailinator.com",
            "emails%5B1%5D=ann%40gmail.com&emails%5B0%5D=x%40mailinator.com",
            "!emails%5B0%5D=x%40mailinator.com",
            "!emails%5B%5D=x%40mailinator.com",
            "Emails%5B3%5D=x%40mailinator.com",
            "emails%5B0%5D%5D=x%40mailinator.com", // review53 F1: what trails the last ']' Spring ignores
            "emails%5B0%5Dx=x%40mailinator.com",
            "emails%5B0%5D%5B=x%40mailinator.com"
        }) {
            assertThat(send("/list", "application/x-www-form-urlencoded", bytes(pair))
                            .statusCode())
                    .as(pair)
                    .isEqualTo(422);
            assertThat(send("/list?" + pair, "application/json", bytes("{}")).statusCode())
                    .as("?" + pair)
                    .isEqualTo(422);
        }
        for (String entry : new String[] {"emails%5Bhome%5D", "emails%5Ba%5Bb%5D%5D", "emails%5Bx%5Dy%5D"}) {
            assertThat(send("/map", "application/x-www-form-urlencoded", bytes(entry + "=x%40mailinator.com"))
                            .statusCode())
                    .as("a map's entry " + entry)
                    .isEqualTo(422);
        }
        String part = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"emails[0]\"\r\n\r\n"
                + "x@mailinator.com\r\n--" + BOUNDARY + "--\r\n";
        assertThat(send("/list", "multipart/form-data; boundary=" + BOUNDARY, bytes(part))
                        .statusCode())
                .as("a multipart part")
                .isEqualTo(422);

        HttpResponse<String> ordinary = send(
                "/list",
                "application/x-www-form-urlencoded",
                bytes("emails%5B0%5D=ann%40gmail.com&emails%5B1%5D=bob%40gmail.com"));
        assertThat(ordinary.statusCode()).isEqualTo(200);
        assertThat(ordinary.body()).as("what the binder gave the handler").isEqualTo("[ann@gmail.com, bob@gmail.com]");
        HttpResponse<String> map =
                send("/map", "application/x-www-form-urlencoded", bytes("emails%5Bhome%5D=ann%40gmail.com"));
        assertThat(map.body()).as("what the binder gave the handler").isEqualTo("{home=ann@gmail.com}");
    }

    /**
     * probe52b F2: with the application's mapper accepting properties without case (a common Spring Boot setting),
     * Jackson bound {@code {"EMAIL":"x@mailinator.com"}} to {@code email}, and the guard matched names exactly.
     */
    @Test
    void aJsonPropertyTheMapperBindsWithoutCaseIsJudged() throws Exception {
        for (String body : new String[] {
            "{\"EMAIL\":\"x@mailinator.com\"}",
            "{\"eMaIl\":\"x@mailinator.com\"}",
            "{\"email\":\"ann@gmail.com\",\"Email\":\"x@mailinator.com\"}"
        }) {
            assertThat(send("/json", "application/json", bytes(body)).statusCode())
                    .as(body)
                    .isEqualTo(422);
        }
        HttpResponse<String> ordinary = send("/json", "application/json", bytes("{\"EMAIL\":\"ann@gmail.com\"}"));
        assertThat(ordinary.statusCode()).isEqualTo(200);
        assertThat(ordinary.body()).as("what Jackson gave the handler").isEqualTo("ann@gmail.com");
    }

    /** probe43a G0: the query string under the binder's spellings, with a JSON body or none. */
    @Test
    void aCapitalisedQueryParameterBoundToTheModelAttributeIsJudgedWhateverTheBody() throws Exception {
        for (String query :
                new String[] {"Email=x%40mailinator.com", "!email=x%40mailinator.com", "email%5B%5D=x%40mailinator.com"
                }) {
            assertThat(send("/model?" + query, "application/json", bytes("{}")).statusCode())
                    .as(query)
                    .isEqualTo(422);
        }
    }

    /**
     * probe43a G5: Tomcat takes parameters from {@code multipart/form-data} only, while Spring's resolver parses
     * any {@code multipart/*} and {@code @RequestParam} binds its parts.
     */
    @Test
    void aMultipartMixedPartBoundToARequestParamIsJudged() throws Exception {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n%s\r\n--" + BOUNDARY
                + "--\r\n";
        for (String type : new String[] {"multipart/mixed", "multipart/related"}) {
            HttpResponse<String> refused =
                    send("/param", type + "; boundary=" + BOUNDARY, bytes(body.formatted("x@mailinator.com")));
            assertThat(refused.statusCode()).as(type).isEqualTo(422);
            HttpResponse<String> ordinary =
                    send("/param", type + "; boundary=" + BOUNDARY, bytes(body.formatted("ann@gmail.com")));
            assertThat(ordinary.statusCode()).as(type).isEqualTo(200);
            assertThat(ordinary.body()).isEqualTo("ann@gmail.com");
        }
    }

    /**
     * probe46b F3: a part declaring a charset its ASCII bytes are not written in was judged in that charset
     * (garbage, no address) while Tomcat adds it to the parameters in the request's charset, which {@code
     * @RequestParam} and {@code @ModelAttribute} bind: {@code x@mailinator.com}.
     */
    @Test
    void aMultipartMixedPartDeclaringAnotherCharsetIsJudgedAsTheBinderReadsIt() throws Exception {
        for (String charset : new String[] {"UTF-16", "UTF-16LE", "IBM037"}) {
            String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"email\"\r\n"
                    + "Content-Type: text/plain; charset=" + charset + "\r\n\r\nx@mailinator.com\r\n--" + BOUNDARY
                    + "--\r\n";
            for (String path : new String[] {"/param", "/model"}) {
                HttpResponse<String> refused = send(path, "multipart/mixed; boundary=" + BOUNDARY, bytes(body));
                assertThat(refused.statusCode())
                        .as(charset + " " + path + ": " + refused.body())
                        .isEqualTo(422);
            }
        }
    }

    @Test
    void aFilePartReadAsTheFieldIsJudged() throws Exception {
        HttpResponse<String> refused = sendPart("filename=\"a.txt\"", null, bytes("x@mailinator.com"));
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("disposable-email");

        HttpResponse<String> ordinary = sendPart("filename=\"a.txt\"", "text/plain", bytes("ann@gmail.com"));
        assertThat(ordinary.statusCode()).isEqualTo(200);
        assertThat(ordinary.body()).isEqualTo("ann@gmail.com");
    }

    /** probe43a G4: {@code @RequestPart String} reads a JSON part whole, as text, not as JSON. */
    @Test
    void aJsonPartNamedAsTheFieldIsJudgedAsText() throws Exception {
        for (String disposition : new String[] {"filename=\"a.json\"", null}) {
            HttpResponse<String> refused = sendPart(disposition, "application/json", bytes("x@mailinator.com"));
            assertThat(refused.statusCode()).as(disposition).isEqualTo(422);
            assertThat(refused.body()).contains("disposable-email");

            HttpResponse<String> ordinary = sendPart(disposition, "application/json", bytes("ann@gmail.com"));
            assertThat(ordinary.statusCode()).as(disposition).isEqualTo(200);
            assertThat(ordinary.body()).isEqualTo("ann@gmail.com");
        }
    }

    @Test
    void aTextPartInACharsetOfItsOwnIsJudgedAsTheConverterDecodesIt() throws Exception {
        Charset ebcdic = Charset.forName("IBM037");
        HttpResponse<String> refused = sendPart(null, "text/plain;charset=IBM037", "x@mailinator.com".getBytes(ebcdic));
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("disposable-email");

        HttpResponse<String> ordinary = sendPart(null, "text/plain;charset=IBM037", "ann@gmail.com".getBytes(ebcdic));
        assertThat(ordinary.statusCode()).isEqualTo(200);
        assertThat(ordinary.body()).isEqualTo("ann@gmail.com");

        HttpResponse<String> unknown = sendPart(null, "text/plain;charset=x-no-such", bytes("x@mailinator.com"));
        assertThat(unknown.statusCode()).as("a charset nobody can decode").isEqualTo(415);
    }

    /**
     * review76 F1: probe59a F1's header in a part, without a charset before the trick. The guard's parser reads
     * {@code a=""\"; charset=IBM037; b="""} as one quoted parameter and no charset (ambiguous since f5ae24f1), so
     * {@code readApart} takes the part for a UTF-8 text part and judges Tomcat's UTF-8 parameter, never looking at
     * the ambiguity; Spring's converter sees {@code charset=IBM037} and binds the EBCDIC bytes as the address.
     */
    @Test
    void aTextPartWhoseCharsetOnlySpringSeesIsRefusedOrJudged() throws Exception {
        Charset ebcdic = Charset.forName("IBM037");
        for (String type : new String[] {
            "text/plain; charset=UTF-8; a=\"\"\\\"; charset=IBM037; b=\"\"\"",
            "text/plain; a=\"\"\\\"; charset=IBM037; b=\"\"\""
        }) {
            HttpResponse<String> response = sendPart(null, type, "x@mailinator.com".getBytes(ebcdic));
            assertThat(response.statusCode())
                    .as("%s: the handler bound %s", type, response.body())
                    .isIn(415, 422);
        }
    }

    @Test
    void aPlainTextPartIsStillReadAsTheContainerParsesIt() throws Exception {
        assertThat(sendPart(null, null, bytes("x@mailinator.com")).statusCode()).isEqualTo(422);
        HttpResponse<String> accented = sendPart(null, null, "j\u00fcrgen@gmail.com".getBytes(StandardCharsets.UTF_8));
        assertThat(accented.statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> sendPart(String disposition, String type, byte[] value) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(bytes("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"email\""
                + (disposition == null ? "" : "; " + disposition) + "\r\n"
                + (type == null ? "" : "Content-Type: " + type + "\r\n") + "\r\n"));
        body.writeBytes(value);
        body.writeBytes(bytes("\r\n--" + BOUNDARY + "--\r\n"));
        return send("/part", "multipart/form-data; boundary=" + BOUNDARY, body.toByteArray());
    }

    /** An empty form with the address in a header. */
    private HttpResponse<String> send(String path, String header, String address) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header(header, address)
                        .POST(HttpRequest.BodyPublishers.ofString("name=ann"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String path, String contentType, byte[] body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Handlers.class)
    static class App {}

    /** A form bound to a bean, as {@code @ModelAttribute} binds it. */
    public static class SignUp {
        private String email;

        public String getEmail() {
            return email;
        }

        public void setEmail(String email) {
            this.email = email;
        }
    }

    /** An invitation of several addresses, as a list and as a map. */
    public static class Invitation {
        private java.util.List<String> emails = new java.util.ArrayList<>();

        public java.util.List<String> getEmails() {
            return emails;
        }

        public void setEmails(java.util.List<String> emails) {
            this.emails = emails;
        }
    }

    /** The same addresses by place. */
    public static class PlacedInvitation {
        private java.util.Map<String, String> emails = new java.util.TreeMap<>();

        public java.util.Map<String, String> getEmails() {
            return emails;
        }

        public void setEmails(java.util.Map<String, String> emails) {
            this.emails = emails;
        }
    }

    /** A form bound through a constructor, as a record is. */
    public record SignUpRecord(String email) {}

    /** A form with the address one level down. */
    public static class Profile {
        private SignUp user = new SignUp();

        public SignUp getUser() {
            return user;
        }

        public void setUser(SignUp user) {
            this.user = user;
        }
    }

    @RestController
    static class Handlers {
        @RejectDisposableEmail(field = "/email")
        @PostMapping(path = "/model")
        String model(@ModelAttribute SignUp signUp) {
            return signUp.getEmail();
        }

        @RejectDisposableEmail(field = "/email")
        @PostMapping(path = "/json")
        String json(@org.springframework.web.bind.annotation.RequestBody SignUpRecord signUp) {
            return signUp.email();
        }

        @RejectDisposableEmail(field = "/emails")
        @PostMapping(path = "/list")
        String list(@ModelAttribute Invitation invitation) {
            return invitation.getEmails().toString();
        }

        @RejectDisposableEmail(field = "/emails")
        @PostMapping(path = "/map")
        String map(@ModelAttribute PlacedInvitation invitation) {
            return invitation.getEmails().toString();
        }

        @RejectDisposableEmail(field = "/email")
        @PostMapping(path = "/record")
        String record(@ModelAttribute SignUpRecord signUp) {
            return signUp.email();
        }

        @RejectDisposableEmail(field = "/user/email")
        @PostMapping(path = "/nested")
        String nested(@ModelAttribute Profile profile) {
            return profile.getUser().getEmail();
        }

        @RejectDisposableEmail(field = "/email")
        @PostMapping(path = "/invite/{email}")
        String invite(@org.springframework.web.bind.annotation.PathVariable String email) {
            return email;
        }

        @RejectDisposableEmail(field = "/email")
        @PostMapping(path = "/users/{email}")
        String user(@ModelAttribute SignUp signUp) {
            return signUp.getEmail();
        }

        @io.github.abuseguard.spring.annotation.RateLimit(
                name = "renames",
                key = "body:/username",
                capacity = 5,
                period = "1m")
        @PostMapping(path = "/rename/{username}")
        String rename(
                @org.springframework.web.bind.annotation.PathVariable String username,
                @org.springframework.web.bind.annotation.RequestBody java.util.Map<String, String> body) {
            return username + "->" + body.get("username");
        }

        @RejectDisposableEmail(field = "/email")
        @PostMapping(path = "/param")
        String param(@org.springframework.web.bind.annotation.RequestParam String email) {
            return email;
        }

        @RejectDisposableEmail(field = "/email")
        @PostMapping(path = "/part", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
        String part(@RequestPart("email") String email) {
            return email;
        }
    }
}
