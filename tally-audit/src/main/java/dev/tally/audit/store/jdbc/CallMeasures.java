package dev.tally.audit.store.jdbc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tally.audit.json.Json;
import java.io.IOException;

/**
 * The measures of a call record read straight from its canonical bytes, for the raw rows of a
 * usage report: token counts, cost, duration, ttft and optionally one tag's value. A streaming
 * parse that skips every other field costs a fraction of binding the whole
 * {@link dev.tally.audit.entry.CallRecord}, and the raw rows at the edges of every report are
 * read this way. Field names are those of the canonical JSON ({@code input_tokens} ...); an
 * absent field stays null, as unknown. Shared by both stores' usage reports (the JDBC core; not
 * API). Not thread-safe: one instance per read, reused per row.
 */
public final class CallMeasures {

    public Long inputTokens;
    public Long cachedInputTokens;
    public Long cacheWriteTokens;
    public Long outputTokens;
    public Long reasoningTokens;
    public Long costMicros;
    public Long durationMs;
    public Long ttftMs;
    public String tagValue;

    /**
     * Reads {@code body}, a call record's canonical bytes.
     *
     * @param tagName the tag whose value to read into {@link #tagValue}, or null for none
     */
    public void read(byte[] body, String tagName) {
        inputTokens = null;
        cachedInputTokens = null;
        cacheWriteTokens = null;
        outputTokens = null;
        reasoningTokens = null;
        costMicros = null;
        durationMs = null;
        ttftMs = null;
        tagValue = null;
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("call body: not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "input_tokens" -> inputTokens = p.getLongValue();
                    case "cached_input_tokens" -> cachedInputTokens = p.getLongValue();
                    case "cache_write_tokens" -> cacheWriteTokens = p.getLongValue();
                    case "output_tokens" -> outputTokens = p.getLongValue();
                    case "reasoning_tokens" -> reasoningTokens = p.getLongValue();
                    case "cost_micros" -> costMicros = p.getLongValue();
                    case "duration_ms" -> durationMs = p.getLongValue();
                    case "ttft_ms" -> ttftMs = p.getLongValue();
                    case "tags" -> readTag(p, tagName);
                    default -> {
                        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                            p.skipChildren();
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("call body: unreadable JSON: " + e.getMessage(), e);
        }
    }

    private void readTag(JsonParser p, String tagName) throws IOException {
        if (tagName == null) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals(tagName)) {
                tagValue = p.getText();
            }
        }
    }
}
