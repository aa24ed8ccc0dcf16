package dev.tally.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.Operation;
import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.entry.Protocol;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.entry.UsageSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Known answers: one entry of each kind built from fixed values, with its canonical bytes, its
 * chain hash, its Merkle leaf hash, and the root of the 3-leaf tree over the three, all written
 * out here as literals (computed once, then pinned). Any change to canonicalisation, the chain
 * hash or the tree hashing fails this test; the same values are the test vectors of
 * {@code docs/integrity.md}. The tree part is also recomputed here with plain SHA-256
 * (RFC 9162 section 2.1), independently of {@link MerkleTree}.
 */
class KnownAnswerTest {

    private static final String CHAIN = "kat";
    private static final HexFormat HEX = HexFormat.of();

    static final String CALL_CANONICAL = "{\"kind\":\"call\",\"attempts\":1,\"cached_input_tokens\":20,"
            + "\"client_ip\":\"10.0.0.7\","
            + "\"cost_micros\":150,\"duration_ms\":250,\"endpoint\":\"/v1/chat/completions\","
            + "\"finish_reason\":\"stop\",\"http_status\":200,"
            + "\"id\":\"019d5a2e-6b80-7000-8000-000000000001\",\"input_tokens\":100,\"key_id\":\"key-1\","
            + "\"key_name\":\"team-a\",\"key_prefix\":\"tk-3f9a1c\",\"model\":\"gpt-4o-mini\","
            + "\"operation\":\"chat\",\"output_tokens\":40,\"payload\":\"none\","
            + "\"price_id\":\"p-0123456789ab\",\"protocol\":\"openai\",\"provider\":\"openai\","
            + "\"request_bytes\":512,\"response_bytes\":2048,\"served_model\":\"gpt-4o-mini-2024-07-18\","
            + "\"started_at\":\"2026-03-02T10:00:00.125Z\",\"status\":\"success\",\"stream\":true,"
            + "\"tags\":{\"env\":\"prod\",\"team\":\"a\"},\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
            + "\"ttft_ms\":80,\"upstream_ms\":230,\"usage_source\":\"reported\",\"user\":\"alice\","
            + "\"user_agent\":\"openai-python/1.40.0\"}";

    static final String SECURITY_CANONICAL = "{\"kind\":\"security\",\"client_ip\":\"10.0.0.9\","
            + "\"detail\":\"unknown key\","
            + "\"http_status\":401,\"id\":\"019d5a2e-6f68-7000-8000-000000000002\","
            + "\"key_prefix\":\"tk-3f9a1c\",\"model\":\"gpt-4o-mini\","
            + "\"timestamp\":\"2026-03-02T10:00:01.000Z\",\"type\":\"auth_failure\","
            + "\"user_agent\":\"curl/8.5\"}";

    static final String ADMIN_CANONICAL = "{\"kind\":\"admin\",\"actor\":\"admin-api\","
            + "\"after\":{\"name\":\"team-b\",\"rpm\":\"60\"},"
            + "\"detail\":\"key team-b created\",\"id\":\"019d5a2e-7350-7000-8000-000000000003\","
            + "\"target\":\"key-2\",\"timestamp\":\"2026-03-02T10:00:02.000Z\",\"type\":\"key_created\"}";

