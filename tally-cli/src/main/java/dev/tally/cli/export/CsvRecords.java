package dev.tally.cli.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.json.Json;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * Call records as CSV (RFC 4180: comma-separated, CRLF line ends, a header line), one column per
 * record field in the order of {@link #COLUMNS}, absent values as empty cells, times ISO-8601 UTC
 * with milliseconds, tags and tool calls as JSON text.
 *
 * <p>Safe for spreadsheet apps: a cell that starts with {@code =}, {@code +}, {@code -}, {@code @},
 * a tab or a carriage return would be read as a formula (CSV injection), so it gets a leading
 * single quote, which spreadsheets show as text; a cell holding a comma, a double quote or a line
 * break is quoted, with quotes doubled. Record values never start with {@code -} on their own
 * (no negative figures), so the quote marks only text that came from a client. Stateless.
 */
public final class CsvRecords {

    /**
     * The header, in column order: the record's fields in the order {@code CallRecord} declares
     * them, the same columns as {@code GET /v1/admin/export?format=csv}, so an export reads the
     * same from a store or through a gateway.
     */
    public static final List<String> COLUMNS = List.of("id", "started_at", "duration_ms", "ttft_ms", "upstream_ms",
            "trace_id", "client_request_id", "key_id", "key_name", "key_prefix", "user", "tags", "client_ip",
            "user_agent", "operation", "endpoint", "protocol", "stream", "model", "served_model", "provider",
            "attempts", "status", "http_status", "error_code", "error_message", "input_tokens", "cached_input_tokens",
            "cache_write_tokens", "output_tokens", "reasoning_tokens", "usage_source", "cost_micros", "price_id",
            "finish_reason", "tool_calls", "request_bytes", "response_bytes", "payload",
            "cache_write_1h_tokens", "audio_input_tokens", "audio_output_tokens", "image_input_tokens", "service_tier",
            "priced_model");

    private CsvRecords() {
    }

    /** Writes the header line. */
    public static void header(Writer out) throws IOException {
        line(out, COLUMNS);
    }

    /** Writes one record as one line. */
    public static void record(Writer out, CallRecord r) throws IOException {
        List<String> cells = new ArrayList<>(COLUMNS.size());
        cells.add(r.id());
        cells.add(Json.INSTANT_FORMAT.format(r.startedAt()));
        cells.add(text(r.durationMs()));
        cells.add(text(r.ttftMs()));
        cells.add(text(r.upstreamMs()));
        cells.add(r.traceId());
        cells.add(r.clientRequestId());
        cells.add(r.keyId());
        cells.add(r.keyName());
        cells.add(r.keyPrefix());
        cells.add(r.user());
        cells.add(r.tags().isEmpty() ? null : json(r.tags()));
        cells.add(r.clientIp());
        cells.add(r.userAgent());
        cells.add(wire(r.operation()));
        cells.add(r.endpoint());
        cells.add(wire(r.protocol()));
        cells.add(text(r.stream()));
        cells.add(r.model());
        cells.add(r.servedModel());
        cells.add(r.provider());
        cells.add(text(r.attempts()));
        cells.add(wire(r.status()));
        cells.add(text(r.httpStatus()));
        cells.add(r.errorCode());
        cells.add(r.errorMessage());
        cells.add(text(r.inputTokens()));
        cells.add(text(r.cachedInputTokens()));
        cells.add(text(r.cacheWriteTokens()));
        cells.add(text(r.outputTokens()));
        cells.add(text(r.reasoningTokens()));
        cells.add(wire(r.usageSource()));
        cells.add(text(r.costMicros()));
        cells.add(r.priceId());
        cells.add(r.finishReason());
        cells.add(r.toolCalls().isEmpty() ? null : json(r.toolCalls()));
        cells.add(text(r.requestBytes()));
        cells.add(text(r.responseBytes()));
        cells.add(wire(r.payload()));
        cells.add(text(r.cacheWrite1hTokens()));
        cells.add(text(r.audioInputTokens()));
        cells.add(text(r.audioOutputTokens()));
        cells.add(text(r.imageInputTokens()));
        cells.add(r.serviceTier());
        cells.add(r.pricedModel());
        line(out, cells);
    }

    /**
     * One cell as written: neutralised when it would start a formula, then quoted when needed.
     * Null is an empty cell.
     */
    public static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String v = value;
        char first = v.charAt(0);
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            v = "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    private static void line(Writer out, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(cell(cells.get(i)));
        }
        out.write("\r\n");
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static String wire(Enum<?> value) {
        return value == null ? null : Json.wire(value);
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tags or tool calls cannot be encoded", e);
        }
    }
}
