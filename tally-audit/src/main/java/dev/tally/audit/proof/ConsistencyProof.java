package dev.tally.audit.proof;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SignedHeadJson;
import dev.tally.audit.json.Json;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The proof that a chain's tree at {@code toSize} (a signed head) extends its tree at
 * {@code fromSize} (RFC 9162 2.1.4): what a witness checks against the last head it saved.
 *
 * <p>JSON: {@code {"chain","from_size","to_size","proof":["<hex>",...],"head":<SignedHeadJson>}}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param chain the chain
 * @param fromSize the smaller tree size
 * @param toSize the larger tree size, the size of {@code to}
 * @param proof the proof's node hashes, hex
 * @param to the signed head at {@code toSize}
 */
public record ConsistencyProof(String chain, long fromSize, long toSize, List<String> proof, SignedHead to) {

    public ConsistencyProof {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(to, "to");
        proof = List.copyOf(proof);
    }

    /**
     * What does not check out between the head a witness saved and this proof; empty when the
     * chain's newer head extends the saved one: same chain, sizes matching, the proof valid
     * between the two roots, and the newer head signed by one of {@code keys}.
     */
    public static List<String> problems(SignedHead saved, ConsistencyProof proof, Map<String, PublicKey> keys) {
        List<String> problems = new ArrayList<>();
        String chain = saved.chain();
        if (!proof.chain().equals(chain) || !proof.to().chain().equals(chain)) {
            problems.add("chain " + chain + ": the proof is for chain " + proof.chain() + " (head of " + proof.to().chain()
                    + ")");
            return problems;
        }
        if (proof.toSize() != proof.to().seq()) {
            problems.add("chain " + chain + ": to_size " + proof.toSize() + " is not the head's tree size "
                    + proof.to().seq());
        }
        if (proof.fromSize() != saved.seq()) {
            problems.add("chain " + chain + ": from_size " + proof.fromSize() + " is not the saved tree size "
                    + saved.seq());
        }
        if (proof.toSize() < saved.seq()) {
            problems.add("chain " + chain + ": the tree has " + proof.toSize() + " entries, fewer than the "
                    + saved.seq() + " of the saved head (rolled back)");
        }
        if (saved.v1() || proof.to().v1()) {
            problems.add("chain " + chain + ": a head without a Merkle root cannot be checked for consistency");
        } else if (problems.isEmpty() && !Proof.verifyConsistency(saved.seq(), proof.toSize(), saved.root(),
                proof.to().root(), proof.proof())) {
            problems.add("chain " + chain + ": the tree at size " + proof.toSize() + " does not extend the saved tree at"
                    + " size " + saved.seq() + " (root " + saved.root() + "): the chain was rewritten (fork)");
        }
        Proof.signatureProblem(proof.to(), keys).ifPresent(p -> problems.add("chain " + chain + ": " + p));
        return problems;
    }

    /** The proof as one line of JSON. */
    public String toJson() {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("chain", chain);
        node.put("from_size", fromSize);
        node.put("to_size", toSize);
        ArrayNode nodes = node.putArray("proof");
        proof.forEach(nodes::add);
        node.set("head", SignedHeadJson.node(to));
        try {
            return Json.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("proof cannot be encoded: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a proof written by {@link #toJson}.
     *
     * @throws IllegalArgumentException naming the field that is missing or malformed
     */
    public static ConsistencyProof fromJson(String json) {
        JsonNode node = Proof.parse(json, "consistency proof");
        return new ConsistencyProof(Proof.text(node, "chain", "chain"), Proof.number(node, "from_size", "from_size"),
                Proof.number(node, "to_size", "to_size"), Proof.hexList(node, "proof"),
                SignedHeadJson.read(node.get("head")));
    }
}
