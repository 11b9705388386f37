package io.github.abuseguard.spring;

import io.github.abuseguard.email.internal.BounceNotifications;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code abuse-guard.bounce-notifications.*}: the endpoint that receives the mail provider's bounce,
 * complaint and delivery notifications (Amazon SES through SNS, or a generic JSON shape) and feeds the
 * bounce feedback. Off by default; the README's <em>Disposable e-mail addresses</em> section says what is
 * verified.
 */
public class BounceNotificationsProperties {

    /** Whether the endpoint is exposed (POST only). */
    private boolean enabled = false;

    /** The endpoint's path, served by its own servlet. */
    private String path = "/abuse-guard/bounce-notifications";

    /** The SNS topic ARNs whose messages are read; SNS messages of any other topic are refused with 403. */
    private List<String> topicArns = new ArrayList<>();

    /** A regular expression for the hosts of SigningCertURL and SubscribeURL (whole host name, https only). */
    private String certificateHosts = BounceNotifications.SNS_HOSTS;

    /** Whether an SNS subscription confirmation is confirmed by visiting its SubscribeURL (on an allowed host); otherwise the URL is logged. */
    private boolean confirmSubscriptions = false;

    /** The shared secret (16 characters or more) that the generic JSON shape must carry as 'Authorization: Bearer <secret>'; the shape is refused without one. */
    private String secret;

    /** How old an SNS message may be before it is refused as a replay. */
    private Duration maxAge = Duration.ofHours(1);

    /** The largest body read; a larger one is answered 413. */
    private int maxBodyBytes = 512 * 1024;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public List<String> getTopicArns() {
        return topicArns;
    }

    public void setTopicArns(List<String> topicArns) {
        this.topicArns = topicArns;
    }

    public String getCertificateHosts() {
        return certificateHosts;
    }

    public void setCertificateHosts(String certificateHosts) {
        this.certificateHosts = certificateHosts;
    }

    public boolean isConfirmSubscriptions() {
        return confirmSubscriptions;
    }

    public void setConfirmSubscriptions(boolean confirmSubscriptions) {
        this.confirmSubscriptions = confirmSubscriptions;
    }

    public String getSecret() {
        return secret;
    }

    public void setSecret(String secret) {
        this.secret = secret;
    }

    public Duration getMaxAge() {
        return maxAge;
    }

    public void setMaxAge(Duration maxAge) {
        this.maxAge = maxAge;
    }

    public int getMaxBodyBytes() {
        return maxBodyBytes;
    }

    public void setMaxBodyBytes(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }
}
