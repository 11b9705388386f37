package io.github.abuseguard;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one field of a request body holds, read the way the application's data binding reads it: every
 * value the field has (a JSON key named twice, a form field in the query string and in the body), or
 * the reason the body could not be read at all.
 *
 * <p>A guard that reads a field must act on {@link #isUnreadable()}: a body it could not read is not a
 * body without the field, or a client could pad, mis-declare or truncate its way past the guard. Which
 * bodies count as unreadable is set by {@code abuse-guard.body.on-unreadable}.
 */
public final class BodyField {

    /** Why a body could not be read. */
    public enum Unreadable {
        /** Longer than {@code abuse-guard.body.max-bytes}: {@code 413}. */
        TOO_LARGE(413, "The request body is larger than this endpoint accepts."),
        /** Not well-formed for its content type, or cut short: {@code 400}. */
        MALFORMED(400, "The request body is not well-formed."),
        /** A charset that cannot be decoded, or a content type the guard cannot parse: {@code 415}. */
        UNSUPPORTED(415, "The request body's content type or charset is not supported here."),
        /** Consumed by an earlier filter that left no way to read it: {@code 400}. */
        CONSUMED(400, "The request body could not be read."),
        /**
         * A field a key is taken from holds several different values, so which one the application binds
         * depends on its binder: {@code 400}.
         */
        AMBIGUOUS(400, "The request body gives a field several different values."),
        /**
         * A field is given more than {@link BodyField#MAX_VALUES} values (a JSON array, a key or a form field
         * repeated), so it is not read further: {@code 400}. No binder of a single value takes such a field, and
         * reading all of it would cost the guard far more than the request is worth (probe26 F1).
         */
        TOO_MANY_VALUES(400, "The request gives a field more than " + BodyField.MAX_VALUES + " values."),
        /**
         * A header or cookie that a key or session is taken from is sent several times with different values
         * (two {@code Authorization} headers, two {@code SESSION} cookies), so which one the application uses
         * depends on its stack: {@code 400}, reason {@code ambiguous-header}.
         */
        AMBIGUOUS_HEADER(
                400, "The request repeats a header or cookie that identifies the client, with different values."),
        /**
         * The client's bodies that guards are reading already are as many as the servlet filter's {@code
         * abuse-guard.body.max-concurrent-reads-per-client}, so not a byte of this one is read: {@code 429},
         * reason {@code too-many-body-reads}, with a {@code Retry-After} of one second. A body that arrives
         * slowly holds a request thread while it is read, and one client must not hold them all.
         */
        TOO_MANY_READS(429, "Too many of your requests are sending a body at once; retry once they are answered."),
        /**
         * A body the guard must hand to the container to parse (multipart) came without a {@code Content-Length}
         * (chunked), so its size is not known before the container reads it: {@code 411 Length Required}, reason
         * {@code unreadable-body:length-required}. A client sends it again with its length (probe52b F6: such a body
         * of a few bytes was refused 413, as too large).
         */
        LENGTH_REQUIRED(411, "A multipart request body must declare its length (Content-Length) here.");

        private final int status;
        private final String detail;

        Unreadable(int status, String detail) {
            this.status = status;
            this.detail = detail;
        }

        /** The HTTP status of a refusal for this reason. */
        public int status() {
            return status;
        }

        /** A sentence for the problem detail; it names nothing the client sent. */
        public String detail() {
            return detail;
        }

        /** The reason code of decisions and metrics, such as {@code unreadable-body:too-large}. */
        public String reason() {
            if (this == AMBIGUOUS_HEADER) {
                return "ambiguous-header";
            }
            if (this == TOO_MANY_READS) {
                return "too-many-body-reads";
            }
            return "unreadable-body:"
                    + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The most values one field is read with, from the body, the query string and headers together: a field
     * with more is {@link Unreadable#TOO_MANY_VALUES}, and a JSON body is not read past the value after this
     * many. The same as {@link io.github.abuseguard.email.DisposableDomains#MAX_DOMAINS_NAMED}, the
     * addresses one e-mail field may name.
     */
    public static final int MAX_VALUES = 1024;

    private static final BodyField ABSENT = new BodyField(List.of(), null);

    private final List<String> values;
    /**
     * How many of {@link #values} are the field's own values, in front: the rest are other readings of them ({@link
     * #withReadings}), judged as values are, but neither a value of their own for {@link #single} nor a difference
     * that makes the field ambiguous.
     */
    private final int own;

    private final Unreadable unreadable;
    private final boolean ambiguous;
    /** The user-name key of the single value, once asked: every rule keyed by this field shares it. */
    private @Nullable String userNameKey;

    private BodyField(List<String> values, Unreadable unreadable) {
        this(values, values.size(), unreadable);
    }

    private BodyField(List<String> values, int own, Unreadable unreadable) {
        this.values = values;
        this.own = own;
        this.unreadable = unreadable;
        this.ambiguous = differ(values, own);
    }

    private static boolean differ(List<String> values, int own) {
        for (int i = 1; i < own; i++) {
            if (!values.get(i).equals(values.get(0))) {
                return true;
            }
        }
        return false;
    }

    /** A field the body does not have. */
    public static BodyField absent() {
        return ABSENT;
    }

    /**
     * A field with these values, in the order they appear; empty means absent. A null value (a form field
     * written without {@code =}, as Spring's {@code FormContentFilter} keeps it) is an empty one: the field
     * is there, and its other values are judged.
     */
    public static BodyField of(List<@Nullable String> values) {
        if (values.size() > MAX_VALUES) {
            return unreadable(Unreadable.TOO_MANY_VALUES);
        }
        return values.isEmpty() ? ABSENT : new BodyField(copyOf(values), null);
    }

    private static List<String> copyOf(List<@Nullable String> values) {
        String[] copy = new String[values.size()];
        for (int i = 0; i < copy.length; i++) {
            String value = values.get(i);
            copy[i] = value == null ? "" : value;
        }
        return List.of(copy);
    }

    /**
     * This field with more values after its own, such as the query string's values of a top-level
     * field; an unreadable field stays unreadable.
     */
    public BodyField with(List<@Nullable String> more) {
        if (more.isEmpty() || unreadable != null) {
            return this;
        }
        if (values.isEmpty()) {
            return of(more);
        }
        if (values.size() + more.size() > MAX_VALUES) {
            return unreadable(Unreadable.TOO_MANY_VALUES);
        }
        List<@Nullable String> all = new java.util.ArrayList<>(values.size() + more.size());
        all.addAll(values.subList(0, own));
        all.addAll(more);
        all.addAll(values.subList(own, values.size()));
        return new BodyField(copyOf(all), own + more.size(), null);
    }

    /**
     * This field with other readings of its values after them, such as a container's decoding of a multipart part
     * whose bytes gave the values: every rule that judges each value judges them too, but a key is chosen from the
     * field's own values, and a reading that differs from them does not make the field ambiguous (review151 F1, F2: a
     * browser's non-ASCII user name, read as UTF-8 from its part and as ISO-8859-1 by Tomcat, was refused 400 as two
     * values). An absent field stays absent: readings without a value of their own are values. An unreadable field
     * stays unreadable.
     */
    public BodyField withReadings(List<@Nullable String> readings) {
        if (readings.isEmpty() || unreadable != null) {
            return this;
        }
        if (values.isEmpty()) {
            return of(readings);
        }
        if (values.size() + readings.size() > MAX_VALUES) {
            return unreadable(Unreadable.TOO_MANY_VALUES);
        }
        List<@Nullable String> all = new java.util.ArrayList<>(values.size() + readings.size());
        all.addAll(values);
        all.addAll(readings);
        return new BodyField(copyOf(all), own, null);
    }

    /** A body that could not be read. */
    public static BodyField unreadable(Unreadable reason) {
        return new BodyField(List.of(), Objects.requireNonNull(reason, "reason"));
    }

    /** Every scalar value of the field, in order; empty when absent or unreadable. */
    public List<String> values() {
        return values;
    }

    /** Whether the body could not be read, so nothing can be said about the field. */
    public boolean isUnreadable() {
        return unreadable != null;
    }

    /** Why the body could not be read, or {@code null} when it could. */
    public @Nullable Unreadable unreadableReason() {
        return unreadable;
    }

    /**
     * The field's one value, or {@code null} when it is absent or unreadable. A field given several
     * different values is ambiguous: which one the application binds depends on its binder, so a key
     * must not be chosen from it; see {@link #isAmbiguous()}.
     */
    public @Nullable String single() {
        return own == 0 || isAmbiguous() ? null : values.get(0);
    }

    /** Whether the field has more than one distinct value. */
    public boolean isAmbiguous() {
        return ambiguous;
    }

    /**
     * The {@linkplain UserNames#key user-name key} of the field's one value, or {@code null} when it has none:
     * worked out once for the field, however many rules are keyed by it.
     */
    @Nullable
    String userNameKey() {
        String single = single();
        if (single == null) {
            return null;
        }
        String key = userNameKey;
        if (key == null) {
            key = UserNames.key(single);
            userNameKey = key; // a race computes the same String twice, harmlessly
        }
        return key;
    }

    /** How long a client refused for {@link Unreadable#TOO_MANY_READS} is asked to wait. */
    private static final java.time.Duration READS_RETRY_AFTER = java.time.Duration.ofSeconds(1);

    /**
     * The refusal of a request whose body could not be read, for the guard and rule that needed it:
     * {@link Action#REJECT} with the reason's status and a detail that names nothing the client sent; for
     * {@link Unreadable#TOO_MANY_READS}, whose client may retry, {@link Action#THROTTLE} with a {@code
     * Retry-After}.
     *
     * @throws IllegalStateException if the body was readable
     */
    public Decision refusal(String guard, String rule) {
        if (unreadable == null) {
            throw new IllegalStateException("the body was readable");
        }
        if (unreadable == Unreadable.TOO_MANY_READS) {
            return Decision.deny(Action.THROTTLE)
                    .guard(guard)
                    .rule(rule)
                    .reason(unreadable.reason())
                    .status(unreadable.status())
                    .retryAfter(READS_RETRY_AFTER)
                    .detail(unreadable.detail())
                    .build();
        }
        return Decision.deny(Action.REJECT)
                .guard(guard)
                .rule(rule)
                .reason(unreadable.reason())
                .status(unreadable.status())
                .detail(unreadable.detail())
                .build();
    }

    @Override
    public String toString() {
        return unreadable != null
                ? "BodyField[" + unreadable.reason() + "]"
                : "BodyField[" + values.size() + " values]";
    }
}
