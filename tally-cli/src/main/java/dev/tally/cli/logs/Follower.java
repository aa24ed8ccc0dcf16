package dev.tally.cli.logs;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.query.CallQuery;
import dev.tally.cli.CommandFailure;
import dev.tally.cli.source.AuditReader;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code tally logs --follow}: prints the call records committed after it started, in commit
 * order, each once, until the thread is interrupted (Ctrl-C ends the process).
 *
 * <p>It never reads by time: it takes the log's position at the start (the last seq of every
 * chain, {@link AuditReader#tailHead}) and each poll asks for what was committed after the
 * position it holds ({@link AuditReader#tail}), then moves to the position the answer gives. A
 * record is committed when its call ends, so a long stream shows when it ends, after shorter
 * calls that started later; no record is missed or repeated however long its call took, and
 * nothing committed before the start is shown ({@code tally logs} shows those). Memory holds one
 * position; each poll reads only what was committed since the previous one.
 *
 * <p>Not thread-safe; {@link #run} blocks until interrupted.
 */
final class Follower {

    private final AuditReader reader;
    private final CallQuery filters;
    private final Duration interval;

    /** @param filters the user's filters; only {@code since}, key, model, provider, status, user and tags apply */
    Follower(AuditReader reader, CallQuery filters, Duration interval) {
        this.reader = reader;
        this.filters = filters;
        this.interval = interval;
    }

    /**
     * Calls {@code print} once with an empty list at the start (for a table header), then with
     * every non-empty batch of new records, oldest commit first. Returns when the thread is
     * interrupted.
     */
    void run(Consumer<List<CallRecord>> print) {
        String position = reader.tailHead();
        print.accept(List.of());
        boolean full = false;
        while (!Thread.currentThread().isInterrupted()) {
            if (!full) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            AuditReader.Tail tail;
            try {
                tail = reader.tail(position, filters);
            } catch (CommandFailure e) {
                if (Thread.currentThread().isInterrupted()) {
                    return; // interrupted while waiting for the gateway's answer: the end, not a failure
                }
                throw e;
            }
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            position = tail.position();
            // A full batch means more is waiting: read again at once instead of falling behind.
            full = tail.records().size() >= CallQuery.MAX_LIMIT;
            if (!tail.records().isEmpty()) {
                print.accept(tail.records());
            }
        }
    }
}
