package dev.tally.cli.logs;

import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.json.Json;
import dev.tally.cli.text.Table;
import dev.tally.cli.text.Values;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How {@code tally logs} prints call records: a table for people (time, status, model, key,
 * tokens in/out, cost in USD, latency, time to first token, id) or one line of canonical JSON
 * per record for scripts (exactly the bytes the hash chain covers). Stateless.
 */
final class LogTable {

    static final List<String> HEADER =
            List.of("TIME (UTC)", "STATUS", "MODEL", "KEY", "TOKENS IN/OUT", "COST", "LATENCY", "TTFT", "ID");
    /** Column widths when rows are printed as they arrive ({@code --follow}). */
    static final int[] FOLLOW_WIDTHS = {23, 11, 22, 14, 13, 10, 8, 7, 36};

    private LogTable() {
    }

    static Table table(List<CallRecord> records) {
        Table table = new Table(HEADER, false, false, false, false, true, true, true, true, false);
        for (CallRecord r : records) {
            table.row(List.of(Values.time(r.startedAt()), Json.wire(r.status()), text(r.model()),
                    text(r.keyName() != null ? r.keyName() : r.keyId()), tokens(r), Values.usd(r.costMicros()),
                    Values.millis(r.durationMs()), Values.millis(r.ttftMs()), r.id()));
        }
        return table;
    }

    /** One record as one line of its canonical JSON. */
    static void json(PrintWriter out, AuditEntry entry) {
        out.println(new String(EntryHasher.canonicalBytes(entry), StandardCharsets.UTF_8));
    }

    private static String tokens(CallRecord r) {
        if (r.inputTokens() == null && r.outputTokens() == null) {
            return Values.NONE;
        }
        return Values.count(r.inputTokens()) + "/" + Values.count(r.outputTokens());
    }

    private static String text(String value) {
        return value == null ? Values.NONE : value;
    }
}
