package dev.tally.gateway.proxy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.gateway.json.ClientJson;
import java.io.IOException;

/**
 * A client's JSON body, checked just enough to route it and to record it truthfully: a JSON
 * object with a string {@code model}, a boolean {@code stream}, an object {@code stream_options}
 * and a string {@code user} when present. Everything else is the provider's to judge and is
 * passed through untouched, except the model name (replaced by the upstream name) and, for an
 * OpenAI stream without {@code stream_options.include_usage}, that option (added so the gateway
 * learns the usage; {@link #usageChunkHidden()} then tells the tee to hide the extra chunk).
 * Immutable after parsing; thread-confined.
 *
 * @param endpoint the route it came in on
 * @param body the parsed object
 * @param model the requested public model
 * @param stream whether the client asked for a stream
 * @param user the OpenAI {@code user} field (or Anthropic {@code metadata.user_id}), or null
 * @param requestBytes size of the body as received
 * @param raw the body as received (sent upstream as is when nothing in it needs changing)
 */
public record ClientRequest(Endpoint endpoint, ObjectNode body, String model, boolean stream, String user, long requestBytes,
        byte[] raw) {

    /**
     * Duplicate keys are refused: the raw body may be forwarded as is, and a provider that read
     * the first {@code "model"} where the gateway read the last would serve a model the key's
     * scope and the price never saw.
     */
    private static final ObjectMapper MAPPER = ClientJson.newMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Bad client input, with the field, bad value and expectation in the message. */
    public static final class Invalid extends Exception {
        private final String param;
        private final ErrorCode code;

        Invalid(String param, String message) {
            this(ErrorCode.INVALID_REQUEST, param, message);
        }

        Invalid(ErrorCode code, String param, String message) {
            super(message, null, false, false);
            this.code = code;
            this.param = param;
        }

        /** {@code invalid_json} when the body is not one JSON value within the limits, else {@code invalid_request}. */
        public ErrorCode code() {
            return code;
        }

        /** The offending field, or null for the body as a whole. */
        public String param() {
            return param;
        }
    }

    /** Parses and checks {@code raw}. */
    public static ClientRequest parse(Endpoint endpoint, byte[] raw) throws Invalid {
        JsonNode tree;
        try {
            tree = raw.length == 0 ? null : MAPPER.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new Invalid(ErrorCode.INVALID_JSON, null, "body: " + ClientJson.problem(e, "a JSON object"));
        } catch (IOException e) {
            throw new Invalid(ErrorCode.INVALID_JSON, null, "body: unreadable (expected: a JSON object)");
        }
        if (tree == null || !tree.isObject()) {
            throw new Invalid(null, "body: " + (tree == null ? "empty" : "a JSON " + tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT))
                    + " (expected: a JSON object)");
        }
        ObjectNode body = (ObjectNode) tree;
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw new Invalid("model", "model: missing (expected: a model name string)");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw new Invalid("model", "model: " + clip(model) + " (expected: a non-empty string)");
        }
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw new Invalid("stream", "stream: " + clip(stream) + " (expected: true or false)");
        }
        boolean streamed = stream != null && stream.asBoolean(false);
        if (streamed && !endpoint.streams()) {
            throw new Invalid("stream", "stream: true (expected: false or absent; " + endpoint.path() + " does not stream)");
        }
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull() && !options.isObject()) {
            throw new Invalid("stream_options", "stream_options: " + clip(options) + " (expected: an object)");
        }
        JsonNode user = endpoint == Endpoint.MESSAGE ? body.path("metadata").get("user_id") : body.get("user");
        if (user != null && !user.isNull() && !user.isTextual()) {
            throw new Invalid("user", (endpoint == Endpoint.MESSAGE ? "metadata.user_id: " : "user: ") + clip(user)
                    + " (expected: a string)");
        }
        if (user != null && user.isTextual() && user.asText().length() > Envelope.MAX_USER) {
            throw new Invalid("user", (endpoint == Endpoint.MESSAGE ? "metadata.user_id: " : "user: ") + clip(user) + " is "
                    + user.asText().length() + " characters (expected: at most " + Envelope.MAX_USER + ")");
        }
        return new ClientRequest(endpoint, body, model.asText(), streamed, user == null || user.isNull() ? null : user.asText(), raw.length,
                raw);
    }

    /**
     * The {@code service_tier} the client asked for (OpenAI: {@code auto}, {@code default},
     * {@code flex}, {@code priority}; Anthropic: {@code auto}, {@code standard_only}), or null when
     * absent or not a short string. It prices the call only when the answer does not say the tier
     * it was served at.
     */
    public String serviceTier() {
        JsonNode tier = body.get("service_tier");
        return tier != null && tier.isTextual() && !tier.asText().isBlank() && tier.asText().length() <= 64
                && tier.asText().chars().noneMatch(Character::isISOControl) ? tier.asText() : null;
    }

    /** Whether the gateway adds {@code include_usage} the client did not ask for. */
    public boolean usageChunkHidden() {
        return stream && (endpoint == Endpoint.CHAT || endpoint == Endpoint.COMPLETION)
                && !body.path("stream_options").path("include_usage").asBoolean(false);
    }

    /**
     * The body to send upstream for {@code upstreamModel}: the client's own bytes when the model
     * name stays and no option is added (no parse tree written back on the hot path), otherwise
     * the parsed body re-written with the changes.
     */
    public byte[] upstreamBody(String upstreamModel) {
        if (upstreamModel.equals(model) && !usageChunkHidden()) {
            return raw;
        }
        ObjectNode copy = body.deepCopy();
        copy.put("model", upstreamModel);
        if (usageChunkHidden()) {
            JsonNode options = copy.get("stream_options");
            ObjectNode o = options instanceof ObjectNode existing ? existing : copy.putObject("stream_options");
            o.put("include_usage", true);
        }
        try {
            return MAPPER.writeValueAsBytes(copy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: re-writing a parsed tree", e);
        }
    }

    private static String clip(JsonNode value) {
        String text = value.toString();
        return text.length() > 43 ? text.substring(0, 40) + "..." : text;
    }
}
