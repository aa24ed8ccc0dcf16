package dev.tally.gateway.proxy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Reads a client's body in one pass with a streaming parser, without a tree: the top-level
 * {@code model}, {@code stream}, {@code user}, {@code service_tier} and
 * {@code stream_options.include_usage} (for Anthropic, {@code metadata.user_id}); every other
 * value is read token by token and dropped. Every token of the body is read, so what the parser
 * refuses (bad syntax, a duplicate key at any depth, a limit passed, data after the value) is
 * refused here as it is by a tree parse with the same mapper. One limit is not checked on what is
 * skipped: a string's length, which the parser measures only when it reads the text; no string
 * can pass {@link dev.tally.gateway.json.ClientJson#MAX_STRING_LENGTH} characters within the
 * 32 MiB a body may have.
 *
 * <p>It only accepts: a body it would have to refuse, or whose fields are not of the plain types
 * (a model that is not a non-empty string, a stream flag that is not a boolean, a user that is
 * not a short string, an {@code include_usage} that is not a boolean), gets {@code null}, and
 * {@link ClientRequest#parseTree} then parses it as a tree and words the error, so the messages
 * a client sees come from one place. Stateless.
 */
final class RequestScan {

    private RequestScan() {
    }

    /** The request read from {@code raw}, or null when the tree parse must decide (and word) what is wrong. */
    static ClientRequest scan(ObjectMapper mapper, Endpoint endpoint, byte[] raw) {
        if (raw.length == 0) {
            return null;
        }
        try (JsonParser p = mapper.createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String model = null;
            boolean stream = false;
            String user = null;
            String tier = null;
            boolean includeUsage = false;
            boolean anthropic = endpoint == Endpoint.MESSAGE;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "model" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        model = p.getText();
                    }
                    case "stream" -> {
                        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
                            return null;
                        }
                        stream = value == JsonToken.VALUE_TRUE;
                    }
                    case "stream_options" -> {
                        if (value == JsonToken.START_OBJECT) {
                            Boolean usage = includeUsage(p);
                            if (usage == null) {
                                return null;
                            }
                            includeUsage = usage;
                        } else if (value != JsonToken.VALUE_NULL) {
                            return null;
                        }
                    }
                    case "service_tier" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            tier = ClientRequest.serviceTier(p.getText());
                        } else {
                            skip(p, value);
                        }
                    }
                    case "user" -> {
                        if (anthropic) {
                            skip(p, value);
                        } else {
                            if (!isUser(value)) {
                                return null;
                            }
                            user = value == JsonToken.VALUE_NULL ? null : p.getText();
                        }
                    }
                    case "metadata" -> {
                        if (anthropic && value == JsonToken.START_OBJECT) {
                            user = null;
                            for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
                                boolean userId = "user_id".equals(p.currentName());
                                JsonToken v = p.nextToken();
                                if (userId) {
                                    if (!isUser(v)) {
                                        return null;
                                    }
                                    user = v == JsonToken.VALUE_NULL ? null : p.getText();
                                } else {
                                    skip(p, v);
                                }
                            }
                        } else {
                            skip(p, value);
                        }
                    }
                    default -> skip(p, value);
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null; // data after the object: the tree parse words it
            }
            if (model == null || model.isBlank() || stream && !endpoint.streams()
                    || user != null && user.length() > Envelope.MAX_USER) {
                return null;
            }
            return ClientRequest.scanned(endpoint, model, stream, user, tier, includeUsage, raw);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code stream_options.include_usage}, the parser at the options' start: false when absent or null, null when not a boolean. */
    private static Boolean includeUsage(JsonParser p) throws IOException {
        boolean include = false;
        for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
            boolean usage = "include_usage".equals(p.currentName());
            JsonToken v = p.nextToken();
            if (usage) {
                if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE && v != JsonToken.VALUE_NULL) {
                    return null;
                }
                include = v == JsonToken.VALUE_TRUE;
            } else {
                skip(p, v);
            }
        }
        return include;
    }

    private static boolean isUser(JsonToken value) {
        return value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NULL;
    }

    /** Reads past the value that starts with {@code value}, every token of it (so it is checked). */
    private static void skip(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
            p.skipChildren();
        }
    }
}
