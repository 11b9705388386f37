package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.store.StateStore;
import io.github.abuseguard.store.Trails;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A previous review: the starter wrote every accepted sign-up address to the store even when nothing fed
 * bounces back. A feedback built to record submissions only once something reports writes none until a
 * bounce, complaint or delivery is reported to any feedback sharing its store.
 */
class SubmissionsRecordedOnceReportedTest {
    private static final List<String> PROVIDERS =
            List.of("203.0.113.7", "198.51.100.7", "192.0.2.200", "2001:db8:1::7", "3fff:1:1::7");

    private final FakeTimeSource clock = new FakeTimeSource();
    private final AtomicReference<Trails> submitted = new AtomicReference<>();
    private final StateStore store = watchedStore();

    /** A store whose {@code email:submitted} trails are watched for writes. */
    private StateStore watchedStore() {
        StateStore watched = spy(LocalStateStore.builder().timeSource(clock).build());
        doAnswer(call -> {
                    submitted.set(spy((Trails) call.callRealMethod()));
                    return submitted.get();
                })
                .when(watched)
                .trails(eq("email:submitted"), anyInt(), any());
        return watched;
    }

    private BounceFeedback feedback(DisposableDomains domains, boolean onceReported) {
        return BounceFeedback.builder(store, domains)
                .recordSubmissionsOnceReported(onceReported)
                .build();
    }

    private DisposableDomains domains() {
        return new DisposableDomains(
                List.of(DomainSource.bundled()),
                List.of(DomainSource.majorProviders()),
                store.bans("email:blocked"),
                null);
    }

    @Test
    void nothingIsWrittenForSubmissionsUntilSomethingReports() {
        DisposableDomains domains = domains();
        BounceFeedback feedback = feedback(domains, true);
        for (int i = 0; i < 20; i++) {
            feedback.recordSubmission("user" + i + "@fresh-temp.example", "198.51.100.0/24");
        }
        verify(submitted.get(), never()).append(any(), any());

        feedback.recordDelivery("welcome@corp.example");
        feedback.recordSubmission("late@fresh-temp.example", "198.51.100.0/24");
        verify(submitted.get(), times(1)).append(any(), eq("198.51.0.0/16"));
    }

    @Test
    void aReportToOneInstanceMakesEveryInstanceSharingTheStoreRecord() {
        DisposableDomains domains = domains();
        BounceFeedback bounceWebhook = feedback(domains, true);
        bounceWebhook.recordBounce("gone@corp.example");

        BounceFeedback signUps = feedback(domains, true);
        signUps.recordSubmission("new@fresh-temp.example", "203.0.113.0/24");
        verify(submitted.get(), times(1)).append(any(), eq("203.0.0.0/16"));
    }

    @Test
    void aFeedbackBuiltToBeFedRecordsFromTheStart() {
        BounceFeedback feedback = feedback(domains(), false);
        feedback.recordSubmission("new@fresh-temp.example", "203.0.113.0/24");
        verify(submitted.get(), times(1)).append(any(), eq("203.0.0.0/16"));
    }

    /** The price: the sign-ups before the first report count for no network; those after it do. */
    @Test
    void aThrowAwayDomainIsLearnedFromTheSignUpsAfterTheFirstReport() {
        DisposableDomains domains = domains();
        BounceFeedback feedback = feedback(domains, true);
        String fresh = "brand-new-temp.example";
        for (int i = 0; i < PROVIDERS.size(); i++) {
            feedback.recordSubmission("early" + i + "@" + fresh, BounceFeedback.allocation(PROVIDERS.get(i)));
        }
        for (int i = 0; i < PROVIDERS.size(); i++) {
            assertThat(feedback.recordBounce("early" + i + "@" + fresh))
                    .as("sign-ups before anything reported were not recorded")
                    .isFalse();
        }

        clock.advance(Duration.ofHours(1).plusMinutes(1)); // a new window
        for (int i = 0; i < PROVIDERS.size(); i++) {
            feedback.recordSubmission("bot" + i + "@" + fresh, BounceFeedback.allocation(PROVIDERS.get(i)));
        }
        for (int i = 0; i < PROVIDERS.size(); i++) {
            feedback.recordBounce("bot" + i + "@" + fresh);
        }
        assertThat(domains.isDisposable("x@" + fresh)).isTrue();
        assertThat(domains.match("x@" + fresh).source()).isEqualTo("bounce-feedback");
    }

    /**
     * A busy site: an instance read the flag as "reported" for its sign-ups, then a report reaches it. The
     * report renews the flag for 30 days; it must not be taken for written because the flag was read
     * (review13: the flag then lapsed after 30 days and recording stopped until a report happened to reach an
     * instance that had not read it within a minute).
     */
    @Test
    void aReportRenewsTheFlagOnAnInstanceThatReadItForItsSignUps() {
        DisposableDomains domains = domains();
        feedback(domains, true).recordBounce("gone@corp.example"); // instance A, 29 days ago
        clock.advance(Duration.ofDays(29));
        BounceFeedback busy = feedback(domains, true); // instance B
        busy.recordSubmission("new@fresh-temp.example", "198.51.100.0/24"); // reads the flag: reported

        busy.recordDelivery("welcome@corp.example");

        assertThat(store.bans("email:bounce-reported").remaining("reported")).isGreaterThan(Duration.ofDays(29));
    }
}
