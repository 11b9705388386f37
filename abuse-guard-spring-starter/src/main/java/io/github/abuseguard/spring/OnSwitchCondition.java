package io.github.abuseguard.spring;

import io.github.abuseguard.config.InvalidSettingException;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** The condition of {@link ConditionalOnSwitch}: {@code true} or {@code false} in any case, else start-up fails. */
@Order(Ordered.HIGHEST_PRECEDENCE + 40)
final class OnSwitchCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnSwitch.class.getName());
        if (attributes == null) {
            return ConditionOutcome.noMatch("no @ConditionalOnSwitch");
        }
        boolean matchIfMissing = (Boolean) attributes.get("matchIfMissing");
        for (String name : (String[]) attributes.get("value")) {
            String raw = context.getEnvironment().getProperty(name);
            if (raw == null) {
                if (!matchIfMissing) {
                    return ConditionOutcome.noMatch(name + " is not set");
                }
                continue;
            }
            String value = raw.strip();
            if (value.equalsIgnoreCase("false")) {
                return ConditionOutcome.noMatch(name + " is false");
            }
            if (!value.equalsIgnoreCase("true")) {
                // SpringBootCondition wraps this in an IllegalStateException; the failure analyzer finds it
                throw new InvalidSettingException(name, "'" + raw + "' is not true or false");
            }
        }
        return ConditionOutcome.match("abuse-guard switches on");
    }
}
