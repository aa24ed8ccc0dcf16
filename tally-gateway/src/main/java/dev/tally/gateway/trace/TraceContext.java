package dev.tally.gateway.trace;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * The W3C Trace Context of one call (https://www.w3.org/TR/trace-context/): the trace it belongs
 * to, the client's span it continues (if any), and the gateway's own span for the call.
 *
 * <p>A valid incoming {@code traceparent} is continued: same trace id, its span as parent, its
 * sampled flag kept. A missing or malformed one (wrong form, version {@code ff}, an all-zero
 * trace or parent id) starts a new trace with a random trace id, sampled. The gateway's span id is
 * the last 16 hex digits of the record id (its random bits), so the span sent upstream as parent
 * and the exported span are the same and can be found from the record. The upstream request
 * carries {@link #upstreamTraceparent()}: the trace id and the gateway's span as parent, so the
 * provider's spans are children of the gateway's. Immutable, thread-safe.
 *
 * @param traceId 32 lower-case hex digits, never all zero
 * @param parentSpanId the client's span (16 hex digits), or null when this call started the trace
 * @param spanId the gateway's span for this call (16 hex digits)
 * @param sampled the W3C sampled flag passed on
 * @param traceState the client's {@code tracestate}, passed on unchanged when well-formed, or null
 */
public record TraceContext(String traceId, String parentSpanId, String spanId, boolean sampled, String traceState) {

    private static final Pattern VERSION_00 = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    /** A later version: the first four fields as in 00, then optionally more after a dash. */
    private static final Pattern LATER_VERSION = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    /** The spec's limit is 32 list members; 512 characters is what vendors are asked to pass on. */
    private static final int MAX_TRACE_STATE = 512;
    private static final Pattern TRACE_STATE = Pattern.compile("[\\x20-\\x7e]{1,512}");

    public TraceContext {
        requireHex("trace_id", traceId, 32);
        if (parentSpanId != null) {
            requireHex("parent_span_id", parentSpanId, 16);
        }
        requireHex("span_id", spanId, 16);
    }

    /**
     * The context of a call with record id {@code recordId} whose request carried
     * {@code traceparent} and {@code tracestate} (either may be null).
     *
     * @param random makes the trace id of a new trace
     */
    public static TraceContext of(String traceparent, String tracestate, String recordId, RandomGenerator random) {
        Objects.requireNonNull(recordId, "recordId");
        String spanId = spanIdOf(recordId);
        String[] parent = parse(traceparent);
        if (parent == null) {
            return new TraceContext(newTraceId(random), null, spanId, true, null);
        }
        int flags = Integer.parseInt(parent[2], 16);
        return new TraceContext(parent[0], parent[1], spanId, (flags & 1) == 1, cleanState(tracestate));
    }

    /** Whether this call continues a client's trace (rather than starting one). */
    public boolean continued() {
        return parentSpanId != null;
    }

    /** The {@code traceparent} sent upstream: this trace, the gateway's span as parent. */
    public String upstreamTraceparent() {
        return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
    }

    /** {trace id, parent id, flags} of a valid {@code traceparent}, else null. */
    private static String[] parse(String header) {
        if (header == null || header.length() > 512) {
            return null;
        }
        String text = header.strip();
        String traceId;
        String parentId;
        String flags;
        var v0 = VERSION_00.matcher(text);
        if (v0.matches()) {
            traceId = v0.group(1);
            parentId = v0.group(2);
            flags = v0.group(3);
        } else {
            // A version this code does not know is read as 00 when its first fields fit (the
            // spec's forward compatibility rule); ff is forbidden and 00 must be exact.
            var later = LATER_VERSION.matcher(text);
            if (!later.matches() || "00".equals(later.group(1)) || "ff".equals(later.group(1))) {
                return null;
            }
            traceId = later.group(2);
            parentId = later.group(3);
            flags = later.group(4);
        }
        if (allZero(traceId) || allZero(parentId)) {
            return null;
        }
        return new String[] {traceId, parentId, flags};
    }

    private static String cleanState(String tracestate) {
        if (tracestate == null) {
            return null;
        }
        String text = tracestate.strip();
        return text.length() <= MAX_TRACE_STATE && TRACE_STATE.matcher(text).matches() ? text : null;
    }

    /** The gateway's span id: the record id's last 64 bits (random in a UUIDv7). */
    static String spanIdOf(String recordId) {
        String hex = recordId.replace("-", "").toLowerCase(Locale.ROOT);
        if (hex.length() != 32 || !lowerHex(hex)) {
            throw new IllegalArgumentException("record id: '" + recordId + "' (expected: a UUID)");
        }
        String spanId = hex.substring(16);
        return allZero(spanId) ? "0000000000000001" : spanId;
    }

    private static String newTraceId(RandomGenerator random) {
        long high;
        long low;
        do {
            high = random.nextLong();
            low = random.nextLong();
        } while (high == 0 && low == 0);
        return HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
    }

    // Plain loops rather than a regex or a stream: these run several times on every call.
    private static boolean allZero(String hex) {
        for (int i = 0; i < hex.length(); i++) {
            if (hex.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static boolean lowerHex(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    private static void requireHex(String field, String value, int length) {
        if (value == null || value.length() != length || !lowerHex(value) || allZero(value)) {
            throw new IllegalArgumentException(field + ": '" + value + "' (expected: " + length
                    + " lower-case hex digits, not all zero)");
        }
    }
}
