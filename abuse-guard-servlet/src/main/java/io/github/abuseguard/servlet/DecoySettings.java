package io.github.abuseguard.servlet;

import io.github.abuseguard.config.AbstractSettingsSection;
import io.github.abuseguard.config.Default;
import java.util.LinkedHashMap;

/**
 * {@code abuse-guard.decoys.NAME.*}: a fake success for the decoy action.
 *
 * @param status The status of the fake success.
 * @param contentType Its content type.
 * @param body Its body; ${uuid} and ${path} are replaced per request.
 */
public record DecoySettings(
        @Default("" + DEFAULT_STATUS) int status,
        @Default(DEFAULT_CONTENT_TYPE) String contentType,
        @Default(DEFAULT_BODY) String body) {

    /** The default of {@code status}. */
    public static final int DEFAULT_STATUS = 200;

    /** The default of {@code content-type}. */
    public static final String DEFAULT_CONTENT_TYPE = "application/json";

    /** The default of {@code body}. */
    public static final String DEFAULT_BODY = "{\"status\":\"ok\"}";

    /**
     * {@code abuse-guard.decoys.NAME.*}: fake successes by name, for the decoy action; {@code default} is
     * used when a rule names none. A map rather than a record: its keys are the names the configuration
     * gives, not components a record could declare.
     */
    public static class Named extends LinkedHashMap<String, DecoySettings> {
        private static final long serialVersionUID = 1L;
    }

    /** Contributes {@code abuse-guard.decoys.*} to the schema; registered with {@link java.util.ServiceLoader}. */
    public static final class Section extends AbstractSettingsSection<Named> {
        public Section() {
            super("decoys", Named.class, Named::new);
        }
    }
}
