package io.github.abuseguard.spring;

import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.spring.annotation.RejectDisposableEmail;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.RequestMethod;

/**
 * Reads {@link RejectDisposableEmail}: one e-mail rule per handler that carries it, or whose controller
 * does; the method's annotation wins over the class's. A handler mapped without a method binds a body
 * on any method, GET and DELETE included, so its rule covers every method.
 */
final class RejectDisposableEmailReader implements AnnotationReader<EmailRule> {

    @Override
    public List<EmailRule> read(ControllerHandlers controller) {
        RejectDisposableEmail classEmail =
                AnnotatedElementUtils.findMergedAnnotation(controller.type(), RejectDisposableEmail.class);
        List<EmailRule> rules = new ArrayList<>();
        for (HandlerRoute handler : controller.handlers()) {
            RejectDisposableEmail email =
                    AnnotatedElementUtils.findMergedAnnotation(handler.method(), RejectDisposableEmail.class);
            if (email == null) {
                email = classEmail;
            }
            if (email != null) {
                rules.add(rule(email, handler));
            }
        }
        return rules;
    }

    private static EmailRule rule(RejectDisposableEmail annotation, HandlerRoute handler) {
        return AnnotationReader.building("RejectDisposableEmail", handler.where(), () -> {
            EmailRule.Builder builder = EmailRule.builder(handler.baseName())
                    .source("@RejectDisposableEmail on " + handler.where())
                    .field(annotation.field())
                    .response(annotation.response(), annotation.score());
            builder.methods(
                    handler.httpMethods().isEmpty()
                            ? Arrays.stream(RequestMethod.values())
                                    .map(Enum::name)
                                    .toArray(String[]::new)
                            : handler.httpMethods().toArray(String[]::new));
            handler.routes().forEach(builder::path);
            return builder.build();
        });
    }
}
