package io.github.abuseguard.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.abuseguard.ClientIdentity;
import io.github.abuseguard.internal.IpAddresses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Forwarded-header client resolution on arbitrary headers. Input: the first byte picks the header
 * ({@code F}orwarded or else X-Forwarded-For), the rest are header lines, one per line.
 */
class ClientResolverFuzzTest {
    private static final String PEER = "10.0.0.2";
    private static final Pattern TOKEN_SEPARATORS = Pattern.compile("[ \t,;=\"\\[\\]]+");
    private static final Pattern JDK_LITERAL = Pattern.compile("[0-9a-fA-F:][0-9a-fA-F:.]*");

    @FuzzTest(maxDuration = "10m")
    void theClientIsThePeerOrALiteralOfTheHeader(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        boolean forwarded = text.startsWith("F");
        List<String> lines = (text.isEmpty() ? "" : text.substring(1)).lines().toList();
        ClientResolver resolver = ClientResolver.builder()
                .trustedProxies("10.0.0.0/8", "fd00::/8")
                .forwardedHeader(forwarded ? ForwardedHeader.FORWARDED : ForwardedHeader.X_FORWARDED_FOR)
                .build();

        ClientIdentity client = resolver.resolve(PEER, name -> lines);

        Set<String> allowed = new HashSet<>();
        allowed.add(PEER);
        for (String line : lines) {
            for (String token : TOKEN_SEPARATORS.split(line)) {
                for (String literal : List.of(token, withoutPort(token))) {
                    byte[] address = IpAddresses.parse(literal);
                    if (address != null) {
                        allowed.add(resolver.resolve(IpAddresses.format(address), name -> List.of())
                                .key());
                    }
                    agreesWithTheJdk(literal, address);
                }
            }
        }
        assertThat(client.key()).isIn(allowed);
        assertThat(client.viaTrustedProxy()).isTrue();
    }

    private static String withoutPort(String token) {
        int colon = token.lastIndexOf(':');
        return colon > 0 && token.indexOf(':') == colon ? token.substring(0, colon) : token;
    }

    /**
     * Strings of hex digits, colons and dots that start with a hex digit or colon are literals to the
     * JDK, never host names, so it parses them without a lookup and is a safe oracle. The JDK is more
     * lenient (five-digit groups, four-digit octets), so only our acceptances are checked against it.
     */
    private static void agreesWithTheJdk(String literal, byte[] ours) {
        if (ours == null
                || literal.indexOf(':') < 0
                || !JDK_LITERAL.matcher(literal).matches()) {
            return;
        }
        try {
            byte[] jdk = InetAddress.getByName(literal).getAddress();
            assertThat(Arrays.equals(ours, jdk)).as(literal).isTrue();
        } catch (UnknownHostException e) {
            throw new AssertionError("we accepted " + literal + " but the JDK does not", e);
        }
    }
}
