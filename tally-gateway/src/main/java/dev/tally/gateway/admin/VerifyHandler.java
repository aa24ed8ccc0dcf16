package dev.tally.gateway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.chain.SignedHeadJson;
import dev.tally.audit.verify.ChainReport;
import dev.tally.audit.verify.Verifier;
import dev.tally.audit.verify.VerifyReport;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.security.PublicKey;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /v1/admin/verify}: recomputes every chain and checks every signature with the audit
 * core's {@link Verifier}, in the same shape {@code tally verify --json} prints:
 * <pre>
 * {"ok":false,
 *  "chains":[{"chain":"gw-1","entries":12,"head_seq":12,"head":"…64 hex…","checkpoints":3,
 *             "ok":false,"first_bad":{"seq":7,"reason":"…"},
 *             "unsigned_entries":0,"key_trust":"pinned","latest_head":{…SignedHeadJson…,"age_ms":612}}],
 *  "first_bad":{"chain":"gw-1","seq":7,"id":"0190…","reason":"…"}}
 * </pre>
 * {@code unsigned_entries} counts the entries after the latest signed head ({@code latest_head},
 * with its age by the gateway's clock, null before the first head); {@code key_trust} is
 * {@code pinned} when {@code audit.trusted_keys} is set (only those keys are trusted; a chain
 * whose latest head is signed by another key is {@code unpinned} and fails) and
 * {@code store_listed} when the keys the store lists were used.
 * {@code first_bad} is null when every chain verifies; its {@code id} is null when no row is
 * stored at that seq. For a broken chain, {@code head_seq} and {@code head} are those of the last
 * entry that still verified. Always 200: a broken chain is a finding, not a failed request.
 * Reads every row (plus the broken chain once more for the id); returns when done. Thread-safe.
 */
final class VerifyHandler implements AdminEndpoint.Action {

    private final AdminServices services;

    VerifyHandler(AdminServices services) {
        this.services = services;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        new Params(req.query(), Set.of());
        // With audit.trusted_keys, signatures are checked against the pinned keys only.
        Map<String, PublicKey> pinned = services.audit().integrity().pinnedKeys();
        VerifyReport report = new Verifier(services.store(), pinned).verify();
        ObjectNode root = JsonReply.object();
        root.put("ok", report.ok());
        ArrayNode chains = root.putArray("chains");
        ChainReport firstBroken = null;
        for (ChainReport chain : report.chains()) {
            ObjectNode node = chains.addObject();
            node.put("chain", chain.chain());
            node.put("entries", chain.entries());
            node.put("head_seq", chain.headSeq());
            node.put("head", chain.headHash());
            node.put("checkpoints", chain.checkpoints());
            node.put("ok", chain.ok());
            node.put("unsigned_entries", chain.unsignedEntries());
            node.put("key_trust", keyTrust(chain, pinned.keySet()));
            if (chain.latestHead() == null) {
                node.putNull("latest_head");
            } else {
                ObjectNode head = SignedHeadJson.node(chain.latestHead());
                head.put("age_ms", Math.max(0, Duration.between(chain.latestHead().at(), services.clock().instant()).toMillis()));
                node.set("latest_head", head);
            }
            if (chain.ok()) {
                node.putNull("first_bad");
            } else {
                node.putObject("first_bad").put("seq", chain.firstBad().seq()).put("reason", chain.firstBad().reason());
                if (firstBroken == null) {
                    firstBroken = chain;
                }
            }
        }
        if (firstBroken == null) {
            root.putNull("first_bad");
        } else {
            root.putObject("first_bad")
                    .put("chain", firstBroken.chain())
                    .put("seq", firstBroken.firstBad().seq())
                    .put("id", idAt(firstBroken.chain(), firstBroken.firstBad().seq()))
                    .put("reason", firstBroken.firstBad().reason());
        }
        JsonReply.send(res, 200, root);
    }

    /**
     * {@code pinned}, {@code store_listed}, or {@code unpinned} when keys are pinned but the chain's
     * latest head is signed by another one (the chain then fails).
     */
    static String keyTrust(ChainReport chain, Set<String> pinnedKeyIds) {
        return switch (chain.keyTrust()) {
            case STORE_LISTED -> "store_listed";
            case PINNED -> !chain.ok() && chain.latestHead() != null && !pinnedKeyIds.contains(chain.latestHead().keyId())
                    ? "unpinned" : "pinned";
        };
    }

    /** The id stored at {@code seq} of {@code chain}, or null when no row holds that seq. */
    private String idAt(String chain, long seq) {
        AtomicReference<String> id = new AtomicReference<>();
        services.store().scan(chain, row -> {
            if (row.seq() == seq && id.get() == null && row.columns() != null) {
                id.set(row.columns().id());
            }
        });
        return id.get();
    }
}