    static CallRecord call() {
        return CallRecord.builder()
                .id("019d5a2e-6b80-7000-8000-000000000001")
                .traceId("4bf92f3577b34da6a3ce929d0e0e4736")
                .startedAt(Instant.parse("2026-03-02T10:00:00.125Z"))
                .durationMs(250L)
                .ttftMs(80L)
                .upstreamMs(230L)
                .keyId("key-1")
                .keyName("team-a")
                .keyPrefix("tk-3f9a1c")
                .user("alice")
                .clientIp("10.0.0.7")
                .userAgent("openai-python/1.40.0")
                .operation(Operation.CHAT)
                .endpoint("/v1/chat/completions")
                .protocol(Protocol.OPENAI)
                .stream(true)
                .model("gpt-4o-mini")
                .servedModel("gpt-4o-mini-2024-07-18")
                .provider("openai")
                .attempts(1)
                .status(CallStatus.SUCCESS)
                .httpStatus(200)
                .inputTokens(100L)
                .cachedInputTokens(20L)
                .outputTokens(40L)
                .usageSource(UsageSource.REPORTED)
                .costMicros(150L)
                .priceId("p-0123456789ab")
                .finishReason("stop")
                .requestBytes(512L)
                .responseBytes(2048L)
                .payload(PayloadMode.NONE)
                .tags(Map.of("team", "a", "env", "prod"))
                .build();
    }

    static SecurityEvent security() {
        return new SecurityEvent("019d5a2e-6f68-7000-8000-000000000002", Instant.parse("2026-03-02T10:00:01Z"),
                SecurityEventType.AUTH_FAILURE, null, null, "tk-3f9a1c", "10.0.0.9", "curl/8.5", "gpt-4o-mini", 401,
                "unknown key");
    }

    static AdminEvent admin() {
        return new AdminEvent("019d5a2e-7350-7000-8000-000000000003", Instant.parse("2026-03-02T10:00:02Z"),
                AdminEventType.KEY_CREATED, "admin-api", "key-2", Map.of(), Map.of("name", "team-b", "rpm", "60"),
                "key team-b created");
    }

    static final String CALL_HASH = "12925633659b1d642be0110db39df35a90c0a276cd2c739893b6ec98ce68fe83";
    static final String SECURITY_HASH = "05a4531b1f5ec9b1a8867439f138ae4a43a76946d13713dd85892bccd2ae5892";
    static final String ADMIN_HASH = "8ba86bf7ee07dfa0539ff4a443f7f5e152e28d8bbbe4a78b77a8bbaa6d7ecf85";
    static final String CALL_LEAF = "c4d3bca8479b79de1af66194c0844e9b242ff09ae7e6fa104345f83b475630e5";
    static final String SECURITY_LEAF = "9eab537161bab79bb45606b2263a8c0a93afd67d9855690ae8acfdef20550c59";
    static final String ADMIN_LEAF = "3721f936948fd43772c5a7d069a7da6f8e4da1288b479843b07c42020efbba6a";
    /** Node over the first two leaves: SHA-256(0x01 || CALL_LEAF || SECURITY_LEAF). */
    static final String NODE_01 = "f5fc4e91d454577213c13d538a0c66c4b602240f9c539acd0129d8361a322d65";
    /** Root of the 3-leaf tree: SHA-256(0x01 || NODE_01 || ADMIN_LEAF) (RFC 9162: split at 2). */
    static final String ROOT_3 = "3875b9c426a845449cc7eda4062003de7604a83bf884a8a8a67a838389c83c45";

    @Test
    void canonicalBytesAreKnown() {
        assertThat(utf8(EntryHasher.canonicalBytes(call()))).isEqualTo(CALL_CANONICAL);
        assertThat(utf8(EntryHasher.canonicalBytes(security()))).isEqualTo(SECURITY_CANONICAL);
        assertThat(utf8(EntryHasher.canonicalBytes(admin()))).isEqualTo(ADMIN_CANONICAL);
    }

    @Test
    void canonicalBytesParseBackToTheSameEntries() {
        assertThat(EntryHasher.parse(CALL_CANONICAL.getBytes(StandardCharsets.UTF_8))).isEqualTo(call());
        assertThat(EntryHasher.parse(SECURITY_CANONICAL.getBytes(StandardCharsets.UTF_8))).isEqualTo(security());
        assertThat(EntryHasher.parse(ADMIN_CANONICAL.getBytes(StandardCharsets.UTF_8))).isEqualTo(admin());
    }

