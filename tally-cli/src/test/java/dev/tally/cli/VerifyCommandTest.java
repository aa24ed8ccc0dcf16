package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tally verify} run in-process on stores written by the real recorder. */
class VerifyCommandTest {

    private static final int CALLS = 12;

    @TempDir
    Path dir;

    @Test
    void anIntactLogVerifiesAndEachChainIsDescribed() throws Exception {
        RecordedStore store = RecordedStore.write(dir, CALLS);
        String head;
        int checkpoints;
        try (SqliteAuditStore sqlite = SqliteAuditStore.open(dir.resolve("tally.db"))) {
            head = sqlite.head(RecordedStore.CHAIN).hash();
            checkpoints = sqlite.checkpoints(RecordedStore.CHAIN).size();
        }

        CliRun run = CliRun.of("verify", "--data", store.data().toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(TallyCommand.OK);
        assertThat(checkpoints).isPositive();
        assertThat(run.out()).containsPattern("chain gw-test: " + CALLS + " entries, head seq " + CALLS + " " + head + ", "
                + checkpoints + " checkpoints, latest head size " + CALLS + " signed \\S+ ago, 0 unsigned, key listed by the"
                + " store: ok").contains("OK: every chain verifies\n");
    }

    @Test
    void anEditedEntryFailsAndIsNamed() throws Exception {
        RecordedStore store = RecordedStore.write(dir, CALLS);
        store.editBody(7, "gpt-4o-mini", "gpt-4o-mega");

        CliRun run = CliRun.of("verify", "--data", store.data().toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.out()).contains("verified through seq 6", "BROKEN at seq 7", "FAILED: first bad entry is chain gw-test seq 7 id " + store.idAt(7));
    }

    @Test
    void aDeletedEntryFailsAtItsSeq() throws Exception {
        RecordedStore store = RecordedStore.write(dir, CALLS);
        store.delete(4);

        CliRun run = CliRun.of("verify", "--data", store.data().toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.out()).contains("first bad entry is chain gw-test seq 4 (no row stored there)");
    }

    @Test
    void jsonReportIsMachineReadable() throws Exception {
        RecordedStore store = RecordedStore.write(dir, CALLS);
        store.editBody(3, "gpt-4o-mini", "gpt-4o-mega");

        CliRun run = CliRun.of("verify", "--data", store.data().toString(), "--json");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("ok").asBoolean()).isFalse();
        assertThat(json.get("chains")).hasSize(1);
        assertThat(json.get("chains").get(0).get("entries").asLong()).isEqualTo(CALLS);
        assertThat(json.get("chains").get(0).get("first_bad").get("seq").asLong()).isEqualTo(3);
        assertThat(json.get("first_bad").get("chain").asText()).isEqualTo("gw-test");
        assertThat(json.get("first_bad").get("id").asText()).isEqualTo(store.idAt(3));
    }

    @Test
    void jsonReportOfAnIntactLog() throws Exception {
        RecordedStore store = RecordedStore.write(dir, CALLS);

        CliRun run = CliRun.of("verify", "--data", store.data().toString(), "--json");

        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(run.exitCode()).isZero();
        assertThat(json.get("ok").asBoolean()).isTrue();
        assertThat(json.get("first_bad").isNull()).isTrue();
        assertThat(json.get("chains").get(0).get("head").asText()).hasSize(64);
    }

