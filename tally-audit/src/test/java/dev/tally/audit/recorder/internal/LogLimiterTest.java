package dev.tally.audit.recorder.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A repeated failure is logged once per interval with a count, never once per write. */
class LogLimiterTest {

    final List<String> lines = new ArrayList<>();
    final AtomicLong now = new AtomicLong(1_000);
    final LogLimiter limiter = new LogLimiter(new ListLogger(lines), TimeUnit.SECONDS.toNanos(10), now::get);

    @Test
    void theFirstOccurrenceIsLoggedAtOnceAndTheRestAreCountedUntilTheIntervalPassed() {
        assertThat(limiter.log("lost", Level.ERROR, 1, "1 write lost")).isTrue();
        for (int i = 0; i < 10_000; i++) {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1)); // 10 s in 10,000 steps of 1 ms
            limiter.log("lost", Level.ERROR, 3, "3 writes lost");
        }

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("1 write lost");
        assertThat(lines.get(1)).startsWith("3 writes lost [9999 more like this (29997 writes) since the last report");
    }

    @Test
    void keysAreIndependentAndAResetLogsTheNextOccurrenceAtOnce() {
        limiter.log("store", Level.WARNING, 1, "store failed");
        limiter.log("journal", Level.ERROR, 1, "journal failed");
        limiter.log("store", Level.WARNING, 1, "store failed again");
        assertThat(limiter.reset("store")).isEqualTo(1);
        limiter.log("store", Level.WARNING, 1, "store failed after recovering");

        assertThat(lines).containsExactly("store failed", "journal failed", "store failed after recovering");
    }

    @Test
    void describeGivesTheCauseChainWithoutAStackTrace() {
        Exception e = new RuntimeException("commit failed", new java.io.IOException("No space left on device"));

        assertThat(LogLimiter.describe(e))
                .isEqualTo("RuntimeException commit failed: IOException No space left on device");
    }

    /** Collects formatted messages. */
    record ListLogger(List<String> lines) implements System.Logger {
        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(format);
        }
    }
}
