package io.github.abuseguard.servlet;

import io.github.abuseguard.config.AbstractSettingsSection;
import java.util.LinkedHashMap;

/** {@code abuse-guard.decoys.NAME.*}: a fake success for the decoy action. */
public class DecoySettings {

    /** The default of {@code status}. */
    public static final int DEFAULT_STATUS = 200;

    /** The default of {@code content-type}. */
    public static final String DEFAULT_CONTENT_TYPE = "application/json";

    /** The default of {@code body}. */
    public static final String DEFAULT_BODY = "{\"status\":\"ok\"}";

    /** The status of the fake success. */
    private int status = DEFAULT_STATUS;

    /** Its content type. */
    private String contentType = DEFAULT_CONTENT_TYPE;

    /** Its body; ${uuid} and ${path} are replaced per request. */
    private String body = DEFAULT_BODY;

    public int getStatus() {
        return status;
    }

    public void setStatus(int status) {
        this.status = status;
    }

    public String getContentType() {
        return contentType;
    }

    public void setContentType(String contentType) {
        this.contentType = contentType;
    }

    public String getBody() {
        return body;
    }

    public void setBody(String body) {
        this.body = body;
    }

    /**
     * {@code abuse-guard.decoys.NAME.*}: fake successes by name, for the decoy action; {@code default} is
     * used when a rule names none.
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
