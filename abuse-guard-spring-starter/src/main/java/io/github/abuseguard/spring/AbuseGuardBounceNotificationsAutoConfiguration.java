package io.github.abuseguard.spring;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.email.BounceFeedback;
import io.github.abuseguard.email.internal.BounceNotifications;
import io.github.abuseguard.email.internal.SigningCertificates;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The bounce-notification endpoint ({@code abuse-guard.bounce-notifications.*}), off by default: a
 * servlet that feeds SES/SNS or generic notifications into the bounce feedback, and the bounce-rate
 * gauges when Micrometer is present.
 */
@AutoConfiguration(after = {AbuseGuardAutoConfiguration.class, AbuseGuardMetricsAutoConfiguration.class})
@ConditionalOnClass(HttpServlet.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnSwitch("abuse-guard.bounce-notifications.enabled")
public final class AbuseGuardBounceNotificationsAutoConfiguration {
    private static final Logger log = LoggerFactory.getLogger(AbuseGuardBounceNotificationsAutoConfiguration.class);
    private static final String PREFIX = "abuse-guard.bounce-notifications.";

    @Bean
    @ConditionalOnBean(BounceFeedback.class)
    @ConditionalOnMissingBean
    BounceNotifications abuseGuardBounceNotifications(
            BounceFeedback feedback,
            AbuseGuardProperties properties,
            ObjectProvider<TimeSource> timeSource,
            ObjectProvider<SigningCertificates> certificates) {
        BounceNotificationsProperties settings = properties.getBounceNotifications();
        BounceNotifications.Builder builder =
                BounceNotifications.builder(feedback).timeSource(timeSource.getIfAvailable(TimeSource::system));
        check("topic-arns", () -> builder.topicArns(settings.getTopicArns()));
        check("certificate-hosts", () -> builder.certificateHosts(settings.getCertificateHosts()));
        check("secret", () -> builder.sharedSecret(settings.getSecret()));
        check("max-age", () -> builder.maxAge(settings.getMaxAge()));
        certificates.ifAvailable(builder::signingCertificates);
        if (settings.isConfirmSubscriptions()) {
            builder.confirmSubscriptions(subscriptionVisitor());
        }
        if (settings.getTopicArns().isEmpty() && settings.getSecret() == null) {
            throw new InvalidSettingException(
                    PREFIX + "topic-arns", "the endpoint is enabled but accepts nothing: set topic-arns or secret");
        }
        return builder.build();
    }

    @Bean
    @ConditionalOnBean(BounceNotifications.class)
    @ConditionalOnMissingBean(
            value = BounceNotificationServlet.class,
            parameterizedContainer = ServletRegistrationBean.class)
    ServletRegistrationBean<BounceNotificationServlet> abuseGuardBounceNotificationServlet(
            BounceNotifications notifications,
            AbuseGuardProperties properties,
            ObjectProvider<BounceNotificationsObserver> observers) {
        BounceNotificationsProperties settings = properties.getBounceNotifications();
        if (settings.getPath() == null || !settings.getPath().startsWith("/")) {
            throw new InvalidSettingException(PREFIX + "path", "must start with '/', was " + settings.getPath());
        }
        if (settings.getMaxBodyBytes() < 1024) {
            throw new InvalidSettingException(
                    PREFIX + "max-body-bytes", "must be at least 1024, was " + settings.getMaxBodyBytes());
        }
        Runnable afterAccepted = () -> observers.orderedStream().forEach(BounceNotificationsObserver::accepted);
        ServletRegistrationBean<BounceNotificationServlet> registration = new ServletRegistrationBean<>(
                new BounceNotificationServlet(notifications, afterAccepted, settings.getMaxBodyBytes()),
                settings.getPath());
        registration.setName("abuseGuardBounceNotifications");
        return registration;
    }

    /** The bounce-rate gauges, when the application has a meter registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static final class Gauges {
        @Bean
        @ConditionalOnBean({MeterRegistry.class, BounceFeedback.class})
        @ConditionalOnMissingBean
        BounceRateGauges abuseGuardBounceRateGauges(BounceFeedback feedback, MeterRegistry registry) {
            return new BounceRateGauges(feedback, registry);
        }
    }

    private static Consumer<URI> subscriptionVisitor() {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        return url -> client.sendAsync(
                        HttpRequest.newBuilder(url)
                                .timeout(Duration.ofSeconds(10))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, failure) -> {
                    if (failure != null || response.statusCode() != 200) {
                        log.warn(
                                "SNS subscription not confirmed at {}: {}",
                                url.getHost(),
                                failure != null ? failure.toString() : "HTTP " + response.statusCode());
                    } else {
                        log.info("SNS subscription confirmed at {}", url.getHost());
                    }
                });
    }

    private static void check(String property, Supplier<?> step) {
        try {
            step.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(PREFIX + property, e.getMessage());
        }
    }
}
