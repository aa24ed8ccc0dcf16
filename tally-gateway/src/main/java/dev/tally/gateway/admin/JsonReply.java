package dev.tally.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.entry.Protocol;
import dev.tally.gateway.json.GatewayJson;
import dev.tally.gateway.proxy.ErrorBody;
import dev.tally.gateway.proxy.ErrorCode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/**
 * Writes complete JSON answers of the admin API. Response trees are built with a plain mapper
 * (explicit nulls kept, so clients always find every documented member); entries themselves are
 * written in their canonical form by the handlers. Errors use the OpenAI error shape
 * {@code {"error":{"message","type","param","code"}}}. Stateless, thread-safe.
 */
final class JsonReply {

    /** For response trees: keeps nulls, no reordering. */
    static final ObjectMapper MAPPER = GatewayJson.newMapper();

    private JsonReply() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Sends {@code body} with {@code status}; returns once written. */
    static void send(ServerResponse res, int status, JsonNode body) {
        try {
            send(res, status, MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response tree cannot be encoded", e);
        }
    }

    /** Sends JSON bytes with {@code status}; returns once written. */
    static void send(ServerResponse res, int status, byte[] body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(body);
    }

    /** Sends an error body. */
    static void error(ServerResponse res, ErrorCode code, String message, String param) {
        send(res, code.httpStatus(), ErrorBody.json(Protocol.OPENAI, code, message, param));
    }
}
