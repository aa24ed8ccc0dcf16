package dev.tally.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SignedHeadJson;
import dev.tally.audit.verify.ChainReport;
import dev.tally.audit.verify.KeyTrust;
import dev.tally.audit.verify.FirstBad;
import dev.tally.audit.verify.VerifyReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.function.Function;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prints a verify report for people (one line per chain, then a verdict) or as JSON for
 * scripts, in the shape of {@code GET /v1/admin/verify}:
 * <pre>
 * {"ok":false,
 *  "chains":[{"chain":"gw-1","entries":12,"head_seq":12,"head":"…64 hex…","checkpoints":3,
 *             "ok":false,"first_bad":{"seq":7,"reason":"…"},
 *             "unsigned_entries":0,"key_trust":"pinned","latest_head":{…SignedHeadJson…,"age_ms":612}}],
 *  "first_bad":{"chain":"gw-1","seq":7,"id":"0190…","reason":"…"}}
 * </pre>
 * {@code first_bad} is null when every chain verifies; its {@code id} is null when no row is
 * stored at that seq. For a broken chain, {@code head_seq} and {@code head} are those of the last
 * entry that still verified. Not thread-safe.
 */
final class VerifyOutput {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PrintWriter out;
    private final Instant now;
    private final Function<ChainReport, String> trust;

    /**
     * @param now the time heads' ages are measured to
     * @param trust a chain's key trust as on the wire: {@code pinned}, {@code store_listed} or {@code unpinned}
     */
    VerifyOutput(PrintWriter out, Instant now, Function<ChainReport, String> trust) {
        this.out = out;
        this.now = now;
        this.trust = trust;
    }

    /** A report as read back from {@code GET /v1/admin/verify}, with each chain's key trust as the gateway said it. */
    record Remote(VerifyReport report, Optional<FirstBadEntry> firstBad, Map<String, String> trust) {
    }

    /**
     * A chain's key trust for a local check: {@code store_listed} without pins; with pins,
     * {@code unpinned} when the chain fails and its latest head is signed by a key not pinned,
     * else {@code pinned}.
     */
    static String keyTrust(ChainReport chain, Set<String> pinnedKeyIds) {
        return switch (chain.keyTrust()) {
            case STORE_LISTED -> "store_listed";
            case PINNED -> !chain.ok() && chain.latestHead() != null && !pinnedKeyIds.contains(chain.latestHead().keyId())
                    ? "unpinned" : "pinned";
        };
    }

    private static String trustText(String wire) {
        return switch (wire) {
            case "pinned" -> "key pinned";
            case "unpinned" -> "key UNPINNED";
            default -> "key listed by the store";
        };
    }

    /** The latest head's size and age, or that there is none. */
    private String headText(ChainReport chain) {
        SignedHead head = chain.latestHead();
        return head == null ? "no signed head yet"
                : "latest head size " + head.seq() + " signed " + age(Duration.between(head.at(), now)) + " ago";
    }

    /** {@code 850ms}, {@code 2.4s}, {@code 12m}, {@code 5h}, {@code 3d}. */
    static String age(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1_000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        if (ms < 3_600_000) {
            return ms / 60_000 + "m";
        }
        return ms < 86_400_000 ? ms / 3_600_000 + "h" : ms / 86_400_000 + "d";
    }

    /** {@code where}: the store file, or the gateway's address when the report came from its admin API. */
    void text(String where, VerifyReport report, Optional<FirstBadEntry> firstBad) {
        out.println("store " + where + ": " + report.chains().size() + " chain(s)");
        for (ChainReport chain : report.chains()) {
            // For a broken chain the report's head is the last entry that still verified.
            out.printf("chain %s: %d entries, %s %d %s, %d checkpoints, %s, %d unsigned, %s: %s%n", chain.chain(),
                    chain.entries(), chain.ok() ? "head seq" : "verified through seq", chain.headSeq(), chain.headHash(),
                    chain.checkpoints(), headText(chain), chain.unsignedEntries(), trustText(trust.apply(chain)),
                    chain.ok() ? "ok" : "BROKEN at seq " + chain.firstBad().seq() + ": " + chain.firstBad().reason());
        }
        firstBad.ifPresentOrElse(bad -> out.println("FAILED: first bad entry is chain " + bad.chain() + " seq "
                        + bad.seq() + (bad.id() == null ? " (no row stored there)" : " id " + bad.id()) + ": "
                        + bad.reason()),
                () -> out.println(report.chains().stream().anyMatch(c -> c.unsignedEntries() > 0)
                        ? "OK: every chain verifies; " + report.chains().stream().mapToLong(ChainReport::unsignedEntries).sum()
                                + " newest entries are not yet covered by a signed head"
                        : "OK: every chain verifies"));
        out.flush();
    }

