package io.github.abuseguard.email.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * Where the certificates that sign Amazon SNS messages come from. The URL has been checked against the
 * allowed host pattern before it gets here. Tests supply certificates of their own; {@link #https}
 * fetches them.
 */
@FunctionalInterface
public interface SigningCertificates {

    /**
     * The certificate published at a URL.
     *
     * @throws IOException if it cannot be fetched
     * @throws GeneralSecurityException if what was fetched is no X.509 certificate
     */
    X509Certificate certificate(URI url) throws IOException, GeneralSecurityException;

    /**
     * Fetches certificates over HTTPS (the JDK's trust store vouches for the host), without following
     * redirects, reading at most 64 KiB; {@link BounceNotifications} keeps what it fetched.
     */
    static SigningCertificates https(Duration timeout) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        return url -> {
            if (!"https".equals(url.getScheme())) {
                throw new IOException("a signing certificate is only fetched over https: " + url);
            }
            HttpResponse<InputStream> response;
            try {
                response = client.send(
                        HttpRequest.newBuilder(url).timeout(timeout).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while fetching " + url, e);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP " + response.statusCode() + " from " + url);
                }
                byte[] chunk = new byte[4096];
                int read;
                while ((read = body.read(chunk)) != -1) {
                    if (bytes.size() + read > 64 * 1024) {
                        throw new IOException("the certificate at " + url + " is larger than 64 KiB");
                    }
                    bytes.write(chunk, 0, read);
                }
            }
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(bytes.toByteArray()));
        };
    }
}