    @Test
    void chainHashesAreKnown() {
        // Chain "kat": the call at seq 1 after genesis, the security event at 2, the admin event at 3.
        assertThat(EntryHasher.hash(CHAIN, 1, EntryHasher.GENESIS, bytes(CALL_CANONICAL))).isEqualTo(CALL_HASH);
        assertThat(EntryHasher.hash(CHAIN, 2, CALL_HASH, bytes(SECURITY_CANONICAL))).isEqualTo(SECURITY_HASH);
        assertThat(EntryHasher.hash(CHAIN, 3, SECURITY_HASH, bytes(ADMIN_CANONICAL))).isEqualTo(ADMIN_HASH);
        assertThat(EntryHasher.chain(CHAIN, 3, SECURITY_HASH, admin()).hash()).isEqualTo(ADMIN_HASH);
        // The writer's form: from and to bytes, the same hashes.
        assertThat(hex(EntryHasher.hashBytes(CHAIN, 2, HEX.parseHex(CALL_HASH), bytes(SECURITY_CANONICAL))))
                .isEqualTo(SECURITY_HASH);
    }

    @Test
    void aFrontierTakesEntryHashesAsHexOrBytesAlike() {
        MerkleFrontier fromHex = new MerkleFrontier();
        MerkleFrontier fromBytes = new MerkleFrontier();
        for (String hash : List.of(CALL_HASH, SECURITY_HASH, ADMIN_HASH)) {
            fromHex.appendEntry(hash);
            fromBytes.appendEntry(HEX.parseHex(hash));
        }
        assertThat(hex(fromBytes.root())).isEqualTo(ROOT_3).isEqualTo(hex(fromHex.root()));
    }

    @Test
    void leafHashesAndTheThreeLeafRootAreKnown() {
        assertThat(hex(MerkleTree.leafHash(HEX.parseHex(CALL_HASH)))).isEqualTo(CALL_LEAF);
        assertThat(hex(MerkleTree.leafHash(HEX.parseHex(SECURITY_HASH)))).isEqualTo(SECURITY_LEAF);
        assertThat(hex(MerkleTree.leafHash(HEX.parseHex(ADMIN_HASH)))).isEqualTo(ADMIN_LEAF);
        List<byte[]> leaves = List.of(HEX.parseHex(CALL_LEAF), HEX.parseHex(SECURITY_LEAF), HEX.parseHex(ADMIN_LEAF));
        assertThat(hex(MerkleTree.nodeHash(leaves.get(0), leaves.get(1)))).isEqualTo(NODE_01);
        assertThat(hex(MerkleTree.rootOf(leaves))).isEqualTo(ROOT_3);
        MerkleFrontier frontier = new MerkleFrontier();
        leaves.forEach(frontier::append);
        assertThat(hex(frontier.root())).isEqualTo(ROOT_3);
    }

    @Test
    void theTreeValuesFollowFromPlainSha256() throws Exception {
        // RFC 9162 section 2.1, written out without MerkleTree: the literals above are not just
        // what the code under test happens to produce.
        assertThat(hex(sha256(new byte[] {0}, HEX.parseHex(CALL_HASH)))).isEqualTo(CALL_LEAF);
        assertThat(hex(sha256(new byte[] {0}, HEX.parseHex(SECURITY_HASH)))).isEqualTo(SECURITY_LEAF);
        assertThat(hex(sha256(new byte[] {0}, HEX.parseHex(ADMIN_HASH)))).isEqualTo(ADMIN_LEAF);
        assertThat(hex(sha256(new byte[] {1}, HEX.parseHex(CALL_LEAF), HEX.parseHex(SECURITY_LEAF))))
                .isEqualTo(NODE_01);
        assertThat(hex(sha256(new byte[] {1}, HEX.parseHex(NODE_01), HEX.parseHex(ADMIN_LEAF)))).isEqualTo(ROOT_3);
    }

    private static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}
