package dev.tally.gateway.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.store.StoredPayload;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/admin/logs/{id}}: one call record in its canonical JSON, plus its place in the
 * chain ({@code chain}, {@code seq}, {@code hash}) and, when a payload was kept, {@code kept_payload}
 * ({@code mode}, {@code request}, {@code response}, {@code request_sha256}, {@code response_sha256},
 * {@code truncated}, {@code created_at}); {@code kept_payload} is null when nothing was kept or it
 * was pruned. {@code cost_adjustments} lists the call's cost adjustments (re-pricing), oldest first
 * ({@code id}, {@code adjusted_at}, {@code old_micros}|null, {@code old_price_id}|null,
 * {@code new_micros}, {@code new_price_id}, {@code delta_micros}, {@code reason}|null), and
 * {@code adjusted_cost_micros} is the call's effective cost: {@code cost_micros} plus their deltas
 * (null for an unpriced call never adjusted). The record itself is never edited. 404 when no call
 * record has that id. Returns once written. Thread-safe.
 */
final class LogHandler implements AdminEndpoint.Action {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final AdminServices services;

    LogHandler(AdminServices services) {
        this.services = services;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws IOException {
        new Params(req.query(), Set.of());
        String id = req.path().pathParameters().get("id");
        if (!ID.matcher(id).matches()) {
            throw ApiException.badParam("id", "id: '" + Params.clip(id) + "' (expected: a record id, 1-64 characters of"
                    + " A-Z a-z 0-9 -)");
        }
        Optional<ChainedEntry> found = services.store().entry(id);
        if (found.isEmpty() || !(found.get().entry() instanceof CallRecord)) {
            throw ApiException.notFound("id", "id: '" + id + "' (expected: the id of a call record; none has it)");
        }
        ChainedEntry entry = found.get();
        ObjectNode body = (ObjectNode) JsonReply.MAPPER.readTree(entry.canonicalBytes());
        body.put("chain", entry.chain());
        body.put("seq", entry.seq());
        body.put("hash", entry.hash());
        Optional<StoredPayload> payload = services.store().payload(id);
        if (payload.isPresent()) {
            StoredPayload p = payload.get();
            ObjectNode kept = body.putObject("kept_payload");
            kept.put("mode", dev.tally.audit.json.Json.wire(p.mode()));
            kept.put("request", p.request());
            kept.put("response", p.response());
            kept.put("request_sha256", p.requestSha256());
            kept.put("response_sha256", p.responseSha256());
            kept.put("truncated", p.truncated());
            kept.put("created_at", dev.tally.audit.json.Json.INSTANT_FORMAT.format(p.createdAt()));
        } else {
            body.putNull("kept_payload");
        }
        dev.tally.gateway.reprice.RecordAdjustments.addTo(body, (CallRecord) entry.entry(), services.store());
        JsonReply.send(res, 200, body);
    }
}
