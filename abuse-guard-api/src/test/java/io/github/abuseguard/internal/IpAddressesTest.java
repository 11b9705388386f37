package io.github.abuseguard.internal;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

    @Test
    void noClassThatReadsClientAddressesCanCallTheSystemResolver() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(
                        "io.github.abuseguard.identity", "io.github.abuseguard.client", "io.github.abuseguard.origin");
        noClasses()
                .should()
                .callMethod(InetAddress.class, "getByName", String.class)
                .orShould()
                .callMethod(InetAddress.class, "getAllByName", String.class)
                .check(classes);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                ".::1",
                "::1.",
                "1::2::3",
                ":1::",
                "1:2:3:4:5:6:7:8:9",
                "1:2:3:4:5:6:7::8",
                "12345::1",
                "::1.2.3",
                "::1.2.3.256",
                "1.2.3.4::",
                "::g",
                "1:",
                ":",
                "fe80::1%",
                "fe80::1%eth0/1",
                "::\u0663",
                "1:2:3:4:5:6:7:1.2.3.4",
                "localhost",
                "::1 "
            })
    void stringsThatAreNotIpv6LiteralsAreRefused(String text) {
        assertThat(IpAddresses.parse(text)).isNull();
    }

    @ParameterizedTest
    @CsvSource({
        "::, 0:0:0:0:0:0:0:0",
        "::1, 0:0:0:0:0:0:0:1",
        "1::, 1:0:0:0:0:0:0:0",
        "2001:DB8::a:B, 2001:db8:0:0:0:0:a:b",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6::8, 1:2:3:4:5:6:0:8",
        "::1.2.3.4, 0:0:0:0:0:0:102:304",
        "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
        "::ffff:1.2.3.4, 1.2.3.4",
        "::ffff:102:304, 1.2.3.4",
        "fe80::1%eth0, fe80:0:0:0:0:0:0:1",
        "0000:0000:0000:0000:0000:0000:0000:0001, 0:0:0:0:0:0:0:1"
    })
    void ipv6LiteralsAreParsedWithoutTheJdk(String text, String canonical) {
        assertThat(IpAddresses.format(IpAddresses.parse(text))).isEqualTo(canonical);
    }

    @Test
    void theParserAgreesWithTheJdkOnRandomLiteralLikeStrings() throws Exception {
        // Strings of hex digits and colons that start with a hex digit or colon are parsed by the JDK
        // as literals, never resolved, so the JDK is a safe oracle for them.
        Random random = new Random(7);
        String alphabet = "0123456789abcdefABCDEF::::";
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(24);
            for (int c = 0; c < length; c++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextInt(4) == 0) {
                text.append(random.nextInt(256))
                        .append('.')
                        .append(random.nextInt(256))
                        .append('.');
                text.append(random.nextInt(256)).append('.').append(random.nextInt(256));
            }
            String literal = text.toString();
            if (literal.indexOf(':') < 0) {
                continue;
            }
            byte[] ours = IpAddresses.parse(literal);
            // the JDK also takes groups of five digits such as 01acb and octets such as 0204; RFC 4291
            // allows four hex digits a group, and an octet never needs more than three
            byte[] jdk = hasOverlongPart(literal) ? null : jdk(literal);
            assertThat(ours).as(literal).isEqualTo(jdk);
            if (ours != null) {
                accepted++;
            }
        }
        assertThat(accepted)
                .as("the random strings must also exercise valid literals")
                .isGreaterThan(1_000);
    }

    private static boolean hasOverlongPart(String literal) {
        for (String group : literal.split(":")) {
            if (group.length() > 4 && group.indexOf('.') < 0) {
                return true;
            }
            for (String octet : group.split("\\.")) {
                if (group.indexOf('.') >= 0 && octet.length() > 3) {
                    return true;
                }
            }
        }
        return false;
    }

    private static byte[] jdk(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException notALiteral) {
            return null;
        }
    }

    @Test
    void theSiteOfAnIpv6KeyIsItsSlash48AndEveryOtherKeyIsItself() {
        String site = IpAddresses.site("2001:db8:1:2:0:0:0:0/64");
        assertThat(site).endsWith("/48");
        assertThat(IpAddresses.site("2001:db8:1:ff00:0:0:0:0/64"))
                .as("another /64 of the same /48")
                .isEqualTo(site);
        assertThat(IpAddresses.site("2001:db8:1:2::7")).as("an address").isEqualTo(site);
        assertThat(IpAddresses.site("2001:db8:2:2:0:0:0:0/64")).isNotEqualTo(site);
        assertThat(IpAddresses.site("2001:db8::/32")).as("already wider").isEqualTo("2001:db8::/32");
        assertThat(IpAddresses.site("203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(IpAddresses.site("session:abc")).as("not an address").isEqualTo("session:abc");
        assertThat(IpAddresses.site("bob")).isEqualTo("bob");
    }

    @Test
    void theAllocationOfAnAddressIsItsIpv4Slash16OrIpv6Slash32() {
        assertThat(IpAddresses.allocation(IpAddresses.parse("203.0.113.7"))).isEqualTo("203.0.0.0/16");
        assertThat(IpAddresses.allocation(IpAddresses.parse("2001:db8:4:5::7"))).isEqualTo("2001:db8:0:0:0:0:0:0/32");
        assertThat(IpAddresses.allocation(IpAddresses.parse("2002:cb00:7109::1")))
                .as("6to4 of 203.0.113.9")
                .isEqualTo("203.0.0.0/16");
        assertThat(IpAddresses.allocation(IpAddresses.parse("::ffff:198.51.100.7")))
                .isEqualTo("198.51.0.0/16");
    }
}
