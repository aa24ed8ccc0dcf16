package dev.tally.cli.logs;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.Page;
import dev.tally.cli.source.AuditReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code tally logs --follow}: prints new call records as they are committed, oldest first,
 * until the thread is interrupted (Ctrl-C ends the process).
 *
 * <p>Why a window: the log is ordered by when a call <em>started</em>, but a record is written
 * when the call <em>ends</em>. A two-minute stream is committed long after shorter calls that
 * started later were printed. So each poll reads, newest first and page by page, every record
 * that started within {@code window} before the newest one seen (or before the start, while
 * nothing was seen), and prints the ones not printed yet; the ids seen inside the window are
 * remembered, older ones forgotten. A call longer than the window, committed after the window
 * moved past its start, is not shown (it is in the log; {@code tally logs --since} finds it).
 * Each poll costs one read of the window; memory holds the ids of one window.
 *
 * <p>Not thread-safe; {@link #run} blocks until interrupted.
 */
final class Follower {

    private static final Comparator<CallRecord> OLDEST_FIRST =
            Comparator.comparing(CallRecord::startedAt).thenComparing(CallRecord::id);

    private final AuditReader reader;
    private final CallQuery filters;
    private final Duration window;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, Instant> seen = new HashMap<>();
    private Instant newest;

    /**
     * @param filters the user's filters; its {@code limit} is the number of past records shown at
     *     the start, its {@code since} a lower bound for everything
     */
    Follower(AuditReader reader, CallQuery filters, Duration window, Duration interval, Clock clock) {
        this.reader = reader;
        this.filters = filters;
        this.window = window;
        this.interval = interval;
        this.clock = clock;
    }

    /**
     * Prints the last {@code limit} records, then new ones after each poll, each batch oldest
     * first through {@code print} (which flushes). Returns when the thread is interrupted.
     */
    void run(Consumer<List<CallRecord>> print) {
        List<CallRecord> recent = readWindow();
        for (AuditEntry e : reader.calls(filters).data()) {
            if (e instanceof CallRecord r && !seen.containsKey(r.id())) {
                remember(r);
                recent.add(r);
            }
        }
        recent.sort(OLDEST_FIRST.reversed());
        List<CallRecord> shown = new ArrayList<>(recent.subList(0, Math.min(filters.limit(), recent.size())));
        shown.sort(OLDEST_FIRST);
        print.accept(shown);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            List<CallRecord> fresh;
            try {
                fresh = readWindow();
            } catch (dev.tally.cli.CommandFailure e) {
                if (Thread.currentThread().isInterrupted()) {
                    return; // interrupted while waiting for the gateway's answer: the end, not a failure
                }
                throw e;
            }
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            if (!fresh.isEmpty()) {
                fresh.sort(OLDEST_FIRST);
                print.accept(fresh);
            }
        }
    }

    /** Every record in the window not seen before, remembered now; forgets ids before the window. */
    private List<CallRecord> readWindow() {
        Instant from = (newest != null ? newest : clock.instant()).minus(window);
        if (filters.since() != null && filters.since().isAfter(from)) {
            from = filters.since();
        }
        List<CallRecord> fresh = new ArrayList<>();
        CallQuery query = new CallQuery(from, null, filters.keyId(), filters.model(), filters.provider(),
                filters.status(), filters.user(), filters.tags(), CallQuery.MAX_LIMIT, null);
        while (true) {
            Page<AuditEntry> page = reader.calls(query);
            for (AuditEntry e : page.data()) {
                if (e instanceof CallRecord r && !seen.containsKey(r.id())) {
                    remember(r);
                    fresh.add(r);
                }
            }
            if (page.nextCursor() == null || page.data().isEmpty()) {
                break;
            }
            query = query.after(page.nextCursor());
        }
        Instant forgetBefore = from;
        seen.values().removeIf(at -> at.isBefore(forgetBefore));
        return fresh;
    }

    private void remember(CallRecord r) {
        seen.put(r.id(), r.startedAt());
        if (newest == null || r.startedAt().isAfter(newest)) {
            newest = r.startedAt();
        }
    }
}
