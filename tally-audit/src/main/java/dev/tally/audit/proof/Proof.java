package dev.tally.audit.proof;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.chain.MerkleTree;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.json.Json;
import java.io.IOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the two proof types share: hex checks, signature checks, JSON field reading. Stateless. */
final class Proof {

    private static final HexFormat HEX = HexFormat.of();

    private Proof() {
    }

    static boolean verifyInclusion(String entryHash, long index, long size, List<String> path, String root) {
        List<byte[]> nodes = bytes(path);
        byte[] rootBytes = hash(root);
        byte[] entry = hash(entryHash);
        return nodes != null && rootBytes != null && entry != null
                && MerkleTree.verifyInclusion(MerkleTree.leafHash(entry), index, size, nodes, rootBytes);
    }

    static boolean verifyConsistency(long size1, long size2, String root1, String root2, List<String> proof) {
        List<byte[]> nodes = bytes(proof);
        byte[] r1 = hash(root1);
        byte[] r2 = hash(root2);
        return nodes != null && r1 != null && r2 != null && MerkleTree.verifyConsistency(size1, size2, r1, r2, nodes);
    }

    static Optional<String> signatureProblem(SignedHead head, Map<String, PublicKey> keys) {
        PublicKey key = head.keyId() == null ? null : keys.get(head.keyId());
        if (key == null) {
            return Optional.of("head at tree size " + head.seq() + " is signed by key id '" + head.keyId()
                    + "', which is not among the trusted keys " + keys.keySet());
        }
        if (!SigningKeys.verify(head, key)) {
            return Optional.of("head at tree size " + head.seq() + ": signature is not valid under key " + head.keyId());
        }
        return Optional.empty();
    }

    private static byte[] hash(String hex) {
        if (hex == null || hex.length() != 64) {
            return null;
        }
        try {
            return HEX.parseHex(hex);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static List<byte[]> bytes(List<String> hex) {
        List<byte[]> result = new ArrayList<>(hex.size());
        for (String h : hex) {
            byte[] b = hash(h);
            if (b == null) {
                return null;
            }
            result.add(b);
        }
        return result;
    }

    static JsonNode parse(String json, String what) {
        try {
            JsonNode node = Json.mapper().readTree(json);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(what + ": not a JSON object (expected: {...})");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException(what + ": not valid JSON (" + e.getMessage() + ")", e);
        }
    }

    static String text(JsonNode node, String name, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a string)");
        }
        return value.asText();
    }

    static long number(JsonNode node, String name, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || value.asLong() < 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: an integer >= 0)");
        }
        return value.asLong();
    }

    static List<String> hexList(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: an array of hex hashes)");
        }
        List<String> result = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || hash(item.asText()) == null) {
                throw new IllegalArgumentException(field + ": " + item + " (expected: 64 hex digits)");
            }
            result.add(item.asText());
        }
        return result;
    }
}
