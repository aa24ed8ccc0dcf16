package dev.tally.cli.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.UsageSource;
import dev.tally.audit.id.IdSource;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One line of a relay's call log turned into a {@link CallRecord}, or the reason it cannot be.
 *
 * <p>The format: one JSON object per line, the fields simple relays keep.
 * <pre>
 * ts               epoch milliseconds when the call started (required)  → started_at
 * status           success | error | refused | cancelled (required)     → status
 * model            the model asked for                                  → model
 * backend          the upstream that served it                          → provider
 * duration_ms      total time                                           → duration_ms
 * input_tokens     all input                                            → input_tokens
 * output_tokens    output (see below)                                   → output_tokens
 * thinking_tokens  reasoning ("thinking") output                        → reasoning_tokens
 * cost_usd         the relay's cost in dollars                          → cost_micros (exact; rounded half-even
 *                                                                         to the micro-dollar beyond 6 decimals)
 * install_id       the installation that made the call                  → user
 * error            the error text (a string, or an object's message)    → error_message
 * anything else    tier, pipeline, job_id, …                            → tags, by field name (text, numbers
 *                                                                         and booleans as text, objects as JSON)
 * </pre>
 *
 * <p>Thinking tokens: Tally counts output as the OpenTelemetry GenAI conventions do, reasoning
 * included, with {@code reasoning_tokens} a part of it. Relays that log thinking in its own field
 * mostly log it beside the visible output (as Gemini reports it), so by default
 * {@code output_tokens = output_tokens + thinking_tokens}. For a relay whose {@code output_tokens}
 * already includes thinking (as OpenAI and Anthropic report it), {@code --output-includes-thinking}
 * keeps {@code output_tokens} as it is and rejects a line whose thinking exceeds its output.
 *
 * <p>Token counts from the relay are marked {@code usage_source: reported}; a line without any
 * is {@code unknown}. No {@code price_id} is set: the cost is the relay's, not Tally's price
 * table's. The record's id is a new UUIDv7 whose time is the call's {@code ts}, so records sort by
 * when they happened. Stateless apart from the id source; not thread-safe.
 */
final class RelayLine {

    /** The tag every imported record carries, with the imported file's name as its value. */
    static final String IMPORT_TAG = "imported_from";

    /** Epoch ms before this (1973) are almost certainly seconds, not milliseconds. */
    private static final long MIN_MILLIS = 100_000_000_000L;
    /** A tag value longer than this is cut, as the gateway cuts header values. */
    static final int MAX_TAG_LENGTH = 1024;

    private static final Set<String> MAPPED = Set.of("ts", "status", "model", "backend", "duration_ms",
            "input_tokens", "output_tokens", "thinking_tokens", "cost_usd", "install_id", "error");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** What became of one line. */
    sealed interface Result {
    }

    /** The line became this record. */
    record Parsed(CallRecord record) implements Result {
    }

    /** The line is bad, for this reason (naming the field, its value and what is expected). */
    record Bad(String reason) implements Result {
    }

    private final IdSource ids;
    private final boolean outputIncludesThinking;
    private final String source;
    private final Instant latest;

    /**
     * @param ids makes the records' ids, from their own times
     * @param outputIncludesThinking whether the log's output_tokens already include thinking_tokens
     * @param source the imported file's name, the value of the {@value #IMPORT_TAG} tag
     * @param latest the latest acceptable call time (a line from the future is a mistake)
     */
    RelayLine(IdSource ids, boolean outputIncludesThinking, String source, Instant latest) {
        this.ids = ids;
        this.outputIncludesThinking = outputIncludesThinking;
        this.source = source;
        this.latest = latest;
    }

    Result parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return new Bad("not JSON (" + e.getOriginalMessage() + "; expected: one JSON object per line)");
        } catch (IOException e) {
            return new Bad("unreadable (" + e.getMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            return new Bad("a JSON " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT))
                    + " (expected: one JSON object per line)");
        }
        try {
            return new Parsed(record(node));
        } catch (IllegalArgumentException e) {
            return new Bad(e.getMessage());
        }
    }

    private CallRecord record(JsonNode n) {
        Instant at = startedAt(n.get("ts"));
        CallRecord.Builder b = CallRecord.builder().id(ids.nextAt(at)).startedAt(at).status(status(n.get("status")));
        b.model(text(n, "model"));
        b.provider(text(n, "backend"));
        b.user(text(n, "install_id"));
        b.errorMessage(error(n.get("error")));
        b.durationMs(millis(n, "duration_ms"));
        Long input = count(n, "input_tokens");
        Long output = count(n, "output_tokens");
        Long thinking = count(n, "thinking_tokens");
        if (thinking != null && output != null) {
            if (outputIncludesThinking) {
                if (thinking > output) {
                    throw new IllegalArgumentException("thinking_tokens: " + thinking + " (expected: at most output_tokens "
                            + output + ", which --output-includes-thinking says includes it)");
                }
            } else {
                output = Math.addExact(output, thinking);
            }
        }
        b.inputTokens(input).outputTokens(output).reasoningTokens(thinking);
        b.usageSource(input == null && output == null && thinking == null ? UsageSource.UNKNOWN : UsageSource.REPORTED);
        b.costMicros(cost(n.get("cost_usd")));
        Map<String, String> tags = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = n.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (!MAPPED.contains(f.getKey()) && !f.getValue().isNull() && !f.getKey().isEmpty()) {
                String value = f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString();
                tags.put(f.getKey(), value.length() > MAX_TAG_LENGTH ? value.substring(0, MAX_TAG_LENGTH) : value);
            }
        }
        tags.put(IMPORT_TAG, source);
        b.tags(tags);
        return b.build();
    }

    private Instant startedAt(JsonNode ts) {
        if (ts == null || ts.isNull()) {
            throw new IllegalArgumentException("ts: missing (expected: epoch milliseconds when the call started)");
        }
        if (!ts.isIntegralNumber() || !ts.canConvertToLong()) {
            throw new IllegalArgumentException("ts: " + ts + " (expected: epoch milliseconds as an integer, e.g. 1772445600000)");
        }
        long ms = ts.asLong();
        if (ms < MIN_MILLIS) {
            throw new IllegalArgumentException("ts: " + ms + " (expected: epoch milliseconds; this looks like seconds or is before 1973)");
        }
        Instant at = Instant.ofEpochMilli(ms);
        if (at.isAfter(latest)) {
            throw new IllegalArgumentException("ts: " + ms + " is " + at + ", in the future (expected: a past call's time)");
        }
        return at;
    }

    private static CallStatus status(JsonNode status) {
        if (status == null || status.isNull()) {
            throw new IllegalArgumentException("status: missing (expected: success, error, refused or cancelled)");
        }
        return switch (status.isTextual() ? status.asText() : "") {
            case "success" -> CallStatus.SUCCESS;
            case "error" -> CallStatus.ERROR;
            case "refused" -> CallStatus.REFUSED;
            case "cancelled" -> CallStatus.CANCELLED;
            default -> throw new IllegalArgumentException("status: " + status + " (expected: success, error, refused or cancelled)");
        };
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode() || v.asText().isEmpty()) {
            throw new IllegalArgumentException(field + ": " + v + " (expected: a non-empty string)");
        }
        return v.asText();
    }

    private static String error(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isObject() && v.hasNonNull("message")) {
            return v.get("message").asText();
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    /** A non-negative integer count. */
    private static Long count(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new IllegalArgumentException(field + ": " + v + " (expected: a whole number >= 0)");
        }
        return v.asLong();
    }

    /** Non-negative milliseconds; a fraction (some relays log 812.4) is rounded to the millisecond. */
    private static Long millis(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.decimalValue().signum() < 0 || v.decimalValue().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(field + ": " + v + " (expected: milliseconds, a number >= 0)");
        }
        return v.decimalValue().setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Dollars to exact micro-dollars; beyond six decimals rounded half-even once, as Tally prices are. */
    private static Long cost(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        BigDecimal usd;
        try {
            usd = v.isNumber() ? v.decimalValue() : v.isTextual() ? new BigDecimal(v.asText().strip()) : null;
        } catch (NumberFormatException e) {
            usd = null;
        }
        if (usd == null || usd.signum() < 0 || usd.compareTo(BigDecimal.valueOf(9_000_000_000_000L)) > 0) {
            throw new IllegalArgumentException("cost_usd: " + v + " (expected: dollars, a number >= 0, e.g. 0.00123)");
        }
        return usd.movePointRight(6).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }
}
