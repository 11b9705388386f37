package io.github.abuseguard.testing;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A module's public API as a list of type names, checked against a baseline file in the module's test
 * resources, so that a type joins (or leaves) what users may write against only on purpose: a new
 * public class fails the build until it is either made package-private, moved to an {@code internal}
 * package, or added to the baseline in the same change, where a reviewer sees it.
 *
 * <p>A type is API when it is public, every type enclosing it is public (a public member type of a
 * package-private class cannot be named from outside), and its package is not an {@code internal} one.
 * Member types count: {@code AbuseGuard$Builder} is a type a user names.
 *
 * <p>Types only: a public method or constructor removed from a type that stays public is not caught here
 * (the CHANGELOG must say so); a member-level check (japicmp against the last release) is for the
 * first release.
 */
public final class PublicApi {

    private PublicApi() {}

    /**
     * The API types of a module's main classes: those compiled to the same place as {@code anchor} (the
     * module's {@code target/classes} while its tests run), in {@code anchor}'s package or below it.
     */
    public static SortedSet<String> ofModule(Class<?> anchor) {
        URL classes = anchor.getProtectionDomain().getCodeSource().getLocation();
        String root = anchor.getPackageName() + ".";
        SortedSet<String> names = new TreeSet<>();
        for (String name : types(new ClassFileImporter().importUrl(classes))) {
            if (name.startsWith(root)) {
                names.add(name);
            }
        }
        return names;
    }

    /** The binary names of the API types among {@code classes}, sorted. */
    public static SortedSet<String> types(Iterable<JavaClass> classes) {
        SortedSet<String> names = new TreeSet<>();
        for (JavaClass type : classes) {
            if (isApi(type)) {
                names.add(type.getName());
            }
        }
        return names;
    }

    /** Whether a user may name the type: see the class comment. */
    public static boolean isApi(JavaClass type) {
        if (PublicSurface.internal(type.getPackageName()) || type.isAnonymousClass() || type.isLocalClass()) {
            return false;
        }
        for (JavaClass t = type; t != null; t = t.getEnclosingClass().orElse(null)) {
            if (!t.getModifiers().contains(JavaModifier.PUBLIC)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads a baseline from the class path: one binary type name a line; blank lines and lines starting
     * with {@code #} are ignored.
     */
    public static SortedSet<String> baseline(String resource) {
        SortedSet<String> names = new TreeSet<>();
        try (InputStream in = Objects.requireNonNull(
                        PublicApi.class.getClassLoader().getResourceAsStream(resource), resource);
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /**
     * Fails, naming each difference, unless {@code actual} is exactly the baseline: a public type that is
     * not listed, and a listed type that is no longer public (so the list never claims more than there is).
     *
     * @param where the baseline file, as a developer finds it, for the message
     */
    public static void assertMatches(SortedSet<String> actual, SortedSet<String> baseline, String where) {
        SortedSet<String> added = new TreeSet<>(actual);
        added.removeAll(baseline);
        SortedSet<String> gone = new TreeSet<>(baseline);
        gone.removeAll(actual);
        if (added.isEmpty() && gone.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("the public API differs from ").append(where);
        if (!added.isEmpty()) {
            message.append("\n  public but not in the baseline (make it package-private, move it to an internal")
                    .append(" package, or add it to the baseline on purpose):");
            added.forEach(name -> message.append("\n    + ").append(name));
        }
        if (!gone.isEmpty()) {
            message.append("\n  in the baseline but no longer public API (remove the line):");
            gone.forEach(name -> message.append("\n    - ").append(name));
        }
        throw new AssertionError(message);
    }
}
