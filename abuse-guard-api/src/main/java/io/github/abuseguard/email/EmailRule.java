package io.github.abuseguard.email;

import io.github.abuseguard.BodyField;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.GuardRule;
import io.github.abuseguard.RequestBody;
import io.github.abuseguard.internal.UnseenBodyField;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where an address arrives and what a disposable one gets: routes, the field holding the address, and
 * the response ({@link Response#REJECT} with 422 by default).
 */
public final class EmailRule extends GuardRule {

    /** How a disposable address is answered. */
    public enum Response {
        /** {@code 422} problem naming the field. */
        REJECT,
        /** A risk score that adds up with other signals. */
        FLAG,
        /** A fake success, so the abuser learns nothing. */
        DECOY
    }

    /** The default of {@link Builder#field}. */
    public static final String DEFAULT_FIELD = "/email";

    /** The default response of {@link Builder#response}: 422. */
    public static final Response DEFAULT_RESPONSE = Response.REJECT;

    /** The default score of {@link Builder#response}. */
    public static final int DEFAULT_SCORE = 50;

    private final String field;
    /** Whether the field is a request parameter ({@code query:NAME}). */
    private final boolean parameter;
    /** The field's name as binders name it: {@code NAME} of {@code query:NAME}, {@code user.email} of {@code /user/email}. */
    private final String name;

    private final Response response;
    private final int score;
    private final @Nullable String decoy;
    private final UnseenBodyField unseen;

    private EmailRule(Builder builder) {
        super(builder);
        this.field = builder.field;
        this.parameter = field.startsWith("query:");
        this.name = parameter ? field.substring(6) : RequestBody.formName(field);
        this.response = builder.response;
        this.score = builder.score;
        this.decoy = builder.decoy;
        this.unseen = new UnseenBodyField(
                "field " + field + " of e-mail rule '" + name() + "'", "a request without it is not checked");
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * The field as configured: {@code /json/pointer} (or form field), or {@code query:NAME}, a request
     * parameter wherever the application's {@code @RequestParam} binds it from: the query string, a form
     * body, a multipart body's text parts ({@link GuardRequest#parameterField}).
     */
    public String field() {
        return field;
    }

    public Response response() {
        return response;
    }

    public int score() {
        return score;
    }

    public @Nullable String decoy() {
        return decoy;
    }

    /** The field's name as a client knows it, for problem details: {@code email} of {@code /email}. */
    String fieldName() {
        String bare = field.startsWith("query:") ? field.substring(6) : field;
        int slash = bare.lastIndexOf('/');
        return slash >= 0 ? bare.substring(slash + 1) : bare;
    }

    /**
     * Every address the request carries in the rule's field, the route's path variable of its name included
     * (probe43a G3), or why its body could not be read.
     */
    BodyField addresses(GuardRequest request) {
        // Every value the application's @RequestParam binds: the query string's, and a form or multipart
        // body's (probe23 F4: the address moved into the body was never looked at).
        BodyField values;
        if (parameter) {
            values = request.parameterField(name);
        } else {
            values = request.bodyField(field);
            unseen.looked(values, request.body());
        }
        return values.isUnreadable() ? values : values.with(request.pathVariables(name));
    }

    /**
     * Builds an {@link EmailRule}; with no methods given it checks POST, PUT and PATCH, and a {@code query:} field on
     * every method.
     */
    public static final class Builder extends GuardRule.Builder<Builder> {
        private String field = DEFAULT_FIELD;
        private Response response = DEFAULT_RESPONSE;
        private int score = DEFAULT_SCORE;
        private @Nullable String decoy;

        private Builder(String name) {
            super(name, "e-mail");
        }

        /**
         * The field holding the address: a JSON Pointer such as {@code /user/email} (a form field name for
         * URL-encoded bodies), or {@code query:NAME}, the request parameter as {@code @RequestParam} binds it
         * (query string, form body, multipart text parts: {@link GuardRequest#parameterField}). Default
         * {@code /email}.
         *
         * @throws IllegalArgumentException if it is neither, or {@code query:} has no name
         */
        public Builder field(String field) {
            Objects.requireNonNull(field, "field");
            if (!field.startsWith("/") && !field.startsWith("query:")) {
                throw new IllegalArgumentException(
                        "field '" + field + "' must be a JSON Pointer such as /email, or query:NAME");
            }
            if (field.startsWith("query:") && field.substring(6).isBlank()) {
                throw new IllegalArgumentException("field 'query:' needs a parameter name, such as query:email");
            }
            if (field.startsWith("/")) {
                io.github.abuseguard.internal.JsonPointers.compile(field); // a malformed pointer fails here
            }
            this.field = field;
            return this;
        }

        /**
         * How a disposable address is answered; {@code score} is the risk of a {@link Response#FLAG}.
         *
         * @throws IllegalArgumentException if a flag's score is not positive
         */
        public Builder response(Response response, int score) {
            if (response == Response.FLAG && score < 1) {
                throw new IllegalArgumentException("a flag needs a positive score, was " + score);
            }
            this.response = Objects.requireNonNull(response, "response");
            this.score = score;
            return this;
        }

        public Builder decoy(String decoy) {
            this.decoy = decoy;
            return this;
        }

        /**
         * With no methods given, a body field is checked on POST, PUT and PATCH, and a {@code query:} field on every
         * method: the query string a {@code GET} carries is where a parameter usually arrives (probe47c F6: the
         * README's newsletter rule let {@code GET /api/newsletter?address=x@mailinator.com} through).
         *
         * @throws IllegalStateException if there is no path
         */
        public EmailRule build() {
            if (!field.startsWith("query:")) {
                methodsUnlessGiven("POST", "PUT", "PATCH");
            }
            return new EmailRule(this);
        }
    }
}
