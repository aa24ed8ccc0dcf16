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
 *
 * <p>A body is read once, with a streaming parser and no tree ({@link RequestScan}): every token is read (so the JSON
 * is checked whole, duplicate keys and the {@link ClientJson} limits included), the few fields
 * above are kept, all else is skipped. The tree is built only when something asks for
 * {@link #body()} (a token estimate, a model name or option written back). A body the streaming
 * read does not accept as it is (not an object, a field of the wrong type, bad JSON) is parsed
 * again as a tree, which finds the fault and words it: one code decides what is wrong, and the
 * wording does not depend on which read met it first. Thread-confined (the tree is cached unguarded).
 */
public final class ClientRequest {

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

    private final Endpoint endpoint;
    private final String model;
    private final boolean stream;
    private final String user;
    private final String serviceTier;
    private final boolean includeUsage;
    private final byte[] raw;
    private ObjectNode body; // built on first use, see body()

    private ClientRequest(Endpoint endpoint, ObjectNode body, String model, boolean stream, String user, String serviceTier,
            boolean includeUsage, byte[] raw) {
        this.endpoint = endpoint;
        this.body = body;
        this.model = model;
        this.stream = stream;
        this.user = user;
        this.serviceTier = serviceTier;
        this.includeUsage = includeUsage;
        this.raw = raw;
    }

    /** Parses and checks {@code raw}. */
    public static ClientRequest parse(Endpoint endpoint, byte[] raw) throws Invalid {
        ClientRequest scanned = RequestScan.scan(MAPPER, endpoint, raw);
        return scanned != null ? scanned : parseTree(endpoint, raw);
    }

    /** What {@link RequestScan} found in a body it accepted. */
    static ClientRequest scanned(Endpoint endpoint, String model, boolean stream, String user, String serviceTier,
            boolean includeUsage, byte[] raw) {
        return new ClientRequest(endpoint, null, model, stream, user, serviceTier, includeUsage, raw);
    }

    /** Parses and checks {@code raw} through a tree: words what is wrong with a body the scan did not accept. */
    static ClientRequest parseTree(Endpoint endpoint, byte[] raw) throws Invalid {
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
        return new ClientRequest(endpoint, body, model.asText(), streamed, user == null || user.isNull() ? null : user.asText(),
                serviceTier(body.get("service_tier")), body.path("stream_options").path("include_usage").asBoolean(false), raw);
    }

    /** The route it came in on. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** The parsed object (built from {@link #raw()} on first use). */
    public ObjectNode body() {
        if (body == null) {
            try {
                body = (ObjectNode) MAPPER.readTree(raw);
            } catch (IOException e) {
                throw new IllegalStateException("cannot happen: re-reading a body already checked", e);
            }
        }
        return body;
    }

    /** The requested public model. */
    public String model() {
        return model;
    }

    /** Whether the client asked for a stream. */
    public boolean stream() {
        return stream;
    }

    /** The OpenAI {@code user} field (or Anthropic {@code metadata.user_id}), or null. */
    public String user() {
        return user;
    }

    /** Size of the body as received. */
    public long requestBytes() {
        return raw.length;
    }

    /** The body as received (sent upstream as is when nothing in it needs changing). */
    public byte[] raw() {
        return raw;
    }

    /**
     * The {@code service_tier} the client asked for (OpenAI: {@code auto}, {@code default},
     * {@code flex}, {@code priority}; Anthropic: {@code auto}, {@code standard_only}), or null when
     * absent or not a short string. It prices the call only when the answer does not say the tier
     * it was served at.
     */
    public String serviceTier() {
        return serviceTier;
    }

    private static String serviceTier(JsonNode tier) {
        return tier != null && tier.isTextual() ? serviceTier(tier.asText()) : null;
    }

    /** {@code text} as a service tier: a short string without control characters, else null. */
    static String serviceTier(String text) {
        return !text.isBlank() && text.length() <= 64 && text.chars().noneMatch(Character::isISOControl) ? text : null;
    }

    /** Whether the gateway adds {@code include_usage} the client did not ask for. */
    public boolean usageChunkHidden() {
        return stream && (endpoint == Endpoint.CHAT || endpoint == Endpoint.COMPLETION) && !includeUsage;
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
        ObjectNode copy = body().deepCopy();
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
