package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DomainListTest {

    @Test
    void theClosestListedParentIsTheMatch() {
        DomainList list = DomainList.of(List.of("temp.example", "mail.temp.example", "example.org"));
        assertThat(list.match("a.b.mail.temp.example")).isEqualTo("mail.temp.example");
        assertThat(list.match("b.temp.example")).isEqualTo("temp.example");
        assertThat(list.match("temp.example")).isEqualTo("temp.example");
        assertThat(list.match("xtemp.example")).as("a parent ends at a dot").isNull();
        assertThat(list.match("example")).isNull();
        assertThat(list.match("")).isNull();
        assertThat(list.size()).isEqualTo(3);
    }

    @Test
    void lookUpsAgreeWithAHashSetOfTheBundledEntries() throws Exception {
        DomainList bundled = DomainSource.bundled().current();
        Set<String> oracle = new HashSet<>();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                DomainList.class.getResourceAsStream("disposable-domains.txt"),
                java.nio.charset.StandardCharsets.UTF_8))) {
            lines.lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .forEach(line -> oracle.add(EmailDomain.normalise(line)));
        }
        assertThat(bundled.size()).isEqualTo(oracle.size());
        Set<String> entries = new HashSet<>();
        List<String> names = new ArrayList<>();
        Random random = new Random(7);
        for (String domain : List.of("yopmail.com", "mailinator.com", "post-shift.ru", "gmail.com", "co.uk")) {
            names.add(domain);
            names.add("a" + random.nextInt(1000) + "." + domain);
        }
        for (int i = 0; i < 2_000; i++) {
            names.add("x" + random.nextInt(100_000) + ".y" + random.nextInt(100) + ".example");
        }
        for (String name : names) {
            String naive = null;
            String candidate = name;
            while (candidate != null) {
                if (oracle.contains(candidate)) {
                    entries.add(candidate);
                    naive = naive == null ? candidate : naive;
                }
                int dot = candidate.indexOf('.');
                candidate = dot < 0 ? null : candidate.substring(dot + 1);
            }
            assertThat(bundled.match(name)).as(name).isEqualTo(naive);
        }
        assertThat(entries).contains("yopmail.com", "mailinator.com", "post-shift.ru");
    }
}
