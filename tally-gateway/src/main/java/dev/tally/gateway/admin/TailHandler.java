package dev.tally.gateway.admin;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.store.CallTail;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * {@code GET /v1/admin/tail}: call records in commit order after a position, for
 * {@code tally logs --follow} and anything else that tails the log. Without {@code after} the
 * answer is {@code {"data":[],"position":"…"}} with the position at the end of every chain now;
 * with {@code after} it holds the matching records committed since (by chain, then seq, see
 * {@link CallTail}) and the position to send next time. Filters: those of {@link CallFilters}
 * except {@code until}; {@code limit} 1..1000 (default 1000) caps one answer, the rest comes with
 * the next. Returns once the answer was written. Thread-safe.
 */
final class TailHandler implements AdminEndpoint.Action {

    private static final Set<String> PARAMS = LogsHandler.with(
            CallFilters.NAMES.stream().filter(n -> !n.equals("until")).collect(java.util.stream.Collectors.toSet()),
            "after", "limit");

    private final AdminServices services;

    TailHandler(AdminServices services) {
        this.services = services;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Params params = new Params(req.query(), PARAMS);
        int limit = params.limit(CallQuery.MAX_LIMIT, CallQuery.MAX_LIMIT);
        String after = params.position();
        CallQuery filters = CallFilters.query(params, services.keys(), limit, null);
        CallTail.Batch batch;
        if (after == null) {
            batch = new CallTail.Batch(java.util.List.of(), CallTail.head(services.store()));
        } else {
            try {
                batch = CallTail.after(services.store(), after, filters, limit);
            } catch (IllegalArgumentException e) {
                throw Params.badPosition(after);
            }
        }
        JsonReply.send(res, 200, json(batch));
    }

    private static byte[] json(CallTail.Batch batch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 1024 * batch.records().size());
        try {
            out.write("{\"data\":[".getBytes(StandardCharsets.US_ASCII));
            boolean first = true;
            for (ChainedEntry entry : batch.records()) {
                if (!first) {
                    out.write(',');
                }
                first = false;
                EntryJson.write(out, entry);
            }
            out.write("],\"position\":".getBytes(StandardCharsets.US_ASCII));
            out.write(JsonReply.MAPPER.writeValueAsBytes(batch.position()));
            out.write('}');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return out.toByteArray();
    }
}
