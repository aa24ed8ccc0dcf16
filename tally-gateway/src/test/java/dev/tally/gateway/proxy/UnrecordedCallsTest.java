package dev.tally.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Calls whose record could not be made durable are logged once per interval, with a count (issue 15 item 5). */
class UnrecordedCallsTest {

    /** A logger that keeps its lines. */
    private static final class Lines implements System.Logger {
        final List<String> lines = new ArrayList<>();

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
            lines.add(level + " " + msg + (thrown == null ? "" : " | " + thrown));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + format);
        }
    }

    @Test
    void a_thousand_failed_calls_in_one_interval_are_one_line_and_the_next_line_counts_them() {
        Lines log = new Lines();
        AtomicLong now = new AtomicLong(1_000);
        UnrecordedCalls calls = new UnrecordedCalls(log, now::get);

        for (int i = 0; i < 1000; i++) {
            calls.failed("call-" + i, "No space left on device");
        }
        now.addAndGet(UnrecordedCalls.INTERVAL_NANOS);
        calls.failed("call-1000", "No space left on device");

        assertThat(log.lines).containsExactly(
                "WARNING call call-0: its record could not be made durable: No space left on device",
                "WARNING call call-1000: its record could not be made durable: No space left on device "
                        + "(and 999 more calls since the last such line)");
    }
}
