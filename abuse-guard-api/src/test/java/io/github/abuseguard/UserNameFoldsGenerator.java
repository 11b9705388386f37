package io.github.abuseguard;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.Collator;
import com.ibm.icu.text.RawCollationKey;
import com.ibm.icu.text.RuleBasedCollator;
import com.ibm.icu.util.ULocale;
import com.ibm.icu.util.VersionInfo;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes {@code abuse-guard-api/src/main/resources/io/github/abuseguard/user-name-folds.txt}, the table {@link
 * UserNames#FOLDS} reads (probe85a F1, F2). ICU's root collation at level 1 (strength primary, non-ignorable, as
 * MySQL's {@code utf8mb4_0900_ai_ci}, MariaDB's {@code uca1400_ai_ci} and PostgreSQL's {@code und-u-ks-level1}
 * compare) puts every code point ICU defines, but surrogates, private use, noncharacters and what it ignores at that
 * level, into a group by its collation key; a code point whose key is that of an ASCII string of two or three letters
 * and digits joins that string's group. Each group's target is the best of its members' folds as they were without
 * the table ({@link UserNames#foldedWithoutTable}): ASCII first, then the shortest, then the smallest by code points.
 * Each member that NFKC keeps as it is and whose fold is not the target is written with the target.
 *
 * <p>Run with {@code ./mvnw -B -ntp -pl abuse-guard-api test-compile exec:java
 * -Dexec.mainClass=io.github.abuseguard.UserNameFoldsGenerator -Dexec.classpathScope=test} on JDK 17 (the folds are
 * Java 17's: a later JDK knows more code points and folds others); an argument names another file to write.
 * {@link UserNamesCollationTest} checks the keys against the same groups.
 */
public final class UserNameFoldsGenerator {

    static final String RESOURCE = "abuse-guard-api/src/main/resources/io/github/abuseguard/user-name-folds.txt";

    private UserNameFoldsGenerator() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : RESOURCE);
        if (args.length == 0 && !Files.isDirectory(Path.of("abuse-guard-api"))) {
            out = Path.of("src/main/resources/io/github/abuseguard/user-name-folds.txt"); // run in the module
        }
        List<Group> groups = groups();
        TreeMap<Integer, String> table = table(groups);
        String text = text(table);
        check(groups, table, text);
        Files.writeString(out, text, StandardCharsets.UTF_8);
        System.out.println("Wrote " + table.size() + " folds (" + text.getBytes(StandardCharsets.UTF_8).length
                + " bytes) to " + out.toAbsolutePath());
    }

    /** ICU's root collator at level 1, non-ignorable (its default), frozen. */
    static Collator levelOne() {
        RuleBasedCollator collator = (RuleBasedCollator) Collator.getInstance(ULocale.ROOT);
        collator.setStrength(Collator.PRIMARY);
        collator.setAlternateHandlingShifted(false);
        return collator.freeze();
    }

    /** Whether ICU defines {@code c} and it is no surrogate, private use or noncharacter. */
    static boolean inUniverse(int c) {
        if (!UCharacter.isDefined(c)) {
            return false;
        }
        int type = UCharacter.getType(c);
        return type != UCharacter.SURROGATE
                && type != UCharacter.PRIVATE_USE
                && type != UCharacter.UNASSIGNED
                && !UCharacter.hasBinaryProperty(c, UProperty.NONCHARACTER_CODE_POINT);
    }

    /**
     * One group of text ICU compares equal at level 1: single code points and ASCII strings of 2-3 letters and
     * digits, in the order found (code points ascending, then the strings).
     */
    record Group(List<String> members) {

        List<Integer> codePoints() {
            List<Integer> codePoints = new ArrayList<>();
            for (String member : members) {
                if (member.codePointCount(0, member.length()) == 1) {
                    codePoints.add(member.codePointAt(0));
                }
            }
            return codePoints;
        }
    }

    /**
     * The groups of more than one member with a code point among them: every code point of the universe, by its
     * level-1 key, and the ASCII strings [a-z0-9]{2,3} whose key a code point has.
     */
    static List<Group> groups() {
        Collator collator = levelOne();
        RawCollationKey empty = collator.getRawCollationKey("", null);
        Map<Key, List<String>> byKey = new LinkedHashMap<>();
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            if (!inUniverse(c)) {
                continue;
            }
            String text = Character.toString(c);
            RawCollationKey key = collator.getRawCollationKey(text, null);
            if (key.compareTo(empty) == 0) {
                continue; // ignorable at level 1
            }
            byKey.computeIfAbsent(new Key(key), k -> new ArrayList<>()).add(text);
        }
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (String text : asciiStrings(alphabet)) {
            List<String> members = byKey.get(new Key(collator.getRawCollationKey(text, null)));
            if (members != null) {
                members.add(text);
            }
        }
        List<Group> groups = new ArrayList<>();
        for (List<String> members : byKey.values()) {
            if (members.size() > 1) {
                groups.add(new Group(List.copyOf(members)));
            }
        }
        return groups;
    }

    private static List<String> asciiStrings(String alphabet) {
        List<String> strings = new ArrayList<>();
        for (char a : alphabet.toCharArray()) {
            for (char b : alphabet.toCharArray()) {
                strings.add("" + a + b);
                for (char c : alphabet.toCharArray()) {
                    strings.add("" + a + b + c);
                }
            }
        }
        return strings;
    }

    /** A collation key's bytes, as a map key. */
    private record Key(String bytes) {
        Key(RawCollationKey key) {
            this(new String(key.bytes, 0, key.size, StandardCharsets.ISO_8859_1));
        }
    }

    /** ASCII first, then the shortest in code points, then the smallest by code points. */
    static final Comparator<String> BEST = Comparator.<String, Boolean>comparing(t -> !isAscii(t))
            .thenComparingInt(t -> t.codePointCount(0, t.length()))
            .thenComparing(UserNameFoldsGenerator::compareByCodePoints);

    private static boolean isAscii(String text) {
        return text.chars().allMatch(ch -> ch < 0x80);
    }

    private static int compareByCodePoints(String a, String b) {
        return java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }

    /**
     * The best of the members' folds without the table; where every one is empty, of their folds between two letters
     * (the spaces, which a name's edges lose: U+1680 OGHAM SPACE MARK was kept inside a name, where U+3000 is a space);
     * {@code null} if those are all empty too (marks, and letters of a Unicode later than the JDK's with no letter it
     * knows in their group, dropped as they were).
     */
    static String target(Group group) {
        String target = best(group, false);
        return target != null ? target : best(group, true);
    }

    private static String best(Group group, boolean inContext) {
        String best = null;
        for (String member : group.members()) {
            String fold = fold(member, inContext);
            if (!fold.isEmpty() && (best == null || BEST.compare(fold, best) < 0)) {
                best = fold;
            }
        }
        return best;
    }

    /** {@code member}'s fold without the table, on its own or between two {@code x} (and without them). */
    static String fold(String member, boolean inContext) {
        if (!inContext) {
            return UserNames.foldedWithoutTable(member);
        }
        String fold = UserNames.foldedWithoutTable("x" + member + "x");
        return fold.length() >= 2 && fold.startsWith("x") && fold.endsWith("x")
                ? fold.substring(1, fold.length() - 1)
                : fold;
    }

    static TreeMap<Integer, String> table(List<Group> groups) {
        TreeMap<Integer, String> table = new TreeMap<>();
        for (Group group : groups) {
            boolean inContext = best(group, false) == null;
            String target = best(group, inContext);
            if (target == null) {
                continue;
            }
            for (int c : group.codePoints()) {
                String member = Character.toString(c);
                if (Normalizer.normalize(member, Normalizer.Form.NFKC).equals(member)
                        && !fold(member, inContext).equals(target)) {
                    String before = table.put(c, target);
                    if (before != null) {
                        throw new IllegalStateException(String.format("U+%04X is in two groups", c));
                    }
                }
            }
        }
        expansions(table);
        // a target with a code point of the table (the fold of U+30FF, katakana digraph koto, is its two katakana,
        // which the table reads as hiragana) is folded with the table until none is left: stable, as the key needs
        for (int round = 0; ; round++) {
            UserNames.Folds folds = parse(table);
            boolean changed = false;
            String example = "";
            for (Map.Entry<Integer, String> entry : table.entrySet()) {
                String again = inside(entry.getValue(), folds);
                if (!again.equals(entry.getValue())) {
                    example = String.format("U+%04X: %s -> %s", entry.getKey(), hex(entry.getValue()), hex(again));
                    entry.setValue(again);
                    changed = true;
                }
            }

            if (!changed) {
                return table;
            }
            if (round == 10) {
                throw new IllegalStateException("targets do not settle: " + example);
            }
        }
    }

    /**
     * Adds each code point ICU weighs as a sequence of others' weights (a Malayalam chillu as its consonant and virama,
     * the Yiddish ligature {@code ײ} as {@code יי}, review159 F2), read as the fold of those letters, where its own fold
     * differs and no group put it in the table.
     */
    private static void expansions(TreeMap<Integer, String> table) {
        Collator collator = levelOne();
        RuleBasedCollator rules = (RuleBasedCollator) collator;
        Map<Integer, String> single = new LinkedHashMap<>();
        for (int c = 0x20; c <= Character.MAX_CODE_POINT; c++) {
            if (!inUniverse(c)) {
                continue;
            }
            List<Integer> primaries = primaries(rules, Character.toString(c));
            if (primaries.size() == 1) {
                single.merge(primaries.get(0), Character.toString(c), (earlier, later) -> earlier);
            }
        }
        for (int c = 0x80; c <= Character.MAX_CODE_POINT; c++) {
            if (!inUniverse(c) || table.containsKey(c)) {
                continue;
            }
            String member = Character.toString(c);
            if (!Normalizer.normalize(member, Normalizer.Form.NFKC).equals(member)) {
                continue;
            }
            List<Integer> primaries = primaries(rules, member);
            if (primaries.size() < 2) {
                continue;
            }
            StringBuilder letters = new StringBuilder();
            for (int primary : primaries) {
                String letter = single.get(primary);
                if (letter == null) {
                    letters = null;
                    break;
                }
                letters.append(letter);
            }
            if (letters == null || collator.compare("x" + member + "x", "x" + letters + "x") != 0) {
                continue;
            }
            String target = fold(letters.toString(), true);
            if (!target.isEmpty() && !fold(member, true).equals(target)) {
                table.put(c, target);
            }
        }
    }

    /** The level-1 weights of {@code text}, each with its continuation bits. */
    private static List<Integer> primaries(RuleBasedCollator collator, String text) {
        com.ibm.icu.text.CollationElementIterator elements = collator.getCollationElementIterator(text);
        List<Integer> primaries = new ArrayList<>();
        for (int element; (element = elements.next()) != com.ibm.icu.text.CollationElementIterator.NULLORDER; ) {
            if (com.ibm.icu.text.CollationElementIterator.primaryOrder(element) != 0) {
                primaries.add(element & 0xFFFF00C0);
            }
        }
        return primaries;
    }

    /** {@code text} folded with {@code folds} between two {@code x} (a space target is lost at a name's edges). */
    private static String inside(String text, UserNames.Folds folds) {
        String fold = UserNames.folded("x" + text + "x", folds);
        return fold.length() >= 2 && fold.startsWith("x") && fold.endsWith("x")
                ? fold.substring(1, fold.length() - 1)
                : fold;
    }

    private static UserNames.Folds parse(TreeMap<Integer, String> table) {
        try {
            return UserNames.Folds.parse(new StringReader(text(table)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String text(TreeMap<Integer, String> table) {
        StringBuilder text = new StringBuilder();
        text.append(
                        "# The code points an accent- and case-insensitive UCA collation weighs as other letters, each with\n")
                .append(
                        "# the key's fold of those letters (UserNames.FOLDS; probe85a F1, F2). One line per code point:\n")
                .append("# its code point, a tab, the code points it is read as, a tab, and its name.\n")
                .append("#\n")
                .append(
                        "# GENERATED by io.github.abuseguard.UserNameFoldsGenerator (abuse-guard-api's tests); do not edit.\n")
                .append("# Regenerate on JDK 17: ./mvnw -B -ntp -pl abuse-guard-api test-compile exec:java\n")
                .append("#   -Dexec.mainClass=io.github.abuseguard.UserNameFoldsGenerator -Dexec.classpathScope=test\n")
                .append("# ICU4J ")
                .append(shortVersion(VersionInfo.ICU_VERSION))
                .append(", Unicode ")
                .append(shortVersion(UCharacter.getUnicodeVersion()))
                .append(", UCA ")
                .append(shortVersion(levelOne().getUCAVersion()))
                .append(": the root collation, strength primary, non-ignorable.\n")
                .append("# The folds the targets are chosen from are Java ")
                .append(Runtime.version().feature())
                .append("'s. ")
                .append(table.size())
                .append(" entries.\n");
        for (Map.Entry<Integer, String> entry : table.entrySet()) {
            StringBuilder target = new StringBuilder();
            entry.getValue()
                    .codePoints()
                    .forEach(c -> target.append(target.length() == 0 ? "" : " ").append(String.format("%04X", c)));
            text.append(String.format("%04X", entry.getKey()))
                    .append('\t')
                    .append(target)
                    .append("\t# ")
                    .append(UCharacter.getName(entry.getKey()))
                    .append('\n');
        }
        return text.toString();
    }

    private static String shortVersion(VersionInfo version) {
        return version.getMajor() + "." + version.getMinor()
                + (version.getMilli() == 0 ? "" : "." + version.getMilli());
    }

    /** The table as written must parse, and with it every group must be one key; else nothing is written. */
    private static void check(List<Group> groups, TreeMap<Integer, String> table, String text) throws IOException {
        UserNames.Folds folds = UserNames.Folds.parse(new StringReader(text));
        if (folds.size() != table.size()) {
            throw new IllegalStateException("parsed " + folds.size() + " of " + table.size());
        }
        Map<Integer, String> unstable = new HashMap<>();
        for (String target : table.values()) {
            String again = inside(target, folds);
            if (!again.equals(target)) {
                unstable.put(target.codePointAt(0), again);
            }
        }
        if (!unstable.isEmpty()) {
            throw new IllegalStateException("targets not stable: " + unstable);
        }
        List<String> split = new ArrayList<>();
        for (Group group : groups) {
            for (String context : List.of("", "x")) {
                Map<String, List<String>> keys = new TreeMap<>();
                for (String member : group.members()) {
                    String key = KeyResolver.bounded(UserNames.folded(context + member + context, folds));
                    keys.computeIfAbsent(key, k -> new ArrayList<>()).add(member);
                }
                if (keys.size() > 1) {
                    split.add(context + describe(keys));
                }
            }
        }
        if (!split.isEmpty()) {
            System.err.println(split.size() + " splits left (a line starting with x: inside a name):");
            split.stream().limit(50).forEach(System.err::println);
        }
    }

    static String describe(Map<String, List<String>> keys) {
        StringBuilder text = new StringBuilder();
        keys.forEach((key, members) -> {
            text.append(" [key ").append(hex(key)).append(":");
            for (String member : members) {
                text.append(' ').append(hex(member));
                if (member.codePointCount(0, member.length()) == 1) {
                    text.append(' ').append(UCharacter.getName(member.codePointAt(0)));
                }
                text.append(';');
            }
            text.append(']');
        });
        return text.toString();
    }

    static String hex(String text) {
        StringBuilder hex = new StringBuilder("\"");
        text.codePoints()
                .forEach(c -> hex.append(c < 0x80 && c > 0x20 ? Character.toString(c) : String.format("\\u{%X}", c)));
        return hex.append('"').toString();
    }
}
