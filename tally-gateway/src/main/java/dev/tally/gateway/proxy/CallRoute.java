package dev.tally.gateway.proxy;

import dev.tally.audit.entry.Operation;
import dev.tally.audit.entry.Protocol;
import java.util.Objects;

/**
 * What a call's record says about the route it came in on: the operation, the client's path
 * and the protocol its errors are written in. Every proxied {@link Endpoint} has one, and so
 * does {@code GET /v1/models} ({@link #MODELS}), which is not a proxied endpoint.
 *
 * @param operation the operation recorded
 * @param path the path the client called
 * @param protocol the protocol of the route's answers and errors
 */
public record CallRoute(Operation operation, String path, Protocol protocol) {

    /** {@code GET /v1/models}: the gateway's own list of models. */
    public static final CallRoute MODELS = new CallRoute(Operation.MODELS, "/v1/models", Protocol.OPENAI);

    public CallRoute {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(protocol, "protocol");
    }
}
