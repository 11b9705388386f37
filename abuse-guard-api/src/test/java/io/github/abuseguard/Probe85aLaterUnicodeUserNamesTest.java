package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * probe85a F1: code points that Unicode 14 and 15 assign, and Java 17 (Unicode 13) does not, are dropped from a user-name
 * key as "marks of later versions". But among them are decimal digits (Tangsa U+16AC0-U+16AC9, Kawi U+11F50-U+11F59,
 * Nag Mundari U+1E4F0-U+1E4F9) and the Kaktovik numerals U+1D2C0-U+1D2C9, and Latin modifier letters whose
 * compatibility decomposition is an ASCII letter (U+A7F2 C, U+A7F3 F, U+A7F4 Q, U+107A5 q; the Latin Extended-F
 * digraphs U+10780 aa, U+10783 ae, U+10787 dz, U+10799 ls, U+1079A lz, U+107AC ts, at level 1), which ICU's root
 * collation weighs as those digits and letters. PostgreSQL's nondeterministic ICU collations (ICU 72 on Debian 12's PostgreSQL 15:
 * {@code CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)}, the case-insensitive
 * collation PostgreSQL's manual shows, and {@code und-u-ks-level1}) find the account {@code user5} for {@code user}
 * followed by any of those fives, and {@code alice} for {@code ali\uA7F2e}; MariaDB's uca1400 collations (Unicode 14)
 * read the Tangsa digits so too. Dropped, the digit or letter is gone from the key: {@code user}+Tangsa five is keyed
 * {@code user}, another budget than {@code user5}'s, and an account name with k such digits or letters has 2^k keys.
 * (Checked by {@code ('user' || chr(x'16AC5'::int)) = 'user5' COLLATE ci}, true at level 2 and level 1.)
 */
class Probe85aLaterUnicodeUserNamesTest {

    /** The zero of each run of ten digits Unicode 14 or 15 added, which ICU 72 collates as 0-9. */
    private static final int[] ZEROS = {0x16AC0, 0x11F50, 0x1E4F0, 0x1D2C0};

    @Test
    void digitsOfUnicode14And15AreTheirAsciiDigits() {
        for (int zero : ZEROS) {
            for (int d = 0; d <= 9; d++) {
                assertThat(UserNames.key("user" + Character.toString(zero + d)))
                        .as("user + U+%X (ICU: the digit %d)", zero + d, d)
                        .isEqualTo(UserNames.key("user" + d));
            }
        }
    }

    @Test
    void modifierLettersOfUnicode14AreTheirLetters() {
        assertThat(UserNames.key("ali\uA7F2e")).as("U+A7F2 modifier capital C").isEqualTo(UserNames.key("alice"));
        assertThat(UserNames.key("\uA7F3red")).as("U+A7F3 modifier capital F").isEqualTo(UserNames.key("fred"));
        assertThat(UserNames.key("\uA7F4uinn")).as("U+A7F4 modifier capital Q").isEqualTo(UserNames.key("quinn"));
        assertThat(UserNames.key("\uD801\uDFA5uinn"))
                .as("U+107A5 modifier small q")
                .isEqualTo(UserNames.key("quinn"));
    }

    /**
     * Under {@code und-u-ks-level1} (accent-insensitive, as MySQL's and MariaDB's {@code _ai_ci}) ICU also reads these as
     * their letters: the Latin Extended-F modifiers (Unicode 14, dropped here) and two letters Java 17 knows and the key
     * keeps apart, r rotunda and anglicana w. Each is checked true in PostgreSQL 15 with ICU 72, e.g.
     * {@code 'use\uA75B5' = 'user5' COLLATE ci1}.
     */
    @Test
    void accentInsensitiveIcuReadsTheseAsTheirLetters() {
        assertThat(UserNames.key("r\uD801\uDF83l"))
                .as("U+10783 modifier small ae")
                .isEqualTo(UserNames.key("rael"));
        assertThat(UserNames.key("\uD801\uDF95al"))
                .as("U+10795 modifier small h")
                .isEqualTo(UserNames.key("hal"));
        assertThat(UserNames.key("b\uD801\uDFA2b"))
                .as("U+107A2 modifier small o")
                .isEqualTo(UserNames.key("bob"));
        assertThat(UserNames.key("u\uA7D9er5")).as("U+A7D9 small sigmoid s").isEqualTo(UserNames.key("user5"));
        assertThat(UserNames.key("use\uA75B5")).as("U+A75B small r rotunda").isEqualTo(UserNames.key("user5"));
        assertThat(UserNames.key("\uA7C3ill")).as("U+A7C3 small anglicana w").isEqualTo(UserNames.key("will"));
    }

    /** One account of the demo's population, user1234, spelled with each of its digits plain or in Kawi. */
    @Test
    void oneAccountWithFourDigitsIsOneKey() {
        Set<String> keys = new LinkedHashSet<>();
        String digits = "1234";
        for (int mask = 0; mask < 16; mask++) {
            StringBuilder name = new StringBuilder("user");
            for (int i = 0; i < 4; i++) {
                int d = digits.charAt(i) - '0';
                name.appendCodePoint(((mask >> i) & 1) == 0 ? '0' + d : 0x11F50 + d);
            }
            keys.add(UserNames.key(name.toString()));
        }
        assertThat(keys)
                .as("keys of 16 spellings of user1234 that ICU collates as user1234")
                .hasSize(1);
    }
}
