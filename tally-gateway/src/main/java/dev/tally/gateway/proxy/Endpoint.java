package dev.tally.gateway.proxy;

import dev.tally.audit.entry.Operation;
import dev.tally.audit.entry.Protocol;

/**
 * The proxied routes: the path clients call, the protocol they speak, the operation recorded,
 * and the path appended to the provider's base URL.
 */
public enum Endpoint {
    CHAT("/v1/chat/completions", Protocol.OPENAI, Operation.CHAT, "/chat/completions"),
    COMPLETION("/v1/completions", Protocol.OPENAI, Operation.COMPLETION, "/completions"),
    EMBEDDING("/v1/embeddings", Protocol.OPENAI, Operation.EMBEDDING, "/embeddings"),
    RESPONSE("/v1/responses", Protocol.OPENAI, Operation.RESPONSE, "/responses"),
    MESSAGE("/v1/messages", Protocol.ANTHROPIC, Operation.MESSAGE, "/v1/messages");

    private final String path;
    private final Protocol protocol;
    private final Operation operation;
    private final String upstreamPath;
    private final CallRoute route;

    Endpoint(String path, Protocol protocol, Operation operation, String upstreamPath) {
        this.path = path;
        this.protocol = protocol;
        this.operation = operation;
        this.upstreamPath = upstreamPath;
        this.route = new CallRoute(operation, path, protocol);
    }

    public String path() {
        return path;
    }

    public Protocol protocol() {
        return protocol;
    }

    public Operation operation() {
        return operation;
    }

    public String upstreamPath() {
        return upstreamPath;
    }

    /** What a call on this endpoint records as its route. */
    public CallRoute route() {
        return route;
    }

    /** Whether the endpoint can answer as an event stream. */
    public boolean streams() {
        return this != EMBEDDING;
    }
}
