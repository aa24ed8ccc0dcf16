package dev.tally.cli.source;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.query.Page;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;

/**
 * Where a command reads the audit log from: the store in a data directory
 * ({@link StoreReader}) or a running gateway's admin API ({@link AdminApiReader}). Both answer
 * the same queries with the same values, so a command prints the same thing either way.
 *
 * <p>Every method blocks until the answer is read and throws
 * {@link dev.tally.cli.CommandFailure} with a one-line message when the source cannot answer.
 * Not thread-safe; one per command run.
 */
public sealed interface AuditReader extends AutoCloseable permits StoreReader, AdminApiReader {

    /** Call records, newest first, one page. */
    Page<AuditEntry> calls(CallQuery query);

    /**
     * Where the log ends now, as an opaque position for {@link #tail}: nothing committed before
     * this call is ever returned after it (see {@link dev.tally.audit.store.CallTail}).
     */
    String tailHead();

    /**
     * The call records matching {@code filters} (not its {@code until}, limit or cursor)
     * committed after {@code position}, in commit order (by chain, then seq), at most 1000, and
     * the position to read from next.
     */
    Tail tail(String position, CallQuery filters);

    /** New call records in commit order and the position after them. */
    record Tail(java.util.List<dev.tally.audit.entry.CallRecord> records, String position) {
        public Tail {
            records = java.util.List.copyOf(records);
        }
    }

    /** Security and admin events, newest first, one page. */
    Page<AuditEntry> events(EventQuery query);

    /** A usage report. */
    UsageReport usage(UsageQuery query);

    /**
     * The cost adjustments of the calls {@code query} counts (re-pricing), by the query's groups:
     * {@code adjustment_micros} of {@code GET /v1/admin/usage}.
     */
    dev.tally.audit.adjust.UsageAdjustments adjustments(UsageQuery query);

    /**
     * Budget alerts, newest crossing first, in the shape of {@code GET /v1/admin/alerts}
     * ({@link dev.tally.gateway.alerts.AlertJson}); all states when {@code state} is null.
     */
    java.util.List<com.fasterxml.jackson.databind.node.ObjectNode> alerts(dev.tally.audit.alert.AlertState state, int limit);

    /**
     * One call record in the shape of {@code GET /v1/admin/logs/{id}}: its canonical JSON plus
     * {@code chain}, {@code seq}, {@code hash}, {@code kept_payload} (null when none was kept),
     * {@code cost_adjustments} and {@code adjusted_cost_micros}
     * ({@link dev.tally.gateway.reprice.RecordAdjustments}).
     *
     * @throws dev.tally.cli.CommandFailure when no call record has that id
     */
    com.fasterxml.jackson.databind.node.ObjectNode call(String id);

    /**
     * The key id to filter on for a key given by id or name: a store resolves names to ids
     * itself; through the API the value is passed on as given.
     */
    String keyFilter(String idOrName);

    /** Where the data comes from, for messages: the store file or the gateway's URL. */
    String where();

    @Override
    void close();
}
