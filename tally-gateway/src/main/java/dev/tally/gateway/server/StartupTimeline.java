package dev.tally.gateway.server;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a start went: named steps of {@code tally serve}'s start, each marked with the monotonic
 * clock as it ends, and written once, at DEBUG, as one line of milliseconds since the JVM started
 * ({@code logging.levels: {dev.tally.gateway.server: debug}} shows it). Marking
 * costs a {@link System#nanoTime()} and a list entry, so the marks stay in at every level; the
 * JVM's start time is only read when the line is written.
 *
 * <p>Thread-safe (marks may come from the warm-up thread too).
 */
public final class StartupTimeline {

    private static final System.Logger LOG = System.getLogger(StartupTimeline.class.getName());
    private static final List<Mark> MARKS = new ArrayList<>(); // guarded by MARKS

    private StartupTimeline() {
    }

    /** Notes that {@code step} has just ended. */
    public static void mark(String step) {
        long now = System.nanoTime();
        synchronized (MARKS) {
            MARKS.add(new Mark(step, now, Thread.currentThread().getName()));
        }
    }

    /**
     * Writes the steps marked so far at DEBUG (when enabled), as milliseconds since the JVM
     * started, and forgets them.
     */
    public static void report() {
        List<Mark> marks;
        synchronized (MARKS) {
            marks = List.copyOf(MARKS);
            MARKS.clear();
        }
        if (marks.isEmpty() || !LOG.isLoggable(System.Logger.Level.DEBUG)) {
            return;
        }
        // The JVM's start on the monotonic clock: its uptime now, taken back from now.
        long startNanos = System.nanoTime() - java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
        StringBuilder line = new StringBuilder("start-up, ms since the JVM started:");
        for (Mark mark : marks) {
            line.append(' ').append(mark.step()).append(' ').append((mark.nanos() - startNanos) / 1_000_000L);
            if (!mark.thread().equals("main")) {
                line.append(" (").append(mark.thread()).append(')');
            }
            line.append(';');
        }
        line.setLength(line.length() - 1);
        LOG.log(System.Logger.Level.DEBUG, line.toString());
    }

    private record Mark(String step, long nanos, String thread) {
    }
}
