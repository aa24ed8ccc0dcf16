package dev.tally.audit.chain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The one JSON form of a {@link SignedHead}, used by the admin API, {@code tally heads}, the
 * witness state file and {@code audit.publish_heads}:
 * <pre>
 * {"chain":"gateway","purpose":"checkpoint","tree_size":1200,"root":"&lt;hex&gt;","entry_hash":"&lt;hex&gt;",
 *  "prev_head":"&lt;hex&gt;"|null,"closed":false,"next_key":null,"at":"2026-12-03T20:00:00.123Z",
 *  "key_id":"&lt;16 hex&gt;","signature":"&lt;base64&gt;","head_hash":"&lt;hex&gt;"}
 * </pre>
 * plus {@code "rollup_digest":"<hex>"} only when the head has one. A file of heads is
 * {@code {"heads":[...]}}. {@code head_hash} is derived; {@link #read} checks it when present.
 *
 * <p>Thread-safe: stateless.
 */
public final class SignedHeadJson {

    private SignedHeadJson() {
    }

    /** The head as a JSON object node. */
    public static ObjectNode node(SignedHead head) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("chain", head.chain());
        node.put("purpose", head.purpose().name().toLowerCase(Locale.ROOT));
        node.put("tree_size", head.seq());
        node.put("root", head.root());
        node.put("entry_hash", head.hash());
        node.put("prev_head", head.prevHead());
        node.put("closed", head.closed());
        node.put("next_key", head.nextKey());
        node.put("at", Json.INSTANT_FORMAT.format(head.at()));
        node.put("key_id", head.keyId());
        node.put("signature", head.signature());
        if (head.rollupDigest() != null) {
            node.put("rollup_digest", head.rollupDigest());
        }
        node.put("head_hash", head.headHash());
        return node;
    }

    /** The head as one line of JSON. */
    public static String write(SignedHead head) {
        try {
            return Json.mapper().writeValueAsString(node(head));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("head cannot be encoded: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a head from its JSON object.
     *
     * @throws IllegalArgumentException naming the field when one is missing or malformed, or when
     *     {@code head_hash} is present and is not the hash of the other fields
     */
    public static SignedHead read(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("head: " + node + " (expected: a JSON object)");
        }
        String purposeText = text(node, "purpose", true);
        SignedHead.Purpose purpose = switch (purposeText) {
            case "checkpoint" -> SignedHead.Purpose.CHECKPOINT;
            case "anchor" -> SignedHead.Purpose.ANCHOR;
            default -> throw new IllegalArgumentException("purpose: '" + purposeText
                    + "' (expected: checkpoint or anchor)");
        };
        JsonNode size = node.get("tree_size");
        if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() < 0) {
            throw new IllegalArgumentException("tree_size: " + size + " (expected: an integer >= 0)");
        }
        JsonNode closed = node.get("closed");
        if (closed != null && !closed.isNull() && !closed.isBoolean()) {
            throw new IllegalArgumentException("closed: " + closed + " (expected: true or false)");
        }
        String atText = text(node, "at", true);
        Instant at;
        try {
            at = Instant.parse(atText);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("at: '" + atText + "' (expected: an ISO-8601 instant)", e);
        }
        String entryHash = text(node, "entry_hash", true);
        MerkleFrontier.parseHash("entry_hash", entryHash);
        String root = text(node, "root", false);
        if (root != null) {
            MerkleFrontier.parseHash("root", root);
        }
        String prevHead = text(node, "prev_head", false);
        if (prevHead != null) {
            MerkleFrontier.parseHash("prev_head", prevHead);
        }
        SignedHead head = new SignedHead(purpose, text(node, "chain", true), size.asLong(), entryHash,
                root, prevHead, closed != null && closed.asBoolean(),
                text(node, "next_key", false), at, text(node, "key_id", false), text(node, "signature", false),
                text(node, "rollup_digest", false));
        String headHash = text(node, "head_hash", false);
        if (headHash != null && !headHash.equals(head.headHash())) {
            throw new IllegalArgumentException("head_hash: " + headHash + " (expected: " + head.headHash()
                    + ", the hash of the head's signed fields)");
        }
        return head;
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException(field + ": missing (expected: a string)");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: a string)");
        }
        return value.asText();
    }
}
