package dev.tally.gateway.admin;

import dev.tally.audit.proof.ConsistencyProof;
import dev.tally.audit.proof.Proofs;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * {@code GET /v1/admin/consistency?chain=&from=&to=}: the {@link ConsistencyProof} that the chain's
 * tree of {@code to} entries (the size of one of its signed heads) extends its tree of {@code from}
 * entries, in its JSON form. 400 {@code invalid_parameter} naming the bad parameter; 404
 * {@code not_found} for an unknown chain. Reads the subtree hashes the proof needs; returns once
 * written. Thread-safe.
 */
final class ConsistencyHandler implements AdminEndpoint.Action {

    private final AdminServices services;
    private final Proofs proofs;

    ConsistencyHandler(AdminServices services) {
        this.services = services;
        this.proofs = new Proofs(services.store());
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Params params = new Params(req.query(), Set.of("chain", "from", "to"));
        String chain = params.text("chain");
        if (chain == null) {
            throw ApiException.badParam("chain", "chain: missing (expected: the id of a chain, as GET /v1/admin/heads lists)");
        }
        long from = size(params, "from", 1);
        long to = size(params, "to", from);
        if (!services.store().chains().contains(chain)) {
            throw ApiException.notFound("chain", "chain: '" + Params.clip(chain) + "' (expected: a chain of this log; none has"
                    + " that id)");
        }
        ConsistencyProof proof;
        try {
            proof = proofs.consistency(chain, from, to);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParam("to", "to: " + e.getMessage());
        }
        JsonReply.send(res, 200, proof.toJson().getBytes(StandardCharsets.UTF_8));
    }

    /** A required tree size of at least {@code min}. */
    private static long size(Params params, String name, long min) {
        String text = params.text(name);
        if (text == null) {
            throw ApiException.badParam(name, name + ": missing (expected: a tree size, an integer of at least " + min + ")");
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ApiException.badParam(name, name + ": '" + Params.clip(text) + "' (expected: an integer of at least " + min
                    + ")");
        }
        if (value < min) {
            throw ApiException.badParam(name, name + ": " + value + " (expected: at least " + min
                    + (name.equals("to") ? ", the from size" : "") + ")");
        }
        return value;
    }
}
