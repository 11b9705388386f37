package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ibm.icu.text.Collator;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * probe85a F1, F2: what ICU's root collation compares equal at level 1 (MySQL's {@code utf8mb4_0900_ai_ci}, MariaDB's
 * {@code uca1400_ai_ci}, PostgreSQL's {@code und-u-ks-level1}) is one user-name key, over every code point ICU defines
 * and the ASCII strings of two and three letters and digits: the groups {@link UserNameFoldsGenerator} writes the
 * table from. Before the table, kana, small kana, Hebrew final letters, combining Cyrillic and Glagolitic letters, CJK
 * radicals and the digits and letters of Unicode 14 and later were keys apart from the letters they are read as.
 */
class UserNamesCollationTest {

    /**
     * What ICU equates and the key keeps apart, on purpose: U+037A GREEK YPOGEGRAMMENI, which ICU weighs as iota while
     * NFKC makes it a space and U+0345, a mark the key drops with its space as it drops the other spacing accents. The
     * table is read after NFKC and cannot hold it; a name with it is keyed as one without it, which only joins names.
     */
    private static final Set<Integer> NOT_FOLDED = Set.of(0x037A);

    private static final Collator LEVEL_ONE = UserNameFoldsGenerator.levelOne();

    @Test
    void whatIcuComparesEqualAtLevelOneIsOneKey() {
        List<UserNameFoldsGenerator.Group> groups = UserNameFoldsGenerator.groups();
        assertThat(groups).as("ICU's level-1 groups").hasSizeGreaterThan(1000);
        List<String> split = new ArrayList<>();
        int members = 0;
        for (UserNameFoldsGenerator.Group group : groups) {
            members += group.members().size();
            // on its own, and inside a name (a space a name's edges lose is one inside it)
            for (String context : List.of("", "x")) {
                Map<String, List<String>> keys = new TreeMap<>();
                for (String member : group.members()) {
                    if (member.codePointCount(0, member.length()) > 1 || !NOT_FOLDED.contains(member.codePointAt(0))) {
                        keys.computeIfAbsent(UserNames.key(context + member + context), k -> new ArrayList<>())
                                .add(member);
                    }
                }
                if (keys.size() > 1) {
                    split.add(context + UserNameFoldsGenerator.describe(keys));
                }
            }
        }
        assertThat(split)
                .as(
                        "%d times a group ICU compares equal at level 1 has more than one key, on its own or between x (%d groups, %d members); the first 20:%n%s",
                        split.size(),
                        groups.size(),
                        members,
                        String.join("\n", split.subList(0, Math.min(20, split.size()))))
                .isEmpty();
    }

    @Test
    void kanaAreOneName() {
        assertOneName("さとう", "サトウ", "ｻﾄｳ", "さトう");
        assertOneName("ゆき", "ゅき", "ユキ");
    }

    @Test
    void spacesAreOneSpace() {
        assertOneName("john smith", "john\u3000smith", "john\u1680smith"); // ideographic space, Ogham space mark
    }

    @Test
    void hebrewFinalLettersAreTheirLetters() {
        assertOneName("שלום", "שלומ");
    }

    @Test
    void combiningCyrillicLettersAreTheirLetters() {
        assertOneName("иван", "и\u2DE1ан", "Иван");
    }

    @Test
    void cjkRadicalsAreTheirIdeographs() {
        assertOneName("马伟", "\u2EE2伟");
    }

    @Test
    void digitsOfALaterUnicodeAreTheirDigits() {
        assertOneName("user1234", "user\uD807\uDF51234"); // U+11F51 KAWI DIGIT ONE (Unicode 15)
    }

    @Test
    void lettersOfALaterUnicodeAreTheirLetters() {
        assertOneName("alice", "ali\uA7F2e"); // U+A7F2 MODIFIER LETTER CAPITAL C (Unicode 14)
        assertOneName("user5", "use\uA75B5", "u\uA7D9er5"); // r rotunda; sigmoid s (Unicode 14)
        assertOneName("will", "\uA7C3ill"); // anglicana w
    }

    @Test
    void theTableIsReadWholeAndAMalformedOneIsRefused() throws Exception {
        assertThat(UserNames.FOLDS.size()).as("entries of user-name-folds.txt").isGreaterThan(1000);
        assertThat(UserNames.Folds.parse(new StringReader("# a comment\n\n30A2\t3042\t# KATAKANA LETTER A\n"))
                        .applied("\u30A2\u30A2b"))
                .isEqualTo("\u3042\u3042b");
        for (String malformed : List.of(
                "",
                "0041\t0061\t# ASCII",
                "30A2\t# no target",
                "30A2\t\t# empty target",
                "30A2\t30XY\t# not hex",
                "30A3\t3042\n30A2\t3042\t# out of order",
                "110000\t0061\t# no code point")) {
            assertThatThrownBy(() -> UserNames.Folds.parse(new StringReader(malformed)))
                    .as("%s", malformed)
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    /** Each spelling is equal to the first in ICU's root collation at level 1, and has the first one's key. */
    private static void assertOneName(String... spellings) {
        for (String spelling : spellings) {
            assertThat(LEVEL_ONE.compare(spelling, spellings[0]))
                    .as("ICU level 1: %s = %s", spelling, spellings[0])
                    .isZero();
            assertThat(UserNames.key(spelling)).as("key of %s", spelling).isEqualTo(UserNames.key(spellings[0]));
        }
    }
}
