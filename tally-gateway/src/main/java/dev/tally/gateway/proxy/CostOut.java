package dev.tally.gateway.proxy;

import dev.tally.audit.pricing.Cost;
import dev.tally.audit.pricing.TokenUsage;
import dev.tally.gateway.keys.KeySettings;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * What one call tells its client about its cost (docs/spend.md, "Cost back to the client"): the
 * {@code x-tally-cost-usd} header of a complete answer, the {@code : tally {…}} comment line of a
 * stream, and, when the client sent {@code x-tally-include-cost: body}, {@code usage.cost} in the
 * answer itself. The price comes from the one pricing function the record's cost comes from, so
 * the client is told exactly the record's {@code cost_micros}. A key whose {@code return_cost} is
 * off gets none of it. Not thread-safe: one per call, used by the call's thread.
 */
final class CostOut {

    static final HeaderName COST_USD = HeaderNames.create("x-tally-cost-usd");
    static final HeaderName RECORD_ID = HeaderNames.create("x-tally-record-id");
    static final HeaderName INCLUDE_COST = HeaderNames.create("x-tally-include-cost");
    /** The only value {@code x-tally-include-cost} takes. */
    static final String IN_BODY = "body";

    private final boolean on;
    private final boolean inBody;
    private final String recordId;
    private final Function<TokenUsage, Cost> pricing;

    private CostOut(boolean on, boolean inBody, String recordId, Function<TokenUsage, Cost> pricing) {
        this.on = on;
        this.inBody = inBody;
        this.recordId = recordId;
        this.pricing = pricing;
    }

    /**
     * The cost output of {@code call}.
     *
     * @param pricing the record's pricing: the cost of a usage, or null when unpriced
     */
    static CostOut of(Call call, ServerRequest req, Function<TokenUsage, Cost> pricing) {
        boolean on = KeySettings.returnsCost(call.key());
        boolean inBody = on && req.headers().first(INCLUDE_COST).map(v -> IN_BODY.equalsIgnoreCase(v.strip())).orElse(false);
        return new CostOut(on, inBody, call.meta().id(), pricing);
    }

    /** Prices {@code usage} as the record will: null when the usage is unknown or the model unpriced. */
    Cost price(TokenUsage usage) {
        return usage == null ? null : pricing.apply(usage);
    }

    /** Whether the client is told the cost at all (the key's {@code return_cost}). */
    boolean on() {
        return on;
    }

    /** Whether {@code usage.cost} goes into the answer's body. */
    boolean inBody() {
        return inBody;
    }

    /** Sets {@code x-tally-cost-usd} on a complete answer when the call is priced. */
    void header(ServerResponse res, Cost cost) {
        if (on && cost != null) {
            res.header(COST_USD, usd(cost.micros()));
        }
    }

    /**
     * The stream's closing comment line (and the blank line that ends it):
     * {@code : tally {"record_id":…,"cost_usd":"0.0187"|null,"usage":{…}}}. Only known token
     * counts are in {@code usage}. Comment lines are ignored by every SSE parser, the SDKs' included.
     */
    byte[] comment(TokenUsage usage, Cost cost) {
        StringBuilder line = new StringBuilder(160).append(": tally {\"record_id\":\"").append(recordId)
                .append("\",\"cost_usd\":");
        if (cost == null) {
            line.append("null");
        } else {
            line.append('"').append(usd(cost.micros())).append('"');
        }
        line.append(",\"usage\":{");
        if (usage != null) {
            int start = line.length();
            count(line, start, "input_tokens", usage.input());
            count(line, start, "cached_input_tokens", usage.cachedInput());
            count(line, start, "cache_write_tokens", usage.cacheWrite());
            count(line, start, "output_tokens", usage.output());
            count(line, start, "reasoning_tokens", usage.reasoning());
        }
        return line.append("}}\n\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code json} with {@code usage.cost} added at {@code path}, or unchanged when unpriced or it has no usage. */
    byte[] withCost(byte[] json, Cost cost, String... path) {
        if (!inBody || cost == null) {
            return json;
        }
        byte[] edited = UsageCost.insert(json, usd(cost.micros()), path);
        return edited != null ? edited : json;
    }

    private static void count(StringBuilder line, int start, String name, Long value) {
        if (value != null) {
            if (line.length() > start) {
                line.append(',');
            }
            line.append('"').append(name).append("\":").append(value.longValue());
        }
    }

    /**
     * Micro-USD as an exact decimal string of USD without trailing zeros: 18700 is {@code 0.0187},
     * 2500000 is {@code 2.5}, 0 is {@code 0}. Also a valid JSON number.
     */
    static String usd(long micros) {
        long whole = micros / 1_000_000;
        long fraction = micros % 1_000_000;
        if (fraction == 0) {
            return Long.toString(whole);
        }
        StringBuilder out = new StringBuilder(20).append(whole).append('.');
        String digits = Long.toString(fraction);
        out.append("000000", 0, 6 - digits.length()).append(digits);
        int end = out.length();
        while (out.charAt(end - 1) == '0') {
            end--;
        }
        out.setLength(end);
        return out.toString();
    }
}
