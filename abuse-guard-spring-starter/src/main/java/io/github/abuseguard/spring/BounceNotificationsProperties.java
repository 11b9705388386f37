package io.github.abuseguard.spring;

import io.github.abuseguard.config.Default;
import io.github.abuseguard.config.PropertyPath;
import io.github.abuseguard.email.internal.BounceNotifications;
import io.github.abuseguard.internal.Settings;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * {@code abuse-guard.bounce-notifications.*}: the endpoint that receives the mail provider's bounce,
 * complaint and delivery notifications (Amazon SES through SNS, or a generic JSON shape) and feeds the
 * bounce feedback. Off by default; the README's <em>Disposable e-mail addresses</em> section says what is
 * verified.
 *
 * @param enabled Whether the endpoint is exposed (POST only).
 * @param path The endpoint's path, served by its own servlet.
 * @param topicArns The SNS topic ARNs whose messages are read; SNS messages of any other topic are refused with 403.
 * @param certificateHosts A regular expression for the hosts of SigningCertURL and SubscribeURL (whole host name, https only).
 * @param confirmSubscriptions Whether an SNS subscription confirmation is confirmed by visiting its SubscribeURL (on an allowed host); otherwise the URL is logged.
 * @param secret The shared secret (16 characters or more) that the generic JSON shape must carry as 'Authorization: Bearer <secret>'; the shape is refused without one.
 * @param maxAge How old an SNS message may be before it is refused as a replay.
 * @param maxBodyBytes The largest body read; a larger one is answered 413.
 */
public record BounceNotificationsProperties(
        @Default("" + DEFAULT_ENABLED) boolean enabled,
        @Default(DEFAULT_PATH) String path,
        List<String> topicArns,
        @Default(DEFAULT_CERTIFICATE_HOSTS) String certificateHosts,
        @Default("" + DEFAULT_CONFIRM_SUBSCRIPTIONS) boolean confirmSubscriptions,
        @Nullable String secret,
        @Default(DEFAULT_MAX_AGE) Duration maxAge,
        @Default("" + DEFAULT_MAX_BODY_BYTES) int maxBodyBytes) {

    /** The default of {@code enabled}: off. */
    public static final boolean DEFAULT_ENABLED = false;

    /** The default of {@code path}. */
    public static final String DEFAULT_PATH = "/abuse-guard/bounce-notifications";

    /** The default of {@code certificate-hosts}: Amazon SNS's hosts. */
    public static final String DEFAULT_CERTIFICATE_HOSTS = BounceNotifications.SNS_HOSTS;

    /** The default of {@code confirm-subscriptions}: only logged. */
    public static final boolean DEFAULT_CONFIRM_SUBSCRIPTIONS = false;

    /** The default of {@code max-age}. */
    public static final String DEFAULT_MAX_AGE = "1h";

    /** The default of {@code max-body-bytes}: 512 KiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 512 * 1024;

    /** The least {@code max-body-bytes}: an SNS notification with its certificate fields needs about that. */
    private static final int MIN_BODY_BYTES = 1024;

    /** The fewest characters of {@code secret}. */
    private static final int MIN_SECRET_LENGTH = 16;

    private static final PropertyPath AT = PropertyPath.of("bounce-notifications");

    /**
     * @throws io.github.abuseguard.config.InvalidSettingException naming the property of a value the
     *     endpoint cannot work with: a path not starting with {@code /}, a topic that is not an ARN, hosts
     *     that are not a regular expression, a secret shorter than 16 characters, a maximum age that is not
     *     positive, or a body limit below 1024 bytes (an enabled endpoint that accepts nothing, with
     *     neither topics nor a secret, is refused when the endpoint is built)
     */
    public BounceNotificationsProperties {
        topicArns = Settings.copy(topicArns);
        if (path == null || !path.startsWith("/")) {
            throw AT.child("path").invalid("must start with '/', was " + path);
        }
        for (String arn : topicArns) {
            if (!arn.startsWith("arn:")) {
                throw AT.child("topic-arns").invalid("'" + arn + "' is not a topic ARN");
            }
        }
        try {
            Pattern.compile(AT.required(certificateHosts, "certificate-hosts"));
        } catch (PatternSyntaxException e) {
            throw AT.child("certificate-hosts").invalid("is not a regular expression: " + e.getDescription());
        }
        if (secret != null && secret.strip().length() < MIN_SECRET_LENGTH) {
            throw AT.child("secret").invalid("must have at least " + MIN_SECRET_LENGTH + " characters");
        }
        AT.positive(maxAge, "max-age");
        if (maxBodyBytes < MIN_BODY_BYTES) {
            throw AT.child("max-body-bytes").invalid("must be at least " + MIN_BODY_BYTES + ", was " + maxBodyBytes);
        }
    }
}
