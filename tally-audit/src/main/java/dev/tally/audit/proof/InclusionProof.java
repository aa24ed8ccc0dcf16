package dev.tally.audit.proof;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SignedHeadJson;
import dev.tally.audit.json.Json;
import java.io.IOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The proof that one entry is in its chain: the entry (with its canonical body), its leaf index
 * ({@code seq - 1}), the RFC 9162 audit path and the signed head whose root the path leads to.
 *
 * <p>JSON:
 * <pre>
 * {"entry":{"chain","seq","prev_hash","hash","body":&lt;the canonical entry JSON, as an object&gt;},
 *  "leaf_index":N,"tree_size":N,"audit_path":["&lt;hex&gt;",...],"head":&lt;SignedHeadJson&gt;}
 * </pre>
 * A proof can be saved and checked offline with {@link #problems} and the signer's public key.
 *
 * <p>Immutable and thread-safe.
 *
 * @param entry the entry
 * @param leafIndex its leaf index, {@code seq - 1}
 * @param auditPath sibling hashes from the leaf up, hex
 * @param head the signed head the path leads to
 */
public record InclusionProof(ChainedEntry entry, long leafIndex, List<String> auditPath, SignedHead head) {


    public InclusionProof {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(head, "head");
        auditPath = List.copyOf(auditPath);
    }

    /**
     * What does not check out, for a human; empty when the proof holds: the entry's hash
     * recomputed from its body, its leaf index, the path from its leaf to the head's root, and
     * the head's signature under one of {@code trustedKeys} (by key id).
     */
    public List<String> problems(Map<String, PublicKey> trustedKeys) {
        List<String> problems = new ArrayList<>();
        String recomputed = EntryHasher.hash(entry.chain(), entry.seq(), entry.prevHash(), entry.canonicalBytes());
        if (!recomputed.equals(entry.hash())) {
            problems.add("entry " + entry.entry().id() + ": hash " + entry.hash() + " does not match its body (recomputed "
                    + recomputed + ")");
        }
        if (leafIndex != entry.seq() - 1) {
            problems.add("leaf_index: " + leafIndex + " (expected: " + (entry.seq() - 1) + ", the entry's seq - 1)");
        }
        if (!head.chain().equals(entry.chain())) {
            problems.add("head is of chain " + head.chain() + " (expected: " + entry.chain() + ")");
        }
        if (head.v1()) {
            problems.add("head at seq " + head.seq() + " has no Merkle root (a v1 head proves no inclusion)");
        } else if (!Proof.verifyInclusion(entry.hash(), leafIndex, head.seq(), auditPath, head.root())) {
            problems.add("audit path does not lead from the entry's leaf to the root of the head at tree size "
                    + head.seq());
        }
        Proof.signatureProblem(head, trustedKeys).ifPresent(problems::add);
        return problems;
    }

    /** The proof as one line of JSON. */
    public String toJson() {
        ObjectNode node = Json.mapper().createObjectNode();
        ObjectNode e = node.putObject("entry");
        e.put("chain", entry.chain());
        e.put("seq", entry.seq());
        e.put("prev_hash", entry.prevHash());
        e.put("hash", entry.hash());
        try {
            e.set("body", Json.mapper().readTree(entry.canonicalBytes()));
        } catch (IOException ex) {
            throw new IllegalStateException("entry body cannot be read back: " + ex.getMessage(), ex);
        }
        node.put("leaf_index", leafIndex);
        node.put("tree_size", head.seq());
        ArrayNode path = node.putArray("audit_path");
        auditPath.forEach(path::add);
        node.set("head", SignedHeadJson.node(head));
        try {
            return Json.mapper().writeValueAsString(node);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("proof cannot be encoded: " + ex.getOriginalMessage(), ex);
        }
    }

    /**
     * Reads a proof written by {@link #toJson}.
     *
     * @throws IllegalArgumentException naming the field that is missing or malformed
     */
    public static InclusionProof fromJson(String json) {
        JsonNode node = Proof.parse(json, "inclusion proof");
        JsonNode e = node.get("entry");
        if (e == null || !e.isObject()) {
            throw new IllegalArgumentException("entry: " + e + " (expected: an object)");
        }
        JsonNode body = e.get("body");
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("entry.body: " + body + " (expected: the entry's JSON object)");
        }
        byte[] bytes;
        try {
            bytes = Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("entry.body: cannot be encoded (" + ex.getOriginalMessage() + ")", ex);
        }
        ChainedEntry entry = new ChainedEntry(Proof.text(e, "entry.chain", "chain"), Proof.number(e, "entry.seq", "seq"),
                Proof.text(e, "entry.prev_hash", "prev_hash"), Proof.text(e, "entry.hash", "hash"),
                EntryHasher.parse(bytes));
        long treeSize = Proof.number(node, "tree_size", "tree_size");
        SignedHead head = SignedHeadJson.read(node.get("head"));
        if (treeSize != head.seq()) {
            throw new IllegalArgumentException("tree_size: " + treeSize + " (expected: " + head.seq()
                    + ", the head's tree size)");
        }
        return new InclusionProof(entry, Proof.number(node, "leaf_index", "leaf_index"), Proof.hexList(node, "audit_path"),
                head);
    }

}
