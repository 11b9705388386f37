package io.github.abuseguard.email;

import io.github.abuseguard.BodyField;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.PathPattern;
import io.github.abuseguard.RequestMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JsonPointer;

/**
 * Where an address arrives and what a disposable one gets: routes, the field holding the address, and
 * the response ({@link Response#REJECT} with 422 by default).
 */
public final class EmailRule {

    /** How a disposable address is answered. */
    public enum Response {
        /** {@code 422} problem naming the field. */
        REJECT,
        /** A risk score that adds up with other signals. */
        FLAG,
        /** A fake success, so the abuser learns nothing. */
        DECOY
    }

    private final String name;
    private final List<PathPattern> paths;
    private final Set<String> methods;
    private final RequestMatcher matcher;
    private final String field;
    private final Response response;
    private final int score;
    private final String decoy;
    private final String source;

    private EmailRule(Builder builder) {
        this.name = builder.name;
        this.paths = List.copyOf(builder.paths);
        this.methods = Set.copyOf(builder.methods.isEmpty() ? Set.of("POST", "PUT", "PATCH") : builder.methods);
        this.matcher = RequestMatcher.of(this.paths, this.methods);
        this.field = builder.field;
        this.response = builder.response;
        this.score = builder.score;
        this.decoy = builder.decoy;
        this.source = builder.source;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public List<PathPattern> paths() {
        return paths;
    }

    public Set<String> methods() {
        return methods;
    }

    /** The field as configured: {@code /json/pointer} (or form field), or {@code query:NAME}. */
    public String field() {
        return field;
    }

    public Response response() {
        return response;
    }

    public int score() {
        return score;
    }

    public String decoy() {
        return decoy;
    }

    public String source() {
        return source;
    }

    /** The field's name as a client knows it, for problem details: {@code email} of {@code /email}. */
    String fieldName() {
        String bare = field.startsWith("query:") ? field.substring(6) : field;
        int slash = bare.lastIndexOf('/');
        return slash >= 0 ? bare.substring(slash + 1) : bare;
    }

    /** Every address the request carries in the rule's field, or why its body could not be read. */
    BodyField addresses(GuardRequest request) {
        if (field.startsWith("query:")) {
            return BodyField.of(request.queryParameters(field.substring(6)));
        }
        return request.bodyField(field);
    }

    boolean appliesTo(String method, String path) {
        return matcher.matches(method, path);
    }

    /** Whether some request of the method whose path belongs to the route template may be matched. */
    boolean mayApplyToRoute(String method, PathPattern route) {
        return matcher.mayMatchRoute(method, route);
    }

    /** Builds an {@link EmailRule}. */
    public static final class Builder {
        private final String name;
        private final List<PathPattern> paths = new ArrayList<>();
        private final Set<String> methods = new LinkedHashSet<>();
        private String field = "/email";
        private Response response = Response.REJECT;
        private int score = 50;
        private String decoy;
        private String source = "code";

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder path(String pattern) {
            paths.add(PathPattern.parse(pattern));
            return this;
        }

        /** Methods checked; POST, PUT and PATCH by default. */
        public Builder methods(String... methods) {
            for (String method : methods) {
                this.methods.add(method.trim().toUpperCase(Locale.ROOT));
            }
            return this;
        }

        /**
         * The field holding the address: a JSON Pointer such as {@code /user/email} (a form field name for
         * URL-encoded bodies), or {@code query:NAME}. Default {@code /email}.
         *
         * @throws IllegalArgumentException if it is neither
         */
        public Builder field(String field) {
            Objects.requireNonNull(field, "field");
            if (!field.startsWith("/") && !field.startsWith("query:")) {
                throw new IllegalArgumentException(
                        "field '" + field + "' must be a JSON Pointer such as /email, or query:NAME");
            }
            if (field.startsWith("/")) {
                JsonPointer.compile(field); // a malformed pointer fails here, not on a request
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

        public Builder source(String source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** @throws IllegalStateException if there is no path */
        public EmailRule build() {
            if (paths.isEmpty()) {
                throw new IllegalStateException("e-mail rule '" + name + "' needs at least one path");
            }
            return new EmailRule(this);
        }
    }
}
