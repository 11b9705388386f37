package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** probe45b F4: a proof sent again within a minute writes nothing again; after it, the mark is renewed. */
class RecentVouchesTest {

    @Test
    void aClientWrittenForWithinTheMinuteIsNotWrittenForAgain() {
        AtomicLong now = new AtomicLong();
        RecentVouches recent = new RecentVouches(now::get);
        assertThat(recent.writtenRecently("198.51.100.7")).isFalse();

        recent.written("198.51.100.7");
        now.addAndGet(Duration.ofSeconds(59).toNanos());

        assertThat(recent.writtenRecently("198.51.100.7"))
                .as("a replay 59 s later")
                .isTrue();
        assertThat(recent.writtenRecently("198.51.100.8")).as("another client").isFalse();

        recent.written("198.51.100.9");
        recent.forget("198.51.100.9");
        assertThat(recent.writtenRecently("198.51.100.9"))
                .as("probe45c F6: found without its mark, its next proof writes again")
                .isFalse();

        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(recent.writtenRecently("198.51.100.7"))
                .as("61 s later: renewed")
                .isFalse();
    }
}
