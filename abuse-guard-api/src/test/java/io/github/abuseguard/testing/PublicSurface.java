package io.github.abuseguard.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;

/**
 * The rule that keeps the {@code internal} packages internal (the api module's
 * {@code io.github.abuseguard.internal}, and any {@code <package>.internal} a module adds): our own
 * modules may call into them, but no public type outside them may show one of their types to a user, in
 * its supertypes or in the signature (type arguments included) of a public or protected field,
 * constructor or method. Each module's layering test checks its own classes with it.
 */
public final class PublicSurface {

    /** The internal packages, in ArchUnit's notation: ours with an {@code internal} segment. */
    public static final String INTERNAL = "io.github.abuseguard..internal..";

    private PublicSurface() {}

    /** No public type outside the internal packages exposes an internal type; see the class comment. */
    public static ArchRule exposesNoInternalType() {
        return classes()
                .that()
                .arePublic()
                .and()
                .resideOutsideOfPackage(INTERNAL)
                .should(
                        new ArchCondition<JavaClass>(
                                "expose no type of an internal package in their public signatures") {
                            @Override
                            public void check(JavaClass type, ConditionEvents events) {
                                if (!reachable(type)) {
                                    return; // a public member type of a package-private type is not the surface
                                }
                                type.getSuperclass()
                                        .ifPresent(superclass -> report(type, superclass, "extends", events));
                                type.getInterfaces()
                                        .forEach(implemented -> report(type, implemented, "implements", events));
                                for (JavaField field : type.getFields()) {
                                    if (visible(field.getModifiers())) {
                                        report(type, field.getType(), "field " + field.getName(), events);
                                    }
                                }
                                for (JavaCodeUnit unit : type.getCodeUnits()) {
                                    if (!visible(unit.getModifiers())) {
                                        continue;
                                    }
                                    String where = unit.getName() + "(...)";
                                    report(type, unit.getReturnType(), where + " returns", events);
                                    unit.getParameterTypes()
                                            .forEach(parameter -> report(type, parameter, where + " takes", events));
                                }
                            }
                        })
                .because("a user must never have to name a type the library may change at will");
    }

    private static boolean reachable(JavaClass type) {
        for (JavaClass enclosing = type.getEnclosingClass().orElse(null);
                enclosing != null;
                enclosing = enclosing.getEnclosingClass().orElse(null)) {
            if (!enclosing.getModifiers().contains(JavaModifier.PUBLIC)) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static void report(JavaClass owner, JavaType type, String where, ConditionEvents events) {
        for (JavaClass involved : type.getAllInvolvedRawTypes()) {
            if (internal(involved.getPackageName())) {
                events.add(
                        SimpleConditionEvent.violated(owner, owner.getName() + " " + where + " " + involved.getName()));
            }
        }
    }

    /** Whether a package is one of our internal ones: see {@link #INTERNAL}. */
    public static boolean internal(String packageName) {
        return packageName.startsWith("io.github.abuseguard.") && ("." + packageName + ".").contains(".internal.");
    }
}
