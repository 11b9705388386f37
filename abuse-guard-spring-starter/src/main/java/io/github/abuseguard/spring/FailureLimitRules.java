package io.github.abuseguard.spring;

import io.github.abuseguard.config.SettingsBinder;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.spring.annotation.FailureLimit;
import io.github.abuseguard.spring.annotation.FailureLimits;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.core.annotation.AnnotatedElementUtils;

/** Turns the {@link FailureLimit} annotations of one handler method into failure rules. */
final class FailureLimitRules {

    private FailureLimitRules() {}

    /** @throws IllegalStateException naming the handler of an annotation that cannot work */
    static List<FailureRule> of(
            Method method, String where, String baseName, List<String> routes, Set<String> httpMethods) {
        Set<FailureLimit> annotations =
                AnnotatedElementUtils.findMergedRepeatableAnnotations(method, FailureLimit.class, FailureLimits.class);
        List<FailureRule> rules = new ArrayList<>();
        int index = 0;
        for (FailureLimit annotation : annotations) {
            index++;
            String name =
                    !annotation.name().isEmpty() ? annotation.name() : (index == 1 ? baseName : baseName + "-" + index);
            try {
                FailureRule.Builder builder = FailureRule.builder(name)
                        .source("@FailureLimit on " + where)
                        .methods(httpMethods.toArray(String[]::new))
                        .statuses(annotation.statuses())
                        .key(annotation.key())
                        .distinct(annotation.distinct().isBlank() ? null : annotation.distinct())
                        .counting(
                                annotation.countRequests()
                                        ? FailureRule.Counting.REQUESTS
                                        : FailureRule.Counting.FAILURES)
                        .maxRetry(annotation.maxRetry())
                        .findTime(SettingsBinder.duration("findTime", annotation.findTime()))
                        .banTime(SettingsBinder.duration("banTime", annotation.banTime()))
                        .banFactor(annotation.banFactor())
                        .maxBanTime(SettingsBinder.duration("maxBanTime", annotation.maxBanTime()))
                        .action(annotation.action());
                routes.forEach(builder::path);
                if (annotation.underAttack()) {
                    builder.underAttack(UnderAttack.defaults());
                }
                rules.add(builder.build());
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new IllegalStateException("@FailureLimit on " + where + " cannot work: " + e.getMessage(), e);
            }
        }
        return rules;
    }
}
