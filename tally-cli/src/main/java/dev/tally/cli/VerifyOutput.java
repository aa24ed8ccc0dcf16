package dev.tally.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.verify.ChainReport;
import dev.tally.audit.verify.FirstBad;
import dev.tally.audit.verify.VerifyReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prints a verify report for people (one line per chain, then a verdict) or as JSON for
 * scripts, in the shape of {@code GET /v1/admin/verify}:
 * <pre>
 * {"ok":false,
 *  "chains":[{"chain":"gw-1","entries":12,"head_seq":12,"head":"…64 hex…","checkpoints":3,
 *             "ok":false,"first_bad":{"seq":7,"reason":"…"}}],
 *  "first_bad":{"chain":"gw-1","seq":7,"id":"0190…","reason":"…"}}
 * </pre>
 * {@code first_bad} is null when every chain verifies; its {@code id} is null when no row is
 * stored at that seq. For a broken chain, {@code head_seq} and {@code head} are those of the last
 * entry that still verified. Not thread-safe.
 */
final class VerifyOutput {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PrintWriter out;

    VerifyOutput(PrintWriter out) {
        this.out = out;
    }

    /** {@code where}: the store file, or the gateway's address when the report came from its admin API. */
    void text(String where, VerifyReport report, Optional<FirstBadEntry> firstBad) {
        out.println("store " + where + ": " + report.chains().size() + " chain(s)");
        for (ChainReport chain : report.chains()) {
            // For a broken chain the report's head is the last entry that still verified.
            out.printf("chain %s: %d entries, %s %d %s, %d checkpoints: %s%n", chain.chain(), chain.entries(),
                    chain.ok() ? "head seq" : "verified through seq", chain.headSeq(), chain.headHash(),
                    chain.checkpoints(),
                    chain.ok() ? "ok" : "BROKEN at seq " + chain.firstBad().seq() + ": " + chain.firstBad().reason());
        }
        firstBad.ifPresentOrElse(bad -> out.println("FAILED: first bad entry is chain " + bad.chain() + " seq "
                        + bad.seq() + (bad.id() == null ? " (no row stored there)" : " id " + bad.id()) + ": "
                        + bad.reason()),
                () -> out.println("OK: every chain verifies"));
        out.flush();
    }

    /**
     * Reads a report in this JSON shape, as {@code GET /v1/admin/verify} answers it.
     *
     * @throws IllegalArgumentException naming what is missing when {@code node} has another shape
     */
    static Map.Entry<VerifyReport, Optional<FirstBadEntry>> read(JsonNode node) {
        if (!node.path("ok").isBoolean() || !node.path("chains").isArray()) {
            throw new IllegalArgumentException("a verify report without 'ok' and 'chains' (expected: {\"ok\":…,"
                    + "\"chains\":[…],\"first_bad\":…})");
        }
        List<ChainReport> chains = new ArrayList<>();
        for (JsonNode c : node.get("chains")) {
            JsonNode bad = c.path("first_bad");
            chains.add(new ChainReport(c.path("chain").asText(), c.path("entries").asLong(),
                    c.path("head_seq").asLong(c.path("entries").asLong()), c.path("head").asText(null),
                    c.path("checkpoints").asInt(), bad.isObject() ? new FirstBad(bad.path("seq").asLong(),
                    bad.path("reason").asText()) : null));
        }
        JsonNode first = node.path("first_bad");
        Optional<FirstBadEntry> firstBad = first.isObject()
                ? Optional.of(new FirstBadEntry(first.path("chain").asText(), first.path("seq").asLong(),
                        first.hasNonNull("id") ? first.get("id").asText() : null, first.path("reason").asText()))
                : Optional.empty();
        return Map.entry(new VerifyReport(node.get("ok").asBoolean(), chains), firstBad);
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
