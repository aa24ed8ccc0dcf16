package dev.tally.gateway.admin;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.proof.InclusionProof;
import dev.tally.audit.proof.Proofs;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/admin/proof/{id}}: the {@link InclusionProof} of one entry (any kind) against the
 * latest signed head that covers it, in its JSON form ({@code docs/admin-api.md}). 404
 * {@code not_found} when no entry has the id; 409 {@code not_yet_signed} with {@code Retry-After}
 * (the sign interval, rounded up to whole seconds) when the entry exists but no head covers it
 * yet. Reads the entry, the heads and the path's subtree hashes; returns once written. Thread-safe.
 */
final class ProofHandler implements AdminEndpoint.Action {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final AdminServices services;
    private final Proofs proofs;

    ProofHandler(AdminServices services) {
        this.services = services;
        this.proofs = new Proofs(services.store());
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        new Params(req.query(), Set.of());
        String id = req.path().pathParameters().get("id");
        if (!ID.matcher(id).matches()) {
            throw ApiException.badParam("id", "id: '" + Params.clip(id) + "' (expected: an entry id, 1-64 characters of"
                    + " A-Z a-z 0-9 -)");
        }
        Optional<ChainedEntry> entry = services.store().entry(id);
        if (entry.isEmpty()) {
            throw ApiException.notFound("id", "id: '" + id + "' (expected: the id of an entry in the audit log; none has it)");
        }
        Optional<InclusionProof> proof = proofs.inclusion(id);
        if (proof.isEmpty()) {
            Duration interval = services.audit().integrity().signInterval();
            long seconds = Math.max(1, (interval.toMillis() + 999) / 1000);
            res.header(HeaderNames.RETRY_AFTER, Long.toString(seconds));
            throw new ApiException(dev.tally.gateway.proxy.ErrorCode.NOT_YET_SIGNED, "id", "id: '" + id + "' is seq " + entry.get().seq()
                    + " of chain " + entry.get().chain() + ", which no signed head covers yet (expected: retry in "
                    + seconds + "s; a head is signed at most audit.sign_interval after an entry)");
        }
        JsonReply.send(res, 200, proof.get().toJson().getBytes(StandardCharsets.UTF_8));
    }
}
