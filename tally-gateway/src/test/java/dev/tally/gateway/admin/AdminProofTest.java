package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SignedHeadJson;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.proof.ConsistencyProof;
import dev.tally.audit.proof.InclusionProof;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/admin/proof/{id}}, {@code /heads} and {@code /consistency} over a real socket. The
 * recorder signs a head every 5 entries and, with a one-hour sign interval, never by time during a
 * test: the 9 seeded entries are covered through seq 5, and seqs 6..9 are not yet signed.
 */
class AdminProofTest {

    @TempDir
    Path dir;

    private AdminFixture fx;
    private Seeded seeded;
    private Map<String, PublicKey> keys;

    @BeforeEach
    void seed() throws Exception {
        fx = AdminFixture.startWith(dir, "  sign_interval: 1h\n", c -> c.withSignInterval(Duration.ofHours(1)));
        seeded = new Seeded(fx);
        PublicKey key = SigningKeys.parsePublicKey(fx.recorder.publicKeyBase64());
        keys = Map.of(SigningKeys.keyIdOf(key), key);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private long seqOf(String id) throws Exception {
        return fx.adminJson("/v1/admin/logs/" + id).path("seq").asLong();
    }

    /** The id of a seeded call at or below seq 5 and one above it. */
    private List<String> coveredAndNot() throws Exception {
        String covered = null;
        String uncovered = null;
        for (String id : seeded.ids) {
            long seq = seqOf(id);
            if (seq <= 5 && covered == null) {
                covered = id;
            } else if (seq > 5 && uncovered == null) {
                uncovered = id;
            }
        }
        return List.of(covered, uncovered);
    }

    @Test
    void heads_lists_the_latest_signed_head_of_each_chain_and_the_keys_the_store_lists() throws Exception {
        JsonNode answer = fx.adminJson("/v1/admin/heads");

        assertThat(answer.path("heads")).hasSize(1);
        SignedHead head = SignedHeadJson.read(answer.path("heads").get(0));
        assertThat(head.chain()).isEqualTo("test-chain");
        assertThat(head.seq()).isEqualTo(5);
        assertThat(SigningKeys.verify(head, keys.get(head.keyId()))).isTrue();
        assertThat(answer.path("keys").path(head.keyId()).asText()).isEqualTo(fx.recorder.publicKeyBase64());
    }

    @Test
    void a_covered_entry_has_a_proof_that_checks_out_under_the_gateway_key() throws Exception {
        String id = coveredAndNot().get(0);

        HttpResponse<String> res = fx.admin("/v1/admin/proof/" + id);

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        InclusionProof proof = InclusionProof.fromJson(res.body());
        assertThat(proof.entry().entry().id()).isEqualTo(id);
        assertThat(proof.leafIndex()).isEqualTo(seqOf(id) - 1);
        assertThat(proof.head().seq()).isEqualTo(5);
        assertThat(proof.problems(keys)).isEmpty();
        assertThat(AdminFixture.JSON.readTree(res.body()).path("tree_size").asLong()).isEqualTo(5);
    }

    @Test
    void an_entry_no_head_covers_yet_is_409_not_yet_signed_with_a_retry_hint() throws Exception {
        String id = coveredAndNot().get(1);

        HttpResponse<String> res = fx.admin("/v1/admin/proof/" + id);

        assertThat(res.statusCode()).isEqualTo(409);
        assertThat(res.headers().firstValue("retry-after")).contains("3600");
        JsonNode error = AdminFixture.JSON.readTree(res.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("not_yet_signed");
        assertThat(error.path("param").asText()).isEqualTo("id");
        assertThat(error.path("message").asText()).startsWith("id: '" + id + "' is seq " + seqOf(id)
                + " of chain test-chain, which no signed head covers yet (expected: retry in 3600s");
    }

    @Test
    void an_unknown_or_malformed_id_names_the_id() throws Exception {
        HttpResponse<String> unknown = fx.admin("/v1/admin/proof/0190aaaa-0000-7000-8000-000000000000");
        HttpResponse<String> malformed = fx.admin("/v1/admin/proof/not_an_id!");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"code\":\"not_found\"", "\"param\":\"id\"",
                "id: '0190aaaa-0000-7000-8000-000000000000' (expected: the id of an entry in the audit log; none has it)");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("\"param\":\"id\"");
    }

    @Test
    void consistency_proves_the_tree_of_the_newest_head_extends_the_saved_one() throws Exception {
        SignedHead saved = SignedHeadJson.read(fx.adminJson("/v1/admin/heads").path("heads").get(0));
        fx.chat(fx.clientKey, "gpt-4o", "dave", 10, 10); // seq 10: a head is signed at every fifth entry
        SignedHead newest = awaitHeadOfSize(10);

        HttpResponse<String> res = fx.admin("/v1/admin/consistency?chain=test-chain&from=5&to=10");

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode json = AdminFixture.JSON.readTree(res.body());
        List<String> path = new ArrayList<>();
        json.path("proof").forEach(h -> path.add(h.asText()));
        ConsistencyProof proof = new ConsistencyProof(json.path("chain").asText(), json.path("from_size").asLong(),
                json.path("to_size").asLong(), path, SignedHeadJson.read(json.path("head")));
        assertThat(proof.to().headHash()).isEqualTo(newest.headHash());
        assertThat(ConsistencyProof.problems(saved, proof, keys)).isEmpty();
    }

    @Test
    void bad_consistency_parameters_name_the_parameter() throws Exception {
        assertBad("/v1/admin/consistency?from=1&to=5", 400, "chain", "chain: missing");
        assertBad("/v1/admin/consistency?chain=test-chain&from=abc&to=5", 400, "from",
                "from: 'abc' (expected: an integer of at least 1)");
        assertBad("/v1/admin/consistency?chain=test-chain&from=0&to=5", 400, "from", "from: 0 (expected: at least 1)");
        assertBad("/v1/admin/consistency?chain=test-chain&from=3", 400, "to", "to: missing");
        assertBad("/v1/admin/consistency?chain=test-chain&from=5&to=3", 400, "to", "to: 3 (expected: at least 5");
        assertBad("/v1/admin/consistency?chain=test-chain&from=2&to=4", 400, "to", "to: ");
        assertBad("/v1/admin/consistency?chain=no-such-chain&from=1&to=5", 404, "chain", "chain: 'no-such-chain'");
        assertBad("/v1/admin/consistency?chain=test-chain&from=1&to=5&size=3", 400, "size", "size: unknown parameter");
    }

    private void assertBad(String path, int status, String param, String message) throws Exception {
        HttpResponse<String> res = fx.admin(path);
        assertThat(res.statusCode()).as(path + " " + res.body()).isEqualTo(status);
        JsonNode error = AdminFixture.JSON.readTree(res.body()).path("error");
        assertThat(error.path("param").asText()).as(path).isEqualTo(param);
        assertThat(error.path("message").asText()).as(path).startsWith(message);
    }

    private SignedHead awaitHeadOfSize(long size) throws Exception {
        while (true) {
            SignedHead head = SignedHeadJson.read(fx.adminJson("/v1/admin/heads").path("heads").get(0));
            if (head.seq() >= size) {
                return head;
            }
            Thread.sleep(10);
        }
    }
}
