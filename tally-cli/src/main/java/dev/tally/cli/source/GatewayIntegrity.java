package dev.tally.cli.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SignedHeadJson;
import dev.tally.audit.proof.ConsistencyProof;
import dev.tally.audit.proof.InclusionProof;
import dev.tally.cli.CommandFailure;
import dev.tally.cli.UsageFailure;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Heads and proofs asked of a gateway's admin API: {@code GET /v1/admin/heads},
 * {@code /v1/admin/proof/{id}} (409 {@code not_yet_signed} = not covered yet) and
 * {@code /v1/admin/consistency}. Answers are parsed strictly: a head whose {@code head_hash} does not
 * match its fields is refused. Not thread-safe; one per command run.
 */
public final class GatewayIntegrity implements IntegritySource {

    private final AdminClient client;

    public GatewayIntegrity(AdminClient client) {
        this.client = client;
    }

    @Override
    public Map<String, SignedHead> latestHeads() {
        JsonNode answer = client.get("/v1/admin/heads", List.of());
        Map<String, SignedHead> heads = new LinkedHashMap<>();
        JsonNode list = answer.path("heads");
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            SignedHead head = parse("heads[" + i + "]", () -> SignedHeadJson.read(item));
            heads.put(head.chain(), head);
        }
        return heads;
    }

    @Override
    public Map<String, String> listedKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        client.get("/v1/admin/heads", List.of()).path("keys").fields()
                .forEachRemaining(e -> keys.put(e.getKey(), e.getValue().asText()));
        return keys;
    }

    @Override
    public List<SignedHead> announcing(String chain, String keyId) {
        JsonNode answer = client.get("/v1/admin/heads", List.of(new java.util.AbstractMap.SimpleEntry<>("chain", chain),
                new java.util.AbstractMap.SimpleEntry<>("announcing", keyId)));
        List<SignedHead> heads = new java.util.ArrayList<>();
        JsonNode list = answer.path("heads");
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            heads.add(parse("heads[" + i + "]", () -> SignedHeadJson.read(item)));
        }
        return heads;
    }

    @Override
    public Optional<InclusionProof> inclusion(String id) {
        Optional<JsonNode> answer = client.getUnlessConflict("/v1/admin/proof/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
        return answer.map(json -> parse("proof", () -> InclusionProof.fromJson(json.toString())));
    }

    @Override
    public ConsistencyProof consistency(String chain, long fromSize, long toSize) {
        JsonNode json;
        try {
            json = client.get("/v1/admin/consistency", List.of(new SimpleEntry<>("chain", chain),
                    new SimpleEntry<>("from", Long.toString(fromSize)), new SimpleEntry<>("to", Long.toString(toSize))));
        } catch (UsageFailure refused) {
            throw new IllegalArgumentException(refused.getMessage(), refused);
        }
        return parse("consistency proof", () -> {
            List<String> proof = new ArrayList<>();
            json.path("proof").forEach(hash -> proof.add(hash.asText()));
            return new ConsistencyProof(json.path("chain").asText(), json.path("from_size").asLong(),
                    json.path("to_size").asLong(), proof, SignedHeadJson.read(json.path("head")));
        });
    }

    private <T> T parse(String what, java.util.function.Supplier<T> reader) {
        try {
            return reader.get();
        } catch (IllegalArgumentException e) {
            throw new CommandFailure("url: " + client.base() + " answered a " + what + " that cannot be read: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String where() {
        return client.base().toString();
    }

    @Override
    public void close() {
        // the client holds no connection between requests that needs closing here
    }
}
