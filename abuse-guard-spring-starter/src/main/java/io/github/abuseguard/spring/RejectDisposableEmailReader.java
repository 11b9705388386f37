package io.github.abuseguard.spring;

import io.github.abuseguard.email.EmailRule;
import io.github.abuseguard.spring.annotation.RejectDisposableEmail;
import java.util.Arrays;
import java.util.List;
import org.springframework.web.bind.annotation.RequestMethod;

/**
 * Reads {@link RejectDisposableEmail}: one e-mail rule per handler that carries it, or whose controller
 * does; the method's annotation wins over the class's. A handler mapped without a method binds a body
 * on any method, GET and DELETE included, so its rule covers every method.
 */
final class RejectDisposableEmailReader implements AnnotationReader<EmailRule> {

    @Override
    public List<EmailRule> read(ControllerHandlers controller) {
        return AnnotationReader.perHandler(controller, RejectDisposableEmail.class, RejectDisposableEmailReader::rule);
    }

    private static EmailRule rule(RejectDisposableEmail annotation, HandlerRoute handler) {
        UnboundBodyFields.check(handler, "RejectDisposableEmail", "field", annotation.field());
        return AnnotationReader.building("RejectDisposableEmail", handler.where(), () -> {
            EmailRule.Builder builder = handler.scope(EmailRule.builder(handler.baseName()), "RejectDisposableEmail");
            AnnotationReader.attribute("field", () -> builder.field(annotation.field()));
            AnnotationReader.attribute("score", () -> builder.response(annotation.response(), annotation.score()));
            builder.methods(
                    handler.httpMethods().isEmpty()
                            ? Arrays.stream(RequestMethod.values())
                                    .map(Enum::name)
                                    .toArray(String[]::new)
                            : handler.methodNames());
            return builder.build();
        });
    }
}
