package io.github.abuseguard.spring.annotation;

import io.github.abuseguard.email.EmailRule;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Requests to this handler method (or every handler of this controller) that carry a disposable
 * e-mail address in {@link #field()} are answered {@code 422} before the handler runs, and before any
 * mail is sent.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RejectDisposableEmail {

    /** The field holding the address: a JSON Pointer such as {@code /email} (a form field for forms), or {@code query:NAME}. */
    String field() default "/email";

    /** How a disposable address is answered. */
    EmailRule.Response response() default EmailRule.Response.REJECT;

    /** The risk score of {@link EmailRule.Response#FLAG}. */
    int score() default 50;
}
