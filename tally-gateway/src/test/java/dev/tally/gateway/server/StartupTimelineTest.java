package dev.tally.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The start-up timeline: one DEBUG line of the marked steps in order, nothing at other levels. */
class StartupTimelineTest {

    private static final Logger LOG = Logger.getLogger(StartupTimeline.class.getName());

    @Test
    void writesTheStepsInOrderAsOneDebugLineAndForgetsThem() throws Exception {
        capture(Level.INFO, StartupTimeline::report); // forgets, unwritten, what other tests marked
        List<String> lines = capture(Level.FINE, () -> {
            StartupTimeline.mark("first step");
            Thread other = Thread.ofPlatform().name("other-thread").start(() -> StartupTimeline.mark("beside"));
            join(other);
            StartupTimeline.mark("second step");
            StartupTimeline.report();
            StartupTimeline.report(); // nothing left
        });

        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).startsWith("start-up, ms since the JVM started: first step ")
                .containsSubsequence("first step ", "; beside ", " (other-thread); second step ")
                .matches(".*first step \\d+; beside \\d+ \\(other-thread\\); second step \\d+");
    }

    @Test
    void writesNothingWhenDebugIsOff() {
        List<String> lines = capture(Level.INFO, () -> {
            StartupTimeline.mark("a step");
            StartupTimeline.report();
        });

        assertThat(lines).isEmpty();
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> capture(Level level, Runnable action) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler probe = new Handler() {
            @Override
            public void publish(LogRecord entry) {
                lines.add(entry.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = LOG.getLevel();
        LOG.setLevel(level);
        LOG.addHandler(probe);
        try {
            action.run();
        } finally {
            LOG.removeHandler(probe);
            LOG.setLevel(before);
        }
        return lines;
    }
}
