package io.github.abuseguard.testing;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Amazon SNS messages signed the way SNS signs them, with a test key pair made by keytool (alias
 * {@code sns}, certificate CN=sns.amazonaws.com) or an attacker's ({@code attacker}). Shared with other
 * modules through the test jar.
 */
public final class SnsTestMessages {
    public static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:ses-bounces";
    public static final URI CERTIFICATE_URL =
            URI.create("https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem");
    private static final KeyStore KEYS = load();

    private SnsTestMessages() {}

    private static KeyStore load() {
        try (InputStream in =
                SnsTestMessages.class.getResourceAsStream("/io/github/abuseguard/email/sns-test-keys.p12")) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, "test-only".toCharArray());
            return store;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate of a key pair: {@code sns} or {@code attacker}. */
    public static X509Certificate certificate(String alias) {
        try {
            return (X509Certificate) KEYS.getCertificate(alias);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fields of an SNS notification carrying {@code message}, not yet signed. */
    public static Map<String, String> notification(String message, Instant timestamp, String messageId) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Type", "Notification");
        fields.put("MessageId", messageId);
        fields.put("TopicArn", TOPIC);
        fields.put("Message", message);
        fields.put("Timestamp", timestamp.toString());
        fields.put("SignatureVersion", "1");
        fields.put("SigningCertURL", CERTIFICATE_URL.toString());
        return fields;
    }

    /** The fields of a subscription confirmation, not yet signed. */
    public static Map<String, String> subscription(String subscribeUrl, Instant timestamp, String messageId) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Type", "SubscriptionConfirmation");
        fields.put("MessageId", messageId);
        fields.put("Token", "2336412f37fb687f5d51e6e2425c464de");
        fields.put("TopicArn", TOPIC);
        fields.put("Message", "You have chosen to subscribe to the topic " + TOPIC);
        fields.put("SubscribeURL", subscribeUrl);
        fields.put("Timestamp", timestamp.toString());
        fields.put("SignatureVersion", "1");
        fields.put("SigningCertURL", CERTIFICATE_URL.toString());
        return fields;
    }

    /** Signs the fields with a key pair's private key, as SNS does for their SignatureVersion, in place. */
    public static Map<String, String> sign(Map<String, String> fields, String alias) {
        boolean notification = fields.get("Type").equals("Notification");
        List<String> names = notification
                ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
                : List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
        StringBuilder canonical = new StringBuilder();
        for (String name : names) {
            if (fields.containsKey(name)) {
                canonical.append(name).append('\n').append(fields.get(name)).append('\n');
            }
        }
        try {
            Signature signer =
                    Signature.getInstance(fields.get("SignatureVersion").equals("2") ? "SHA256withRSA" : "SHA1withRSA");
            signer.initSign((PrivateKey) KEYS.getKey(alias, "test-only".toCharArray()));
            signer.update(canonical.toString().getBytes(StandardCharsets.UTF_8));
            fields.put("Signature", Base64.getEncoder().encodeToString(signer.sign()));
            return fields;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fields as a JSON object of strings. */
    public static String json(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(field -> quote(field.getKey()) + ":" + quote(field.getValue()))
                .collect(Collectors.joining(",", "{", "}"));
    }

    /** An SES bounce notification. */
    public static String sesBounce(String bounceType, String... recipients) {
        String list = List.of(recipients).stream()
                .map(address -> "{\"emailAddress\":" + quote(address) + ",\"status\":\"5.1.1\"}")
                .collect(Collectors.joining(","));
        return "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":" + quote(bounceType)
                + ",\"bounceSubType\":\"General\",\"bouncedRecipients\":[" + list
                + "]},\"mail\":{\"source\":\"shop@example.com\"}}";
    }

    /** An SES complaint notification. */
    public static String sesComplaint(String... recipients) {
        String list = List.of(recipients).stream()
                .map(address -> "{\"emailAddress\":" + quote(address) + "}")
                .collect(Collectors.joining(","));
        return "{\"notificationType\":\"Complaint\",\"complaint\":{\"complainedRecipients\":[" + list + "]}}";
    }

    /** An SES delivery notification. */
    public static String sesDelivery(String... recipients) {
        String list = List.of(recipients).stream().map(SnsTestMessages::quote).collect(Collectors.joining(","));
        return "{\"notificationType\":\"Delivery\",\"delivery\":{\"recipients\":[" + list + "]}}";
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
