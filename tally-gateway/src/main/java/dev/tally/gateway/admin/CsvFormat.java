package dev.tally.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Call records as CSV rows (RFC 4180): a header row of the records' snake_case field names, then
 * one row per record, fields separated by commas, rows ended by CRLF; a cell holding a comma, a
 * quote, CR or LF is quoted and its quotes doubled. Absent values are empty cells; times are
 * ISO-8601 UTC with milliseconds; {@code tags} is a JSON object and {@code tool_calls} a JSON
 * array (empty cell when there are none).
 *
 * <p>Formula injection: spreadsheet apps run a cell that starts with {@code = + - @}, tab or CR
 * as a formula, and record fields such as {@code user}, tags or error messages come from clients.
 * Every such cell gets a single quote ({@code '}) in front, which spreadsheets show as text
 * (the OWASP advice). Numbers the gateway writes are never negative, so no number is altered.
 * Stateless, thread-safe.
 */
final class CsvFormat {

    /** The columns, in order. */
    static final List<String> COLUMNS = List.of("id", "started_at", "duration_ms", "ttft_ms", "upstream_ms", "trace_id",
            "client_request_id", "key_id", "key_name", "key_prefix", "user", "tags", "client_ip", "user_agent",
            "operation", "endpoint", "protocol", "stream", "model", "served_model", "provider", "attempts", "status",
            "http_status", "error_code", "error_message", "input_tokens", "cached_input_tokens", "cache_write_tokens",
            "output_tokens", "reasoning_tokens", "usage_source", "cost_micros", "price_id", "finish_reason",
            "tool_calls", "request_bytes", "response_bytes", "payload",
            "cache_write_1h_tokens", "audio_input_tokens", "audio_output_tokens", "image_input_tokens", "service_tier",
            "priced_model");

    private CsvFormat() {
    }

    static String header() {
        return String.join(",", COLUMNS) + "\r\n";
    }

    /** One record as a CSV row, CRLF included. */
    static String row(CallRecord r) {
        List<Object> values = new ArrayList<>(COLUMNS.size());
        values.add(r.id());
        values.add(r.startedAt());
        values.add(r.durationMs());
        values.add(r.ttftMs());
        values.add(r.upstreamMs());
        values.add(r.traceId());
        values.add(r.clientRequestId());
        values.add(r.keyId());
        values.add(r.keyName());
        values.add(r.keyPrefix());
        values.add(r.user());
        values.add(r.tags().isEmpty() ? null : json(r.tags()));
        values.add(r.clientIp());
        values.add(r.userAgent());
        values.add(r.operation());
        values.add(r.endpoint());
        values.add(r.protocol());
        values.add(r.stream());
        values.add(r.model());
        values.add(r.servedModel());
        values.add(r.provider());
        values.add(r.attempts());
        values.add(r.status());
        values.add(r.httpStatus());
        values.add(r.errorCode());
        values.add(r.errorMessage());
        values.add(r.inputTokens());
        values.add(r.cachedInputTokens());
        values.add(r.cacheWriteTokens());
        values.add(r.outputTokens());
        values.add(r.reasoningTokens());
        values.add(r.usageSource());
        values.add(r.costMicros());
        values.add(r.priceId());
        values.add(r.finishReason());
        values.add(r.toolCalls().isEmpty() ? null : json(r.toolCalls()));
        values.add(r.requestBytes());
        values.add(r.responseBytes());
        values.add(r.payload());
        values.add(r.cacheWrite1hTokens());
        values.add(r.audioInputTokens());
        values.add(r.audioOutputTokens());
        values.add(r.imageInputTokens());
        values.add(r.serviceTier());
        values.add(r.pricedModel());
        StringBuilder line = new StringBuilder(512);
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(cell(text(values.get(i))));
        }
        return line.append("\r\n").toString();
    }

    /** One cell: defused against formulas, then quoted when RFC 4180 needs it. */
    static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        char first = value.charAt(0);
        String safe = first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + value : value;
        boolean quote = safe.indexOf(',') >= 0 || safe.indexOf('"') >= 0 || safe.indexOf('\r') >= 0
                || safe.indexOf('\n') >= 0;
        return quote ? '"' + safe.replace("\"", "\"\"") + '"' : safe;
    }

    private static String text(Object value) {
        return switch (value) {
            case null -> null;
            case Instant instant -> Json.INSTANT_FORMAT.format(instant);
            case Enum<?> e -> Json.wire(e);
            default -> value.toString();
        };
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tags and tool names are strings; they always encode", e);
        }
    }
}
