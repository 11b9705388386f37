package io.github.abuseguard.spring;

import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.internal.SettingsBinder;
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
        FailureRule.Builder builder = handler.keyedScope(FailureRule.builder(name), "FailureLimit", annotation.key())
                .statuses(annotation.statuses())
                .distinct(annotation.distinct().isBlank() ? null : annotation.distinct())
                .credential(annotation.credential().isBlank() ? null : annotation.credential())
                .counting(annotation.countRequests() ? FailureRule.Counting.REQUESTS : FailureRule.Counting.FAILURES)
                .maxRetry(annotation.maxRetry())
                .findTime(SettingsBinder.duration("findTime", annotation.findTime()))
                .banTime(SettingsBinder.duration("banTime", annotation.banTime()))
                .banFactor(annotation.banFactor())
                .maxBanTime(SettingsBinder.duration("maxBanTime", annotation.maxBanTime()))
                .action(annotation.action());
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
                    annotation.underAttackHistory()));
        } else if (annotation.underAttackHistory() != UnderAttack.DEFAULT_HISTORY) {
            throw new IllegalArgumentException(
                    "underAttackHistory = " + annotation.underAttackHistory() + " needs underAttack = true");
        }
        return builder.build();
    }
}
