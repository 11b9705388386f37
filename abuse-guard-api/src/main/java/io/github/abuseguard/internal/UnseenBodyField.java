package io.github.abuseguard.internal;

import io.github.abuseguard.BodyField;
import io.github.abuseguard.RequestBody;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns once when a configured body field was absent from every JSON or form body it was looked for in, the first
 * {@value #BODIES} times: most likely misspelt ({@code body:/usrname} beside a body holding {@code username}), which
 * no start-up check can tell where the handlers' body types are unknown (user69 F6: a plain servlet filter limited
 * guesses per address, not per account, without a word). Once the field is seen it costs one volatile read.
 */
public final class UnseenBodyField {
    private static final Logger LOG = LoggerFactory.getLogger(UnseenBodyField.class);

    /** How many bodies without the field make the warning. */
    static final int BODIES = 100;

    private final String reader;
    private final String consequence;
    private final AtomicInteger absent = new AtomicInteger();
    /** The field was seen, or the warning written: nothing more to watch. */
    private volatile boolean settled;

    /**
     * The identity of the body last counted: a rule looks a field up several times per request (a failure rule at its
     * check, its outcome and its resource key), and a body counts once (review121 F4: the warning came after 34).
     */
    private volatile int lastBody;

    /**
     * @param reader the field and what reads it, as a user configured them ({@code field /usrname of key body:/usrname})
     * @param consequence what an absent field makes of a request ({@code it counts as the client's address})
     */
    public UnseenBodyField(String reader, String consequence) {
        this.reader = reader;
        this.consequence = consequence;
    }

    /** Records a look-up of the field in a request's body: {@code field} is what it found there. */
    public void looked(BodyField field, RequestBody body) {
        if (settled || field.isUnreadable()) {
            return;
        }
        if (!field.values().isEmpty()) {
            settled = true;
            return;
        }
        if (body.length() == 0 || !readable(body.contentType())) {
            return;
        }
        int identity = System.identityHashCode(body);
        if (identity == lastBody) {
            return;
        }
        lastBody = identity;
        if (absent.incrementAndGet() == BODIES) {
            settled = true;
            LOG.warn(
                    "abuse-guard: the {} was absent from the first {} JSON or form bodies it was looked for in, and"
                            + " was never seen: is it misspelt? ({})",
                    reader,
                    BODIES,
                    consequence);
        }
    }

    /** Whether the guards read fields of a body of this type: JSON and URL-encoded forms. */
    private static boolean readable(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.contains("json") || type.contains("x-www-form-urlencoded");
    }
}
