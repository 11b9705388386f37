package io.github.abuseguard.spring;

import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.spring.annotation.FailureLimit;
import io.github.abuseguard.spring.annotation.FailureLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Reads {@link FailureLimit} (repeatable) on handler methods: one failure rule per annotation, for the
 * handler's routes and methods, named after the handler unless the annotation names it.
 */
final class FailureLimitReader implements AnnotationReader<FailureRule> {

    @Override
    public List<FailureRule> read(ControllerHandlers controller) {
        List<FailureRule> rules = new ArrayList<>();
        for (HandlerRoute handler : controller.handlers()) {
            Set<FailureLimit> annotations = AnnotatedElementUtils.findMergedRepeatableAnnotations(
                    handler.method(), FailureLimit.class, FailureLimits.class);
            int index = 0;
            for (FailureLimit annotation : annotations) {
                index++;
                String name = !annotation.name().isEmpty()
                        ? annotation.name()
                        : (index == 1 ? handler.baseName() : handler.baseName() + "-" + index);
                rules.add(AnnotationReader.building(
                        "FailureLimit", handler.where(), () -> rule(annotation, name, handler)));
            }
        }
        return rules;
    }

    private static FailureRule rule(FailureLimit annotation, String name, HandlerRoute handler) {
        UnboundBodyFields.check(handler, "FailureLimit", "key", annotation.key());
        UnboundBodyFields.check(handler, "FailureLimit", "distinct", annotation.distinct());
        FailureRule.Builder builder = handler.keyedScope(
                AnnotationReader.attribute("name", () -> FailureRule.builder(name)), "FailureLimit", annotation.key());
        AnnotationReader.attribute("statuses", () -> builder.statuses(annotation.statuses()));
        AnnotationReader.attribute(
                "distinct", () -> builder.distinct(annotation.distinct().isBlank() ? null : annotation.distinct()));
        AnnotationReader.attribute(
                "credential",
                () -> builder.credential(annotation.credential().isBlank() ? null : annotation.credential()));
        builder.counting(annotation.countRequests() ? FailureRule.Counting.REQUESTS : FailureRule.Counting.FAILURES);
        AnnotationReader.attribute("maxRetry", () -> builder.maxRetry(annotation.maxRetry()));
        AnnotationReader.attribute(
                "findTime", () -> builder.findTime(AnnotationReader.duration("findTime", annotation.findTime())));
        AnnotationReader.attribute(
                "banTime", () -> builder.banTime(AnnotationReader.duration("banTime", annotation.banTime())));
        AnnotationReader.attribute("banFactor", () -> builder.banFactor(annotation.banFactor()));
        AnnotationReader.attribute(
                "maxBanTime",
                () -> builder.maxBanTime(AnnotationReader.duration("maxBanTime", annotation.maxBanTime())));
        builder.action(annotation.action());
        if (annotation.underAttack()) {
            UnderAttack defaults = UnderAttack.defaults();
            builder.underAttack(new UnderAttack(
                    defaults.window(),
                    defaults.multiplier(),
                    defaults.minFailures(),
                    defaults.minRatio(),
                    defaults.duration(),
                    defaults.action(),
                    defaults.signals(),
                    defaults.appHeader(),
                    annotation.underAttackHistory(),
                    defaults.slowWindow(),
                    defaults.newcomerAttempts()));
        } else if (annotation.underAttackHistory() != UnderAttack.DEFAULT_HISTORY) {
            throw new InvalidAnnotationException.RefusedAttribute(
                    "underAttackHistory",
                    new IllegalArgumentException(
                            "underAttackHistory = " + annotation.underAttackHistory() + " needs underAttack = true"));
        }
        return builder.build();
    }
}
