package dev.tally.gateway.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.entry.UsageSource;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.json.GatewayJson;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /v1/models}: the configured public model names a key may call, in OpenAI's list
 * shape {@code {"object":"list","data":[{"id","object":"model","created","owned_by"}]}}. Needs a
 * virtual key like every proxied route and leaves one record (operation {@code models}, its own
 * {@link CallRoute#MODELS}): {@link #route} wraps it in {@link Authenticated} and {@link Audited}.
 * {@link #serve} returns the list as what is left to send. Thread-safe.
 */
public final class ModelsHandler implements CallService {

    private static final ObjectMapper MAPPER = GatewayJson.newMapper();

    private final GatewayConfig config;
    private final long created;

    ModelsHandler(GatewayConfig config, Instant startedAt) {
        this.config = config;
        this.created = startedAt.getEpochSecond();
    }

    /** The route's whole pipeline, as a Helidon handler. */
    public static Handler route(GatewayConfig config, ProxyServices services, Instant startedAt) {
        return new Authenticated(CallRoute.MODELS, services.authenticator(), services.events(), services.ids(), services.clock(),
                new Audited(new ModelsHandler(config, startedAt), services.assembler(), services.sink(), services.tracer(),
                        services.events()));
    }

    @Override
    public CallOutcome serve(Call call, ServerRequest req, ServerResponse res) throws IOException {
        VirtualKey key = call.key();
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
        CallEnd end = new CallEnd.Completed(200);
        RelayOutcome answer = new RelayOutcome(end, null, null, (long) body.length, null, null, List.of(), null,
                UsageSource.UNKNOWN, null, null, () -> Replies.json(res, 200, body));
        return new CallOutcome.Recorded(end, new RequestFacts(null, false, null, null, null, null), null, answer, null, null,
                answer.reply());
    }
}
