package dev.tally.gateway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SignedHeadJson;
import dev.tally.audit.proof.Proofs;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET /v1/admin/heads}: the latest signed head of every chain, in chain order, as
 * {@code {"heads":[…SignedHeadJson…],"keys":{"<key id>":"<base64 X.509>"}}}; {@code keys} are the
 * public keys the store lists, for a witness that has none pinned. Reads one head per chain;
 * returns once written. Thread-safe.
 */
final class HeadsHandler implements AdminEndpoint.Action {

    private final AdminServices services;
    private final Proofs proofs;

    HeadsHandler(AdminServices services) {
        this.services = services;
        this.proofs = new Proofs(services.store());
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        new Params(req.query(), Set.of());
        ObjectNode root = JsonReply.object();
        ArrayNode heads = root.putArray("heads");
        for (SignedHead head : new TreeMap<>(proofs.latestHeads()).values()) {
            heads.add(SignedHeadJson.node(head));
        }
        ObjectNode keys = root.putObject("keys");
        for (Map.Entry<String, String> key : new TreeMap<>(services.store().signingKeys()).entrySet()) {
            keys.put(key.getKey(), key.getValue());
        }
        JsonReply.send(res, 200, root);
    }
}
