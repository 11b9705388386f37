package io.github.abuseguard.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code abuse-guard.ip-lists.*}: addresses always allowed or always refused. */
public class IpListSettings {

    /** The default of {@code reload-interval}. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);

    /** CIDR blocks exempt from every guard. */
    private List<String> allow = new ArrayList<>();

    /** CIDR blocks always refused with 403. */
    private List<String> deny = new ArrayList<>();

    /** A file of allowed CIDR blocks, one per line, read again when it changes. */
    private @Nullable String allowFile;

    /** A file of denied CIDR blocks, one per line, read again when it changes. */
    private @Nullable String denyFile;

    /** How often the files are checked for changes. */
    private Duration reloadInterval = DEFAULT_RELOAD_INTERVAL;

    public List<String> getAllow() {
        return allow;
    }

    public void setAllow(List<String> allow) {
        this.allow = allow;
    }

    public List<String> getDeny() {
        return deny;
    }

    public void setDeny(List<String> deny) {
        this.deny = deny;
    }

    public @Nullable String getAllowFile() {
        return allowFile;
    }

    public void setAllowFile(@Nullable String allowFile) {
        this.allowFile = allowFile;
    }

    public @Nullable String getDenyFile() {
        return denyFile;
    }

    public void setDenyFile(@Nullable String denyFile) {
        this.denyFile = denyFile;
    }

    public Duration getReloadInterval() {
        return reloadInterval;
    }

    public void setReloadInterval(Duration reloadInterval) {
        this.reloadInterval = reloadInterval;
    }
}
