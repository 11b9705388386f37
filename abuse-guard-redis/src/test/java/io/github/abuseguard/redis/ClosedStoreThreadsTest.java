package io.github.abuseguard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A closed store leaves none of its threads running: a servlet container that stops an application whose filter
 * failed to start, or was destroyed, warns of every thread the application started that is still alive (user68 F5).
 */
class ClosedStoreThreadsTest {

    @Test
    void noThreadOfAClosedStoreIsLeft() throws InterruptedException {
        String uri = RedisAvailability.requireRedis();
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        RedisStateStore store = RedisStateStore.builder()
                .connectTimeout(RedisAvailability.CONNECT_TIMEOUT)
                .uri(uri)
                .keyPrefix("abuse-guard-test:threads:")
                .commandTimeout(Duration.ofSeconds(2))
                .build();
        // a subscription on a connection of its own, and the thread that runs the lifts it hears
        java.util.concurrent.CountDownLatch heard = new java.util.concurrent.CountDownLatch(1);
        store.listenForLifts((namespace, key, matches) -> heard.countDown());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!store.listensForLifts()) {
            assertThat(System.nanoTime()).as("subscribed").isLessThan(deadline);
            Thread.onSpinWait();
        }
        store.bans("threads").liftEverywhere("203.0.113.7");
        assertThat(heard.await(30, java.util.concurrent.TimeUnit.SECONDS))
                .as("the lift heard")
                .isTrue();
        List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread))
                // the JVM's shared pool (Caffeine's maintenance runs there): not the application's, nor kept by it
                .filter(thread -> !thread.getName().startsWith("ForkJoinPool.commonPool"))
                .toList();

        store.close();

        assertThat(started).isNotEmpty();
        assertThat(started.stream().filter(Thread::isAlive).map(Thread::getName))
                .as("threads of the store alive when close() returned")
                .isEmpty();
    }
}
