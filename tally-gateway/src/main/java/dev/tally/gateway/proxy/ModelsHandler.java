package dev.tally.gateway.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.gateway.auth.AuthOutcome;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.json.GatewayJson;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;

/**
 * {@code GET /v1/models}: the configured public model names a key may call, in OpenAI's list
 * shape {@code {"object":"list","data":[{"id","object":"model","created","owned_by"}]}}. Needs a
 * virtual key like every proxied route and leaves one record (operation {@code models}). Runs on
 * the request's virtual thread; returns once the list was sent. Thread-safe.
 */
public final class ModelsHandler implements Handler {

    private static final ObjectMapper MAPPER = GatewayJson.newMapper();

    private final GatewayConfig config;
    private final ProxyServices services;
    private final long created;

    public ModelsHandler(GatewayConfig config, ProxyServices services, Instant startedAt) {
        this.config = config;
        this.services = services;
        this.created = startedAt.getEpochSecond();
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws Exception {
        Envelope.Received envelope = Envelope.read(req, Endpoint.CHAT, services.ids(), services.clock());
        RequestMeta meta = envelope.meta();
        RequestMeta models = meta;
        res.header(Envelope.REQUEST_ID, meta.id());
        AuthOutcome outcome = services.authenticator().authenticateCredentials(Envelope.credentials(req), meta.clientIp());
        if (outcome instanceof AuthOutcome.Denied denied) {
            services.events().authDenied(models, denied);
            Replies.error(res, dev.tally.audit.entry.Protocol.OPENAI, denied.errorCode(), denied.message(), null);
            return;
        }
        VirtualKey key = ((AuthOutcome.Allowed) outcome).key();
        if (envelope.problem() != null) {
            CallScope refused = services.records().start(models, key);
            refused.builder().operation(dev.tally.audit.entry.Operation.MODELS).endpoint("/v1/models").stream(false);
            refused.finish(new CallEnd.Failed(ErrorCode.INVALID_HEADER, envelope.problem()));
            Replies.error(res, dev.tally.audit.entry.Protocol.OPENAI, ErrorCode.INVALID_HEADER, envelope.problem(), null);
            return;
        }
        ObjectNode root = MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        config.models().values().stream().filter(m -> key.allows(m.name())).forEach(m -> {
            ObjectNode item = data.addObject();
            item.put("id", m.name());
            item.put("object", "model");
            item.put("created", created);
            item.put("owned_by", m.provider());
        });
        byte[] body = MAPPER.writeValueAsBytes(root);
        CallScope scope = services.records().start(models, key);
        scope.builder().operation(dev.tally.audit.entry.Operation.MODELS).endpoint("/v1/models").stream(false)
                .responseBytes((long) body.length);
        scope.finish(new CallEnd.Completed(200));
        Replies.json(res, 200, body);
    }
}
