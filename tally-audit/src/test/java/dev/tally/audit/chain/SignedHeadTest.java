package dev.tally.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed heads v2: the signed bytes, the head hash, v1 rows still verifying, the JSON form. */
class SignedHeadTest {

    private static final Instant AT = Instant.parse("2026-12-03T20:00:00.123Z");
    private static final String HASH = "ab".repeat(32);
    private static final String ROOT = "cd".repeat(32);
    private static final String PREV = "ef".repeat(32);

    @TempDir
    Path dir;

    @Test
    void v2SignedBytesAreTheDocumentedText() {
        SignedHead head = new SignedHead(SignedHead.Purpose.CHECKPOINT, "gateway", 1200, HASH, ROOT, PREV, false, null,
                AT, null, null);
        assertThat(new String(head.signedBytes(), StandardCharsets.UTF_8)).isEqualTo("tally-head-v2\ncheckpoint\ngateway\n"
                + "1200\n" + HASH + "\n" + ROOT + "\n" + PREV + "\nfalse\n-\n2026-12-03T20:00:00.123Z");
        SignedHead first = new SignedHead(SignedHead.Purpose.ANCHOR, "cli", 7, HASH, ROOT, null, true, "KEY", AT, null,
                null);
        assertThat(new String(first.signedBytes(), StandardCharsets.UTF_8)).isEqualTo("tally-head-v2\nanchor\ncli\n7\n"
                + HASH + "\n" + ROOT + "\n-\ntrue\nKEY\n2026-12-03T20:00:00.123Z");
    }

    @Test
    void aRollupDigestIsSignedWhenPresent() {
        SignedHead anchor = new SignedHead(SignedHead.Purpose.ANCHOR, "cli", 7, HASH, ROOT, null, false, null, AT, null,
                null, PREV);
        assertThat(new String(anchor.signedBytes(), StandardCharsets.UTF_8)).endsWith("2026-12-03T20:00:00.123Z\n" + PREV);
    }

    @Test
    void v1HeadsKeepTheirV1Bytes() {
        SignedHead v1 = new SignedHead(SignedHead.Purpose.CHECKPOINT, "gateway", 5, HASH, AT, null, null);
        assertThat(v1.v1()).isTrue();
        assertThat(new String(v1.signedBytes(), StandardCharsets.UTF_8))
                .isEqualTo("tally-checkpoint-v1\ngateway\n5\n" + HASH + "\n2026-12-03T20:00:00.123Z");
    }

    @Test
    void aV1HeadCannotCarryV2Fields() {
        assertThatThrownBy(() -> new SignedHead(SignedHead.Purpose.CHECKPOINT, "g", 5, HASH, null, PREV, false, null, AT,
                null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("root: null (expected: a Merkle root");
    }

    @Test
    void signedHeadsVerifyAndAnyChangedFieldBreaksTheSignature() throws Exception {
        SigningKeys keys = SigningKeys.loadOrCreate(dir);
        SignedHead head = keys.sign(new SignedHead(SignedHead.Purpose.CHECKPOINT, "gateway", 3, HASH, ROOT, PREV, false,
                null, AT, null, null));
        assertThat(head.keyId()).isEqualTo(keys.keyId());
        assertThat(SigningKeys.verify(head, keys.publicKey())).isTrue();
        SignedHead closed = new SignedHead(head.purpose(), head.chain(), head.seq(), head.hash(), head.root(),
                head.prevHead(), true, null, head.at(), head.keyId(), head.signature());
        assertThat(SigningKeys.verify(closed, keys.publicKey())).isFalse();
        SignedHead otherRoot = new SignedHead(head.purpose(), head.chain(), head.seq(), head.hash(), PREV,
                head.prevHead(), false, null, head.at(), head.keyId(), head.signature());
        assertThat(SigningKeys.verify(otherRoot, keys.publicKey())).isFalse();
        SignedHead v1 = keys.sign(SignedHead.Purpose.CHECKPOINT, "gateway", 3, HASH, AT);
        assertThat(SigningKeys.verify(v1, keys.publicKey())).isTrue();
    }

    @Test
    void theHeadHashIsSha256OfTheSignedBytes() {
        SignedHead head = new SignedHead(SignedHead.Purpose.CHECKPOINT, "gateway", 1200, HASH, ROOT, PREV, false, null,
                AT, "0123456789abcdef", "c2ln");
        assertThat(head.headHash()).isEqualTo(java.util.HexFormat.of().formatHex(
                EntryHasher.sha256().digest(head.signedBytes())));
        assertThat(head.withSignature("fedcba9876543210", "b3RoZXI=").headHash()).isEqualTo(head.headHash());
    }

    @Test
    void theJsonFormRoundTrips() throws Exception {
        SignedHead head = new SignedHead(SignedHead.Purpose.CHECKPOINT, "gateway", 1200, HASH, ROOT, PREV, false, null,
                AT, "0123456789abcdef", "c2ln");
        String json = SignedHeadJson.write(head);
        assertThat(json).isEqualTo("{\"chain\":\"gateway\",\"purpose\":\"checkpoint\",\"tree_size\":1200,\"root\":\"" + ROOT
                + "\",\"entry_hash\":\"" + HASH + "\",\"prev_head\":\"" + PREV + "\",\"closed\":false,\"next_key\":null,"
                + "\"at\":\"2026-12-03T20:00:00.123Z\",\"key_id\":\"0123456789abcdef\",\"signature\":\"c2ln\","
                + "\"head_hash\":\"" + head.headHash() + "\"}");
        assertThat(SignedHeadJson.read(Json.mapper().readTree(json))).isEqualTo(head);
        SignedHead first = new SignedHead(SignedHead.Purpose.ANCHOR, "cli", 9, HASH, ROOT, null, true, "S0VZ", AT,
                "0123456789abcdef", "c2ln", PREV);
        assertThat(SignedHeadJson.read(Json.mapper().readTree(SignedHeadJson.write(first)))).isEqualTo(first);
    }

    @Test
    void badJsonNamesTheField() throws Exception {
        JsonNode wrongHash = Json.mapper().readTree(SignedHeadJson.write(new SignedHead(SignedHead.Purpose.CHECKPOINT,
                "g", 1, HASH, ROOT, null, false, null, AT, "k", "s")).replace("\"tree_size\":1", "\"tree_size\":2"));
        assertThatThrownBy(() -> SignedHeadJson.read(wrongHash))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("head_hash: ")
                .hasMessageContaining("the hash of the head's signed fields");
        assertThatThrownBy(() -> SignedHeadJson.read(Json.mapper().readTree("{\"purpose\":\"checkpoint\"}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tree_size: null (expected: an integer >= 0)");
        JsonNode badRoot = Json.mapper().readTree(SignedHeadJson.write(new SignedHead(SignedHead.Purpose.CHECKPOINT,
                "g", 1, HASH, "XY", null, false, null, AT, "k", "s")));
        assertThatThrownBy(() -> SignedHeadJson.read(badRoot))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("root: 'XY' (expected: 64 lower-case hex digits)");
        assertThatThrownBy(() -> SignedHeadJson.read(Json.mapper().readTree("{\"purpose\":\"head\"}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("purpose: 'head' (expected: checkpoint or anchor)");
    }
}