    /**
     * Reads a report in this JSON shape, as {@code GET /v1/admin/verify} answers it.
     *
     * @throws IllegalArgumentException naming what is missing when {@code node} has another shape
     */
    static Remote read(JsonNode node) {
        if (!node.path("ok").isBoolean() || !node.path("chains").isArray()) {
            throw new IllegalArgumentException("a verify report without 'ok' and 'chains' (expected: {\"ok\":…,"
                    + "\"chains\":[…],\"first_bad\":…})");
        }
        List<ChainReport> chains = new ArrayList<>();
        Map<String, String> trust = new LinkedHashMap<>();
        for (JsonNode c : node.get("chains")) {
            JsonNode bad = c.path("first_bad");
            String keyTrust = c.path("key_trust").asText("store_listed");
            SignedHead latest = c.path("latest_head").isObject() ? SignedHeadJson.read(withoutAge(c.get("latest_head")))
                    : null;
            chains.add(new ChainReport(c.path("chain").asText(), c.path("entries").asLong(),
                    c.path("head_seq").asLong(c.path("entries").asLong()), c.path("head").asText(null),
                    c.path("checkpoints").asInt(), bad.isObject() ? new FirstBad(bad.path("seq").asLong(),
                    bad.path("reason").asText()) : null, c.path("unsigned_entries").asLong(), latest,
                    "store_listed".equals(keyTrust) ? KeyTrust.STORE_LISTED : KeyTrust.PINNED));
            trust.put(c.path("chain").asText(), keyTrust);
        }
        JsonNode first = node.path("first_bad");
        Optional<FirstBadEntry> firstBad = first.isObject()
                ? Optional.of(new FirstBadEntry(first.path("chain").asText(), first.path("seq").asLong(),
                        first.hasNonNull("id") ? first.get("id").asText() : null, first.path("reason").asText()))
                : Optional.empty();
        return new Remote(new VerifyReport(node.get("ok").asBoolean(), chains), firstBad, trust);
    }

    /** A head as the verify report carries it, without the report's own {@code age_ms}. */
    private static JsonNode withoutAge(JsonNode head) {
        ObjectNode copy = head.deepCopy();
        copy.remove("age_ms");
        return copy;
    }

    void json(VerifyReport report, Optional<FirstBadEntry> firstBad) {
        print(jsonNode(report, firstBad));
    }

    /** Prints {@code root} as one line of JSON. */
    void print(ObjectNode root) {
        try {
            out.println(MAPPER.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("verify report cannot be encoded", e);
        }
        out.flush();
    }

    /** The report as JSON, in the shape of {@code GET /v1/admin/verify}. */
    ObjectNode jsonNode(VerifyReport report, Optional<FirstBadEntry> firstBad) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("ok", report.ok());
        ArrayNode chains = root.putArray("chains");
        for (ChainReport chain : report.chains()) {
            ObjectNode node = chains.addObject();
            node.put("chain", chain.chain());
            node.put("entries", chain.entries());
            node.put("head_seq", chain.headSeq());
            node.put("head", chain.headHash());
            node.put("checkpoints", chain.checkpoints());
            node.put("ok", chain.ok());
            node.put("unsigned_entries", chain.unsignedEntries());
            node.put("key_trust", trust.apply(chain));
            if (chain.latestHead() == null) {
                node.putNull("latest_head");
            } else {
                ObjectNode head = SignedHeadJson.node(chain.latestHead());
                head.put("age_ms", Math.max(0, Duration.between(chain.latestHead().at(), now).toMillis()));
                node.set("latest_head", head);
            }
            if (chain.ok()) {
                node.putNull("first_bad");
            } else {
                node.putObject("first_bad").put("seq", chain.firstBad().seq()).put("reason", chain.firstBad().reason());
            }
        }
        firstBad.ifPresentOrElse(bad -> root.putObject("first_bad")
                        .put("chain", bad.chain()).put("seq", bad.seq()).put("id", bad.id()).put("reason", bad.reason()),
                () -> root.putNull("first_bad"));
        return root;
    }
}
