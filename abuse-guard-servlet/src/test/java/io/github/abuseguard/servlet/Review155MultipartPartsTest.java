package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.AbuseGuard;
import io.github.abuseguard.Guard;
import io.github.abuseguard.email.DisposableDomains;
import io.github.abuseguard.email.DisposableEmailGuard;
import io.github.abuseguard.email.EmailRule;
import jakarta.servlet.Filter;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.HttpServlet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

/**
 * review155: the multipart reading of 989ec33b and before (ServletGuardRequest.parsedMultipart). The first 16 text
 * parts named as the field are read from their bytes; past them only the container's parameters are judged. The 16
 * are counted over every spelling of the field ({@code Email}, {@code !email}, {@code email[0]}), while a servlet's
 * {@code getPart("email")} and Spring's {@code @RequestPart("email")} read the first part named exactly {@code email}.
 */
class Review155MultipartPartsTest {

    private static Filter filter(Guard guard) {
        return AbuseGuardFilter.builder()
                .engine(AbuseGuard.builder().guard(guard).build())
                .refuseUnreadableBody(true)
                .multipartTaken(request -> true)
                .build();
    }

    private static Filter signUpFilter() {
        return filter(DisposableEmailGuard.of(
                DisposableDomains.bundled(),
                List.of(EmailRule.builder("signup").path("/signup").build())));
    }

    private static void part(ByteArrayOutputStream body, String name, byte[] value) throws IOException {
        body.write(("--XX\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        body.write(value);
        body.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * A sign-up form whose first {@code email} part (what getPart and @RequestPart read) comes after 16 parts of
     * another spelling of the field, after a {@code _charset_} part if {@code charsetField} is not null.
     */
    private static byte[] seventeenth(String charsetField, String decoyName, String address) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (charsetField != null) {
            part(body, "_charset_", charsetField.getBytes(StandardCharsets.US_ASCII));
        }
        for (int i = 0; i < 16; i++) {
            part(body, decoyName, ("friend" + i + "@gmail.com").getBytes(StandardCharsets.UTF_8));
        }
        part(body, "email", address.getBytes(StandardCharsets.UTF_8));
        body.write("--XX--\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return body.toByteArray();
    }

    /**
     * F1 on Jetty: 16 parts named {@code Email} (or {@code !email}, {@code email[0]}: spellings the guard counts toward
     * its 16) and then the {@code email} part, under {@code _charset_=UTF-16} or the request's {@code charset=UTF-16}.
     * The guard reads the 16 decoys' bytes and, for the 17th, only Jetty's UTF-16 reading of it (CJK garbage, no
     * address); the servlet's {@code getPart("email")} reads the 17th's bytes as UTF-8 and signs {@code
     * bot@mailinator.com} up (201). Without the charset, or without the decoys, the same address is refused 422.
     */
    @Test
    void onJettyTheFirstEmailPartAfterSixteenOtherSpellingsIsJudgedFromItsBytes() throws Exception {
        Server server = MultipartJetty.start(signUpFilter(), new Probe83bFormCharsetPartTest.PartReader());
        try {
            int port = MultipartJetty.port(server);
            assertThat(MultipartJetty.post(port, "/signup", seventeenth(null, "Email", "bot@mailinator.com")))
                    .as("control: in UTF-8")
                    .startsWith("HTTP/1.1 422");
            List<String> signedUp = new ArrayList<>();
            for (String decoy : List.of("Email", "!email", "email[0]")) {
                String answer =
                        MultipartJetty.post(port, "/signup", seventeenth("UTF-16", decoy, "bot@mailinator.com"));
                if (answer.contains("signed up bot@mailinator.com")) {
                    signedUp.add("_charset_=UTF-16, decoys " + decoy);
                }
            }
            String answer = MultipartJetty.post(
                    port,
                    "/signup",
                    MultipartJetty.FORM + "; charset=UTF-16",
                    seventeenth(null, "Email", "bot@mailinator.com"));
            if (answer.contains("signed up bot@mailinator.com")) {
                signedUp.add("charset=UTF-16 on the request, decoys Email");
            }
            assertThat(signedUp).as("throw-away addresses signed up").isEmpty();
        } finally {
            server.stop();
        }
    }

    /** A plain Tomcat (no request encoding): {@code filter} before {@code servlet}, which takes multipart. */
    private static org.apache.catalina.startup.Tomcat tomcat(Filter filter, HttpServlet servlet) throws Exception {
        org.apache.catalina.startup.Tomcat tomcat = new org.apache.catalina.startup.Tomcat();
        tomcat.setBaseDir(java.nio.file.Files.createTempDirectory("tomcat").toString());
        org.apache.catalina.connector.Connector connector = new org.apache.catalina.connector.Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        org.apache.catalina.Context context = tomcat.addContext("", null);
        org.apache.tomcat.util.descriptor.web.FilterDef definition =
                new org.apache.tomcat.util.descriptor.web.FilterDef();
        definition.setFilterName("guard");
        definition.setFilter(filter);
        context.addFilterDef(definition);
        org.apache.tomcat.util.descriptor.web.FilterMap map = new org.apache.tomcat.util.descriptor.web.FilterMap();
        map.setFilterName("guard");
        map.addURLPatternDecoded("/*");
        context.addFilterMap(map);
        org.apache.catalina.Wrapper wrapper = org.apache.catalina.startup.Tomcat.addServlet(context, "app", servlet);
        wrapper.setMultipartConfigElement(new MultipartConfigElement(""));
        context.addServletMappingDecoded("/*", "app");
        tomcat.start();
        return tomcat;
    }

    /**
     * F1 on Tomcat outside Spring Boot, without a request encoding: Tomcat decodes every text part as ISO-8859-1, so a
     * full-width at sign in UTF-8 is three Latin-1 letters in the 17th part's parameter ({@code UTF-16} on the request
     * is refused 415 on Tomcat, this needs no charset at all); {@code getPart("email")} reads the bytes as UTF-8, NFKC
     * folds the sign, and {@code bot@mailinator.com} signs up. Without the decoys the same part is refused (probe83b
     * F3's fix).
     */
    @Test
    void onTomcatTheFirstEmailPartAfterSixteenOtherSpellingsIsJudgedFromItsBytes() throws Exception {
        org.apache.catalina.startup.Tomcat tomcat =
                tomcat(signUpFilter(), new Probe83bFormCharsetPartTest.PartReader());
        try {
            int port = tomcat.getConnector().getLocalPort();
            ByteArrayOutputStream alone = new ByteArrayOutputStream();
            part(alone, "email", "bot\uFF20mailinator.com".getBytes(StandardCharsets.UTF_8));
            alone.write("--XX--\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(MultipartJetty.post(port, "/signup", alone.toByteArray()))
                    .as("control: the part alone")
                    .doesNotContain("signed up bot@mailinator.com")
                    .startsWith("HTTP/1.1 4");
            String answer = MultipartJetty.post(port, "/signup", seventeenth(null, "Email", "bot\uFF20mailinator.com"));
            assertThat(answer).doesNotContain("signed up bot@mailinator.com");
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
