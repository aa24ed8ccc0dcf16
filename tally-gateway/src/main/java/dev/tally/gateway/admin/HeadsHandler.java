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
 * returns once written. With {@code chain} and {@code announcing} (a key id): the heads of that
 * chain that announce that key ({@code next_key}), oldest first, as {@code {"heads":[…]}}; this
 * reads every head of the chain, and a witness asks it only when it meets a key it does not know.
 * Thread-safe.
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
        Params params = new Params(req.query(), Set.of("chain", "announcing"));
        String chain = params.text("chain");
        String announcing = params.text("announcing");
        if ((chain == null) != (announcing == null)) {
            throw ApiException.badParam(chain == null ? "chain" : "announcing", (chain == null ? "chain" : "announcing")
                    + ": missing (expected: chain and announcing together, or neither)");
        }
        if (chain != null) {
            ObjectNode root = JsonReply.object();
            ArrayNode heads = root.putArray("heads");
            for (SignedHead head : Proofs.announcing(services.store(), chain, announcing)) {
                heads.add(SignedHeadJson.node(head));
            }
            JsonReply.send(res, 200, root);
            return;
        }
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
