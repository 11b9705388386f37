package io.github.abuseguard.spring;

import io.github.abuseguard.TimeSource;
import io.github.abuseguard.config.InvalidSettingException;
import io.github.abuseguard.email.BounceFeedback;
import io.github.abuseguard.email.internal.BounceNotifications;
import io.github.abuseguard.email.internal.SigningCertificates;
import io.github.abuseguard.identity.ClientResolver;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;
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

    @Bean
    @ConditionalOnBean(BounceFeedback.class)
    @ConditionalOnMissingBean
    BounceNotifications abuseGuardBounceNotifications(
            BounceFeedback feedback,
            AbuseGuardProperties properties,
            ObjectProvider<TimeSource> timeSource,
            ObjectProvider<SigningCertificates> certificates) {
        // the values were checked as they were bound (see BounceNotificationsProperties)
        BounceNotificationsProperties settings = properties.bounceNotifications();
        BounceNotifications.Builder builder = BounceNotifications.builder(feedback)
                .timeSource(timeSource.getIfAvailable(TimeSource::system))
                .topicArns(settings.topicArns())
                .certificateHosts(settings.certificateHosts())
                .sharedSecret(settings.secret())
                .maxAge(settings.maxAge());
        certificates.ifAvailable(builder::signingCertificates);
        if (settings.confirmSubscriptions()) {
            builder.confirmSubscriptions(subscriptionVisitor());
        }
        if (settings.topicArns().isEmpty() && settings.secret() == null) {
            throw new InvalidSettingException(
                    "abuse-guard.bounce-notifications.topic-arns",
                    "the endpoint is enabled but accepts nothing: set topic-arns or secret");
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
            ClientResolver clients,
            ObjectProvider<BounceNotificationsObserver> observers) {
        BounceNotificationsProperties settings = properties.bounceNotifications();
        Runnable afterAccepted = () -> observers.orderedStream().forEach(BounceNotificationsObserver::accepted);
        ServletRegistrationBean<BounceNotificationServlet> registration = new ServletRegistrationBean<>(
                new BounceNotificationServlet(notifications, afterAccepted, clients, settings.maxBodyBytes()),
                settings.path());
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
}
