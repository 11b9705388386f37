package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.PropertyPath;
import io.github.abuseguard.internal.SettingsBinder;
import io.github.abuseguard.store.LocalStateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What the bundled protection lists cover (probe57a): real providers' further domains and alias relays as addresses,
 * the mail servers of forwarders and hosting companies as mail servers only; and how long a failed look-up is kept.
 */
class SharedMailServersAndRelaysTest {

    private static DisposableDomains domains(Map<String, String> properties) {
        return EmailGuardFactory.disposableDomains(
                SettingsBinder.bind(properties).section(EmailSettings.class),
                PropertyPath.of("email"),
                LocalStateStore.builder().build(),
                TimeSource.system());
    }

    @Test
    void realProvidersAndAliasRelaysSignUpEvenWithTheBroaderList() {
        DisposableDomains domains = domains(Map.of("abuse-guard.email.sources[0]", "bundled:mailchecker"));
        for (String address : List.of(
                "ann@keemail.me",
                "ann@consultant.com",
                "ann@myself.com",
                "ann@hush.com",
                "ann@photographer.net",
                "ann@tom.com",
                "x7f3@mozmail.com",
                "x7f3@duck.com",
                "x7f3@passmail.net",
                "x7f3@simplelogin.com",
                "x7f3@addy.io")) {
            assertThat(domains.match(address)).as(address).isNull();
        }
        assertThat(domains.match("bot@mailinator.com")).isNotNull();
    }

    @Test
    void aliasRelaysAreRefusedByAListThatNamesThemWhenTheOperatorSaysSo() {
        DisposableDomains domains = domains(Map.of(
                "abuse-guard.email.sources[0]", "bundled:mailchecker",
                "abuse-guard.email.allow-alias-relays", "false"));
        assertThat(domains.match("x7f3@mozmail.com")).isNotNull();
        assertThat(domains.match("ann@keemail.me"))
                .as("a provider, not a relay")
                .isNull();
    }

    @Test
    void anAddressAtAHostingCompanysMailServerNameIsNotAllowedByTheSharedHostList() {
        // probe57a F9: amazonaws.com, ovh.net and secureserver.net were allowlisted as mail servers' domains, and
        // so was every address under them
        DisposableDomains domains = domains(Map.of(
                "abuse-guard.email.sources[0]",
                "file:"
                        + writeList(
                                "ec2-203-0-113-9.compute-1.amazonaws.com", "ssl0.ovh.net", "smtp.secureserver.net")));
        assertThat(domains.match("bot@ec2-203-0-113-9.compute-1.amazonaws.com")).isNotNull();
        assertThat(domains.match("bot@ssl0.ovh.net")).isNotNull();
        assertThat(domains.match("bot@smtp.secureserver.net")).isNotNull();
        assertThat(domains.isAllowed("compute-1.amazonaws.com")).isFalse();
        assertThat(domains.isSharedMailHost("inbound-smtp.us-east-1.amazonaws.com"))
                .isTrue();
    }

    private static String writeList(String... entries) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("listed", ".txt");
            java.nio.file.Files.write(file, List.of(entries));
            file.toFile().deleteOnExit();
            return file.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aListedDomainWithASharpSIsFoundWrittenInUnicode() {
        // probe57a F5: IDNA2003 read wegwerfmaß.de as wegwerfmass.de, so the listed xn--wegwerfma-o1a.de passed
        DisposableDomains domains =
                domains(Map.of("abuse-guard.email.sources[0]", "file:" + writeList("xn--wegwerfma-o1a.de")));
        assertThat(domains.match("bot@wegwerfmaß.de")).isNotNull();
        assertThat(domains.match("bot@WEGWERFMA\u1E9E.de")).isNotNull();
        assertThat(domains.match("bot@xn--wegwerfma-o1a.de")).isNotNull();
    }

    @Test
    void aFailedLookUpIsAskedAgainAfterAMinuteNotAnHour() {
        // probe57a F3: a look-up that failed once (a timeout, SERVFAIL) was kept an hour, and the domain went through
        // unchecked all that time
        AtomicLong now = new AtomicLong();
        List<String> asked = new ArrayList<>();
        boolean[] failing = {true};
        MxResolver dns = domain -> {
            asked.add(domain);
            return failing[0]
                    ? CompletableFuture.failedFuture(new IllegalStateException("SERVFAIL"))
                    : CompletableFuture.completedFuture(List.of("mx.known-temp.example"));
        };
        DisposableDomains domains = new DisposableDomains(
                List.of(),
                List.of(DomainSource.majorProviders()),
                List.of(DomainSource.sharedMailHosts()),
                null,
                new MxCheck(
                        dns,
                        Duration.ofMillis(50),
                        1_000,
                        Duration.ofHours(1),
                        List.of("mx.known-temp.example"),
                        now::get));

        assertThat(domains.match("bot@fresh-temp.example")).isNull();
        failing[0] = false;
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(domains.match("bot@fresh-temp.example"))
                .as("within the minute the failure stands")
                .isNull();
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(domains.match("bot@fresh-temp.example"))
                .isEqualTo(new DisposableDomains.Match("fresh-temp.example", "mx.known-temp.example", "mx"));
        assertThat(asked).containsExactly("fresh-temp.example", "fresh-temp.example");
    }
}
