package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;

import com.ibm.icu.text.RuleBasedCollator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * review160 F3: UserNames.withPrevowelsAfter swaps a prevowel with any following letter of its block, ICU only with a
 * consonant: เา and าเ (or เๆ and ๆเ, ແະ and ະແ) are two names to ICU's root at level 1 and one key here. Scanned over
 * every ordered pair of code points of the four blocks, after "k", where neither is keyed away on its own.
 */
class Review160PrevowelScanTest {
    private static final RuleBasedCollator LEVEL_ONE = (RuleBasedCollator) UserNameFoldsGenerator.levelOne();

    static boolean isPre(int c) {
        return (c >= 0x0E40 && c <= 0x0E44)
                || (c >= 0x0EC0 && c <= 0x0EC4)
                || (c >= 0x19B5 && c <= 0x19B7)
                || c == 0x19BA
                || c == 0xAAB5
                || c == 0xAAB6
                || c == 0xAAB9
                || c == 0xAABB
                || c == 0xAABC;
    }

    @Test
    void aPrevowelBeforeAVowelLetterIsNotSwapped() {
        assertThat(LEVEL_ONE.compare("\u0E40\u0E32", "\u0E32\u0E40"))
                .as("ICU: two names")
                .isNotZero();
        assertThat(UserNames.key("\u0E40\u0E32")).isNotEqualTo(UserNames.key("\u0E32\u0E40"));
    }

    @Test
    void scan() {
        int[][] blocks = {{0x0E00, 0x0E7F}, {0x0E80, 0x0EFF}, {0x1980, 0x19DF}, {0xAA80, 0xAADF}};
        List<String> overMerged = new ArrayList<>();
        List<String> split = new ArrayList<>();
        for (int[] b : blocks) {
            for (int p = b[0]; p <= b[1]; p++) {
                for (int c = b[0]; c <= b[1]; c++) {
                    if (!Character.isDefined(p) || !Character.isDefined(c) || p == c) continue;
                    String a = "k" + (char) p + (char) c;
                    String r = "k" + (char) c + (char) p;
                    boolean icu = LEVEL_ONE.compare(a, r) == 0;
                    boolean ours = UserNames.key(a).equals(UserNames.key(r));
                    if (ours
                            && !icu
                            && (isPre(p) || isPre(c))
                            && !UserNames.key("k" + (char) c).equals(UserNames.key("k"))
                            && !UserNames.key("k" + (char) p).equals(UserNames.key("k")))
                        overMerged.add(UserNameFoldsGenerator.hex(a));
                    if (icu && !ours) split.add(UserNameFoldsGenerator.hex(a));
                }
            }
        }
        System.out.println("REVIEW160 over-merged " + overMerged.size() + ": "
                + overMerged.subList(0, Math.min(40, overMerged.size())));
        System.out.println("REVIEW160 split " + split.size() + ": " + split.subList(0, Math.min(40, split.size())));
        assertThat(overMerged).as("pairs ICU keeps apart, keyed as one").isEmpty();
        // split: only the Lao ligatures U+0EDC/U+0EDD beside a prevowel (NFKC writes them as two letters before the
        // key reorders; known since review159, not asserted)
    }
}
