package dev.tally.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test vectors of {@code docs/integrity.md}, hard-coded: computed once outside this code
 * (Python hashlib and the cryptography package, RFC 8032's test key 1) and pinned here, so a
 * change to any format fails this test instead of silently moving every expected value with it.
 */
class IntegrityVectorsTest {

    private static final HexFormat HEX = HexFormat.of();
    static final String E0 = "00".repeat(32);
    static final String E1 = "01".repeat(32);
    static final String E2 = "02".repeat(32);
    static final String LEAF0 = "7f9c9e31ac8256ca2f258583df262dbc7d6f68f2a03043d5c99a4ae5a7396ce9";
    static final String LEAF1 = "dcffe786ded16d283c663846ad0c4ff26558fccde36ca9d30b2ea19eade9fc0e";
    static final String LEAF2 = "cba8c596120bdb69debbd923d92cba948bde7c7d06a465a1bb7d98d3116038fa";
    static final String NODE01 = "28fb81e496897e0ce886f08602392e9239b65c659041e5202163e58ad898f444";
    static final String ROOT3 = "ba8d94b7fbcecae7b81c4c80574fe24734a6917bf9c1ecd66ff3e0c34ead4620";
    static final String HEAD_HASH = "4a0ff1cd3a3c302993dbf2d3051fc485216b2191dabc7f120b7ad0f152ac04ed";
    /** RFC 8032 section 7.1, test 1: its secret key as PKCS#8 and its public key as X.509, base64. */
    static final String PRIVATE = "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g";
    static final String PUBLIC = "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    static final String KEY_ID = "06e3fd8fda29bb60";
    static final String SIGNATURE =
            "+mvRROuQi4BiiB0sECi2q0ivlTa3ZhOU1oDTByEqoFFL3BVbmoebvyPl30HVSWnd1DuTerhhyS85xhlVURKaBw==";

    @TempDir
    Path dir;

    @Test
    void leafNodeAndRootOfAThreeLeafTree() {
        byte[] l0 = MerkleTree.leafHash(HEX.parseHex(E0));
        byte[] l1 = MerkleTree.leafHash(HEX.parseHex(E1));
        byte[] l2 = MerkleTree.leafHash(HEX.parseHex(E2));
        assertThat(HEX.formatHex(l0)).isEqualTo(LEAF0);
        assertThat(HEX.formatHex(l1)).isEqualTo(LEAF1);
        assertThat(HEX.formatHex(l2)).isEqualTo(LEAF2);
        assertThat(HEX.formatHex(MerkleTree.nodeHash(l0, l1))).isEqualTo(NODE01);
        MerkleFrontier tree = new MerkleFrontier();
        List.of(E0, E1, E2).forEach(tree::appendEntry);
        assertThat(tree.rootHex()).isEqualTo(ROOT3);
        assertThat(tree.toHex()).containsExactly(NODE01, LEAF2);
    }

    @Test
    void proofsInTheThreeLeafTree() {
        SubtreeHashes source = SubtreeHashes.of(List.of(HEX.parseHex(LEAF0), HEX.parseHex(LEAF1), HEX.parseHex(LEAF2)));
        assertThat(MerkleTree.inclusionPath(0, 3, source)).map(HEX::formatHex).containsExactly(LEAF1, LEAF2);
        assertThat(MerkleTree.inclusionPath(2, 3, source)).map(HEX::formatHex).containsExactly(NODE01);
        assertThat(MerkleTree.consistencyProof(2, 3, source)).map(HEX::formatHex).containsExactly(LEAF2);
        assertThat(MerkleTree.consistencyProof(1, 3, source)).map(HEX::formatHex).containsExactly(LEAF1, LEAF2);
    }

    @Test
    void aSignedHeadItsHashSignatureAndJson() throws Exception {
        Files.writeString(dir.resolve("signing.key"), PRIVATE + "\n");
        Files.writeString(dir.resolve("signing.pub"), PUBLIC + "\n");
        SigningKeys keys = SigningKeys.loadOrCreateFile(dir.resolve("signing.key"));
        assertThat(keys.keyId()).isEqualTo(KEY_ID);
        SignedHead head = keys.sign(new SignedHead(SignedHead.Purpose.CHECKPOINT, "gateway", 3, E2, ROOT3, null, false,
                null, Instant.parse("2026-12-03T20:00:00.123Z"), null, null));
        assertThat(new String(head.signedBytes(), StandardCharsets.UTF_8)).isEqualTo("tally-head-v2\ncheckpoint\n"
                + "gateway\n3\n" + E2 + "\n" + ROOT3 + "\n-\nfalse\n-\n2026-12-03T20:00:00.123Z");
        assertThat(head.headHash()).isEqualTo(HEAD_HASH);
        assertThat(head.signature()).isEqualTo(SIGNATURE);
        assertThat(SignedHeadJson.write(head)).isEqualTo("{\"chain\":\"gateway\",\"purpose\":\"checkpoint\","
                + "\"tree_size\":3,\"root\":\"" + ROOT3 + "\",\"entry_hash\":\"" + E2 + "\",\"prev_head\":null,"
                + "\"closed\":false,\"next_key\":null,\"at\":\"2026-12-03T20:00:00.123Z\",\"key_id\":\"" + KEY_ID
                + "\",\"signature\":\"" + SIGNATURE + "\",\"head_hash\":\"" + HEAD_HASH + "\"}");
    }
}