    @Test
    void theExportedPublicKeyVerifies() throws Exception {
        RecordedStore store = RecordedStore.write(dir.resolve("data"), CALLS);
        Path key = Files.writeString(dir.resolve("exported.pub"), store.publicKeyBase64() + "\n");

        CliRun run = CliRun.of("verify", "--data", store.data().toString(), "--public-key", key.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    }

    @Test
    void everySignerOfAStoreWithSeveralChainsCanBeTrusted() throws Exception {
        Path data = dir.resolve("data");
        RecordedStore gateway = RecordedStore.write(data, CALLS);
        RecordedStore cli = RecordedStore.write(data, "cli", data.resolve("cli"), 3);
        Path gatewayKey = Files.writeString(dir.resolve("gateway.pub"), gateway.publicKeyBase64());
        Path cliKey = Files.writeString(dir.resolve("cli.pub"), cli.publicKeyBase64());

        CliRun both = CliRun.of("verify", "--data", data.toString(), "--public-key", gatewayKey.toString(),
                "--public-key", cliKey.toString());
        CliRun one = CliRun.of("verify", "--data", data.toString(), "--public-key", gatewayKey.toString());

        assertThat(both.exitCode()).as(both.out()).isZero();
        assertThat(both.out()).contains("chain cli: 3 entries", "chain gw-test: " + CALLS + " entries");
        assertThat(one.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(one.out()).contains("chain cli: 3 entries", "signed by unknown key id", "key UNPINNED: BROKEN");
        assertThat(one.out()).containsPattern("chain gw-test: .*, key pinned: ok");
    }

    @Test
    void signaturesByAnotherKeyAreRejected() throws Exception {
        RecordedStore store = RecordedStore.write(dir.resolve("data"), CALLS);
        SigningKeys stranger = SigningKeys.loadOrCreate(dir.resolve("stranger"));
        Path key = Files.writeString(dir.resolve("stranger.pub"), stranger.publicKeyBase64());

        CliRun run = CliRun.of("verify", "--data", store.data().toString(), "--public-key", key.toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.out()).contains("checkpoint at seq", "signed by unknown key id");
    }

    @Test
    void aMalformedKeyFileIsAFailureWithItsName() throws Exception {
        RecordedStore store = RecordedStore.write(dir.resolve("data"), 1);
        Path key = Files.writeString(dir.resolve("bad.pub"), "not a key");

        CliRun run = CliRun.of("verify", "--data", store.data().toString(), "--public-key", key.toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("public-key: " + key + " is not an exported Tally key");
    }

    @Test
    void aMissingKeyFileIsAFailure() throws Exception {
        RecordedStore store = RecordedStore.write(dir.resolve("data"), 1);

        CliRun run = CliRun.of("verify", "--data", store.data().toString(), "--public-key", dir.resolve("nope.pub").toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("public-key: " + dir.resolve("nope.pub") + " cannot be read");
    }

    @Test
    void aDirectoryWithoutAStoreIsAFailureAndStaysEmpty() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));

        CliRun run = CliRun.of("verify", "--data", empty.toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("data: " + empty + " has no tally.db");
        try (var files = Files.list(empty)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aMissingOptionValueIsAUsageError() {
        CliRun run = CliRun.of("verify", "--data");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).contains("Missing required parameter for option '--data'");
    }

    @Test
    void deepRecomputesRollupsAndNamesAnEditedOne() throws Exception {
        RecordedStore store = RecordedStore.write(dir, CALLS);
        CliRun clean = CliRun.of("verify", "--data", store.data().toString(), "--deep");
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tally.db"));
                var update = c.createStatement()) {
            assertThat(update.executeUpdate("UPDATE model_rollups SET calls = calls + 5")).isPositive();
        }

        CliRun edited = CliRun.of("verify", "--data", store.data().toString(), "--deep");
        CliRun json = CliRun.of("verify", "--data", store.data().toString(), "--deep", "--json");

        assertThat(clean.exitCode()).as(clean.out() + clean.err()).isZero();
        assertThat(clean.out()).contains("deep gw-test: " + CALLS + " call records", "OK: every rollup and tag row matches");
        assertThat(edited.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(edited.out()).contains("OK: every chain verifies", "DIFFERS: chain gw-test, model_rollups [",
                "] calls: stored ", "FAILED: ");
        JsonNode deep = new ObjectMapper().readTree(json.out()).get("deep");
        assertThat(deep.get("ok").asBoolean()).isFalse();
        assertThat(deep.get("differences").get(0).get("table").asText()).isEqualTo("model_rollups");
        assertThat(deep.get("differences_total").asLong()).isPositive();
    }

    @Test
    void deepAndPinsGoWithData() {
        CliRun run = CliRun.of("verify", "--url", "http://127.0.0.1:1", "--token", "t".repeat(20), "--deep");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).contains("--deep goes with --data");
    }

    @Test
    void keysPinnedInTheConfigAreTrustedLikePublicKeyFiles() throws Exception {
        RecordedStore store = RecordedStore.write(dir.resolve("data"), CALLS);
        Path pinned = Files.writeString(dir.resolve("tally.yaml"), "audit:\n  trusted_keys: [\"" + store.publicKeyBase64()
                + "\"]\n");
        Path other = Files.writeString(dir.resolve("other.yaml"), "audit:\n  trusted_keys: [\"" + java.util.Base64.getEncoder()
                .encodeToString(java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic()
                        .getEncoded()) + "\"]\n");

        CliRun good = CliRun.of("verify", "--data", store.data().toString(), "--config", pinned.toString());
        CliRun bad = CliRun.of("verify", "--data", store.data().toString(), "--config", other.toString());

        assertThat(good.exitCode()).as(good.out() + good.err()).isZero();
        assertThat(bad.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(bad.out()).contains("signed by unknown key id");
    }

    @Test
    void entriesAfterTheLatestSignedHeadAreCountedAsUnsigned() throws Exception {
        RecordedStore store = RecordedStore.write(dir, CALLS); // heads at 5, 10 and the closing one at 12
        store.cutAfter(10, false);

        CliRun run = CliRun.of("verify", "--data", store.data().toString());
        CliRun json = CliRun.of("verify", "--data", store.data().toString(), "--json");

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).contains("latest head size 10 signed ", ", 2 unsigned, key listed by the store: ok",
                "OK: every chain verifies; 2 newest entries are not yet covered by a signed head");
        JsonNode chain = new ObjectMapper().readTree(json.out()).get("chains").get(0);
        assertThat(chain.get("unsigned_entries").asLong()).isEqualTo(2);
        assertThat(chain.get("key_trust").asText()).isEqualTo("store_listed");
        assertThat(chain.get("latest_head").get("tree_size").asLong()).isEqualTo(10);
        assertThat(chain.get("latest_head").get("age_ms").asLong()).isPositive();
    }

    @Test
    void sinceSavedHeadsALogCutAfterwardsFailsNamingTheChain() throws Exception {
        RecordedStore store = RecordedStore.write(dir.resolve("data"), CALLS);
        CliRun heads = CliRun.of("heads", "--data", store.data().toString());
        Path saved = Files.writeString(dir.resolve("heads.json"), heads.out());
        CliRun before = CliRun.of("verify", "--data", store.data().toString(), "--since", saved.toString());

        store.cutAfter(7, true); // the newest entries and their heads deleted, as an attacker would
        CliRun plain = CliRun.of("verify", "--data", store.data().toString());
        CliRun after = CliRun.of("verify", "--data", store.data().toString(), "--since", saved.toString());

        assertThat(heads.exitCode()).as(heads.err()).isZero();
        assertThat(before.exitCode()).as(before.out()).isZero();
        assertThat(plain.exitCode()).as("without the saved heads the cut is not visible: " + plain.out()).isZero();
        assertThat(after.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(after.out()).contains("FAILED: first bad entry is chain gw-test").contains("12");
    }

    @Test
    void sinceSavedHeadsADeletedChainFails() throws Exception {
        Path data = dir.resolve("data");
        RecordedStore.write(data, CALLS);
        RecordedStore.write(data, "cli", data.resolve("cli"), 3);
        Path saved = Files.writeString(dir.resolve("heads.json"), CliRun.of("heads", "--data", data.toString()).out());
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("tally.db"));
                var delete = c.createStatement()) {
            delete.executeUpdate("DELETE FROM entries WHERE chain = 'cli'");
            delete.executeUpdate("DELETE FROM checkpoints WHERE chain = 'cli'");
        }

        CliRun plain = CliRun.of("verify", "--data", data.toString());
        CliRun run = CliRun.of("verify", "--data", data.toString(), "--since", saved.toString());

        assertThat(plain.exitCode()).as("without the saved heads the deletion is not visible: " + plain.out()).isZero();
        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.out()).contains("chain cli", "is gone");
    }

    @Test
    void sinceAMissingFileIsAFailureNamingIt() throws Exception {
        RecordedStore store = RecordedStore.write(dir, CALLS);

        CliRun run = CliRun.of("verify", "--data", store.data().toString(), "--since", dir.resolve("nope.json").toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("since: " + dir.resolve("nope.json") + " does not exist");
    }
}
