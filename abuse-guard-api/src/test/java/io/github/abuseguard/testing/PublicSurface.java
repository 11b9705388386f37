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
 * The rule that keeps the api module's {@code io.github.abuseguard.internal} packages internal: our own
 * modules may call into them, but no public type outside them may show one of their types to a user, in
 * its supertypes or in the signature (type arguments included) of a public or protected field,
 * constructor or method. Each module's layering test checks its own classes with it.
 */
public final class PublicSurface {

    /** The api module's internal packages. */
    public static final String INTERNAL = "io.github.abuseguard.internal..";

    private static final String INTERNAL_PREFIX = "io.github.abuseguard.internal";

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
                                "expose no type of " + INTERNAL_PREFIX + " in their public signatures") {
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
            String name = involved.getPackageName();
            if (name.equals(INTERNAL_PREFIX) || name.startsWith(INTERNAL_PREFIX + ".")) {
                events.add(
                        SimpleConditionEvent.violated(owner, owner.getName() + " " + where + " " + involved.getName()));
            }
        }
    }
}
