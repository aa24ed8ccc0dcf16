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
 * How {@code tally logs} prints call records: a table for people (time, status, HTTP status
 * sent to the client, error code, model, key, tokens in/out, cost in USD, latency, time to first
 * token, id) or one line of canonical JSON per record for scripts (exactly the bytes the hash
 * chain covers). A call without a model (a models list, a body that could not be read) shows
 * its operation instead, e.g. {@code models.list}. With colour on, the status and HTTP cells are
 * green for success, yellow for what the client caused or cancelled (4xx, 499), red for errors
 * and interrupted calls (5xx). Stateless.
 */
final class LogTable {

    static final List<String> HEADER = List.of("TIME (UTC)", "STATUS", "HTTP", "ERROR", "MODEL", "KEY", "TOKENS IN/OUT",
            "COST", "LATENCY", "TTFT", "ID");
    /** Column widths when rows are printed as they arrive ({@code --follow}). */
    static final int[] FOLLOW_WIDTHS = {23, 11, 4, 18, 22, 14, 13, 10, 8, 7, 36};

    private static final String GREEN = "32";
    private static final String YELLOW = "33";
    private static final String RED = "31";

    private LogTable() {
    }

    static Table table(List<CallRecord> records, boolean colour) {
        Table table = new Table(HEADER, false, false, false, false, false, false, true, true, true, true, false);
        for (CallRecord r : records) {
            table.row(List.of(Values.time(r.startedAt()), Json.wire(r.status()),
                    r.httpStatus() == null ? Values.NONE : r.httpStatus().toString(), text(r.errorCode()), model(r),
                    text(r.keyName() != null ? r.keyName() : r.keyId()), tokens(r), Values.usd(r.costMicros()),
                    Values.millis(r.durationMs()), Values.millis(r.ttftMs()), r.id()));
        }
        return table.colour(1, LogTable::statusColour).colour(2, LogTable::httpColour).coloured(colour);
    }

    /** The requested model, else the operation (what a models list or an unreadable body shows). */
    static String model(CallRecord r) {
        if (r.model() != null) {
            return r.model();
        }
        if (r.operation() == null) {
            return Values.NONE;
        }
        return switch (r.operation()) {
            case MODELS -> "models.list";
            case CHAT, COMPLETION, EMBEDDING, RESPONSE, MESSAGE -> Json.wire(r.operation()) + " (no model)";
        };
    }

    private static String statusColour(String status) {
        return switch (status) {
            case "success" -> GREEN;
            case "refused", "cancelled" -> YELLOW;
            case "error", "interrupted" -> RED;
            default -> null;
        };
    }

    private static String httpColour(String code) {
        if (code.length() != 3 || !code.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return switch (code.charAt(0)) {
            case '2', '3' -> GREEN;
            case '4' -> YELLOW;
            case '5' -> RED;
            default -> null;
        };
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
