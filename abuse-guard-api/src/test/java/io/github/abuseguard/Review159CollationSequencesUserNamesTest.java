package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import com.ibm.icu.text.CollationElementIterator;
import com.ibm.icu.text.RuleBasedCollator;
import com.ibm.icu.text.UnicodeSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * review159: the table of UserNames.FOLDS is built from groups of single code points (and ASCII strings of 2-3
 * letters), so what ICU's root collation weighs equal only as a sequence keeps keys apart. Every pair below was checked
 * true in PostgreSQL 15 with ICU 72 under {@code und-u-ks-level2} (nondeterministic), e.g.
 * {@code 'അരുൺ' = U&'\0D05\0D30\0D41\0D23\0D4D\200D' COLLATE ci}.
 */
class Review159CollationSequencesUserNamesTest {

    private static final RuleBasedCollator LEVEL_ONE = (RuleBasedCollator) UserNameFoldsGenerator.levelOne();

    /**
     * F1: the Thai, Lao, New Tai Lue and Tai Viet prevowels are contractions in ICU's root (prevowel + consonant is
     * weighed as consonant + prevowel), so {@code เก} and {@code กเ} are one name to the database, two keys here.
     */
    @Test
    void f1PrevowelContractionsAreOneName() {
        assertOneName("สมเกียรติ", "สมกเียรติ"); // Thai, Somkiat
        assertOneName("\u0EC0\u0E81", "\u0E81\u0EC0"); // Lao e + ko
        assertOneName("\u19B5\u1980", "\u1980\u19B5"); // New Tai Lue
        assertOneName("\uAAB5\uAA80", "\uAA80\uAAB5"); // Tai Viet
    }

    /** F1 over every contraction of ICU's root: a two-code-point contraction and its reversal, when ICU equates them. */
    @Test
    void f1EveryReorderingContractionIsOneKey() throws Exception {
        UnicodeSet contractions = new UnicodeSet();
        LEVEL_ONE.getContractionsAndExpansions(contractions, null, true);
        List<String> split = new ArrayList<>();
        for (String s : contractions) {
            int[] cps = s.codePoints().toArray();
            if (cps.length != 2) {
                continue;
            }
            if (!java.text.Normalizer.isNormalized(s, java.text.Normalizer.Form.NFKC)) {
                // a Lao ligature (U+0EDC, U+0EDD) NFKC writes as two letters before the key reorders: known, not
                // followed
                continue;
            }
            String reversed = new String(new int[] {cps[1], cps[0]}, 0, 2);
            if (LEVEL_ONE.compare(s, reversed) == 0 && !UserNames.key(s).equals(UserNames.key(reversed))) {
                split.add(UserNameFoldsGenerator.hex(s));
            }
        }
        assertThat(split)
                .as("%d contractions ICU equates with their reversal, keyed apart: %s", split.size(), split)
                .isEmpty();
    }

    /**
     * F2: a letter ICU weighs as a sequence of letters is keyed apart from that sequence: Malayalam chillu letters
     * (atomic since Unicode 5.1; the older spelling is the consonant, virama and ZWJ), Bengali khanda ta (same),
     * the Yiddish ligatures, Myanmar great sa. Common names: അരുൺ (Arun), രാഹുൽ (Rahul), ജോൺ (John), শরৎ (Sharat),
     * বিদ্যুৎ (Bidyut), לײב (Leib), װאָלף (Volf).
     */
    @Test
    void f2LettersWeighedAsSequencesAreOneName() {
        assertOneName("അരുൺ", "\u0D05\u0D30\u0D41\u0D23\u0D4D\u200D", "\u0D05\u0D30\u0D41\u0D23\u0D4D");
        assertOneName("രാഹുൽ", "\u0D30\u0D3E\u0D39\u0D41\u0D32\u0D4D\u200D");
        assertOneName("শরৎ", "\u09B6\u09B0\u09A4\u09CD\u200D", "\u09B6\u09B0\u09A4\u09CD");
        assertOneName("\u05DC\u05F2\u05D1", "\u05DC\u05D9\u05D9\u05D1"); // Leib
        assertOneName("\u05F0\u05D0\u05DC\u05E3", "\u05D5\u05D5\u05D0\u05DC\u05E3"); // Volf
        assertOneName("\u103F", "\u101E\u1039\u101E"); // Myanmar great sa
    }

    /**
     * F2 over every code point: one ICU weighs as two or more collation elements, each that of a single code point,
     * against the string of those code points (on its own or between x).
     */
    @Test
    void f2EveryExpansionIsOneKeyWithItsLetters() {
        Map<Integer, String> single = new HashMap<>();
        for (int c = 0x20; c <= Character.MAX_CODE_POINT; c++) {
            if (!UserNameFoldsGenerator.inUniverse(c)) {
                continue;
            }
            List<Integer> p = primaries(Character.toString(c));
            if (p.size() == 1) {
                String cur = single.get(p.get(0));
                if (cur == null || (cur.codePointAt(0) >= 0x80 && c < 0x80)) {
                    single.put(p.get(0), Character.toString(c));
                }
            }
        }
        List<String> split = new ArrayList<>();
        for (int c = 0x80; c <= Character.MAX_CODE_POINT; c++) {
            if (!UserNameFoldsGenerator.inUniverse(c)) {
                continue;
            }
            String s = Character.toString(c);
            List<Integer> p = primaries(s);
            if (p.size() < 2 || !java.text.Normalizer.isNormalized(s, java.text.Normalizer.Form.NFKC)) {
                // U+0675-U+0678, U+FBDD: NFKC writes the high hamza after the letter, ICU weighs it before: known
                continue;
            }
            StringBuilder letters = new StringBuilder();
            for (int primary : p) {
                String m = single.get(primary);
                if (m == null) {
                    letters = null;
                    break;
                }
                letters.append(m);
            }
            if (letters == null) {
                continue;
            }
            String a = "x" + s + "x";
            String b = "x" + letters + "x";
            if (LEVEL_ONE.compare(a, b) == 0 && !UserNames.key(a).equals(UserNames.key(b))) {
                split.add(String.format("U+%04X=%s", c, UserNameFoldsGenerator.hex(letters.toString())));
            }
        }
        assertThat(split)
                .as(
                        "%d code points ICU weighs as a sequence of letters, keyed apart from it; the first 30: %s",
                        split.size(), split.subList(0, Math.min(30, split.size())))
                .isEmpty();
    }

    private static List<Integer> primaries(String s) {
        CollationElementIterator it = LEVEL_ONE.getCollationElementIterator(s);
        List<Integer> p = new ArrayList<>();
        for (int ce; (ce = it.next()) != CollationElementIterator.NULLORDER; ) {
            if (CollationElementIterator.primaryOrder(ce) != 0) {
                p.add(ce & 0xFFFF00C0);
            }
        }
        return p;
    }

    private static void assertOneName(String... spellings) {
        for (String spelling : spellings) {
            assertThat(LEVEL_ONE.compare(spelling, spellings[0]))
                    .as("ICU level 1: %s = %s", spelling, spellings[0])
                    .isZero();
        }
        for (String spelling : spellings) {
            assertThat(UserNames.key(spelling))
                    .as("key of %s (%s)", spelling, UserNameFoldsGenerator.hex(spelling))
                    .isEqualTo(UserNames.key(spellings[0]));
        }
    }
}
