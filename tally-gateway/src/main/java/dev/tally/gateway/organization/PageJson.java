package dev.tally.gateway.organization;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.gateway.json.GatewayJson;
import java.math.BigDecimal;
import java.util.List;

/**
 * Writes an answer in the shape of OpenAI's {@code UsageResponse} (openai-openapi
 * {@code components.schemas}): {@code {"object":"page","data":[bucket...],"has_more","next_page"}},
 * each bucket {@code {"object":"bucket","start_time","end_time","results":[...]}}, each result an
 * {@code UsageCompletionsResult}, {@code UsageEmbeddingsResult} or {@code CostsResult} with every
 * property the schema lists, ungrouped ones null. Stateless, thread-safe.
 */
final class PageJson {

    static final ObjectMapper MAPPER = GatewayJson.newMapper();

    private PageJson() {
    }

    /** The answer for {@code buckets}; {@code nextPage} null on the last page. */
    static ObjectNode page(Report report, List<Bucket> buckets, String nextPage) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("object", "page");
        ArrayNode data = root.putArray("data");
        for (Bucket b : buckets) {
            ObjectNode bucket = data.addObject();
            bucket.put("object", "bucket");
            bucket.put("start_time", b.start());
            bucket.put("end_time", b.end());
            ArrayNode results = bucket.putArray("results");
            for (Bucket.Result r : b.results()) {
                results.add(switch (report) {
                    case COMPLETIONS -> completions(r);
                    case EMBEDDINGS -> embeddings(r);
                    case COSTS -> costs(r);
                });
            }
        }
        root.put("has_more", nextPage != null);
        root.put("next_page", nextPage);
        return root;
    }

    /**
     * Tally's rollups keep no modality, so every token is reported as text: the text fields
     * repeat the totals' uncached input, output and cached input, and the audio and image fields
     * are 0.
     */
    private static ObjectNode completions(Bucket.Result r) {
        Measures m = r.measures();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("object", Report.COMPLETIONS.resultObject());
        o.put("input_tokens", m.input());
        o.put("input_cached_tokens", m.cachedInput());
        o.put("input_cache_write_tokens", m.cacheWrite());
        o.put("input_uncached_tokens", m.uncachedInput());
        o.put("output_tokens", m.output());
        o.put("input_text_tokens", m.uncachedInput());
        o.put("output_text_tokens", m.output());
        o.put("input_cached_text_tokens", m.cachedInput());
        o.put("input_audio_tokens", 0L);
        o.put("input_cached_audio_tokens", 0L);
        o.put("output_audio_tokens", 0L);
        o.put("input_image_tokens", 0L);
        o.put("input_cached_image_tokens", 0L);
        o.put("output_image_tokens", 0L);
        o.put("num_model_requests", m.requests());
        text(o, r, Field.PROJECT);
        text(o, r, Field.USER);
        text(o, r, Field.API_KEY);
        text(o, r, Field.MODEL);
        if (r.group().containsKey(Field.BATCH)) {
            o.put("batch", false);
        } else {
            o.putNull("batch");
        }
        text(o, r, Field.SERVICE_TIER);
        return o;
    }

    private static ObjectNode embeddings(Bucket.Result r) {
        Measures m = r.measures();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("object", Report.EMBEDDINGS.resultObject());
        o.put("input_tokens", m.input());
        o.put("num_model_requests", m.requests());
        text(o, r, Field.PROJECT);
        text(o, r, Field.USER);
        text(o, r, Field.API_KEY);
        text(o, r, Field.MODEL);
        return o;
    }

    /**
     * The amount is the exact sum of micro-USD as a decimal number ({@code 0.06}, never
     * {@code 6E-2}). A line item is a model, whose calls mix token kinds, so {@code quantity} and
     * {@code quantity_unit} are null.
     */
    private static ObjectNode costs(Bucket.Result r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("object", Report.COSTS.resultObject());
        ObjectNode amount = o.putObject("amount");
        amount.put("value", usd(r.measures().costMicros()));
        amount.put("currency", "usd");
        text(o, r, Field.LINE_ITEM);
        text(o, r, Field.PROJECT);
        text(o, r, Field.API_KEY);
        o.putNull("quantity");
        o.putNull("quantity_unit");
        return o;
    }

    /**
     * Micro-USD as USD: without trailing zeros but with at least one decimal ({@code 0.0},
     * {@code 12.0}, {@code 0.06}), so the value is always a JSON number with a fraction, as in
     * OpenAI's answers, and never in exponent form (scales 1..6 print plainly).
     */
    static BigDecimal usd(long micros) {
        BigDecimal value = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return value.scale() < 1 ? value.setScale(1) : value;
    }

    private static void text(ObjectNode o, Bucket.Result r, Field f) {
        o.put(f.wire(), r.group().get(f));
    }
}
