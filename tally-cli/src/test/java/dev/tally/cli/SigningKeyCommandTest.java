package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.json.Json;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.Entries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tally signing-key rotate} end to end: through a running gateway's admin API, and on the
 * store of a stopped gateway. Either way the old key's head announces the new key, the key file
 * holds the new key, and {@code tally verify} with only the old key pinned still passes.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SigningKeyCommandTest {

    @TempDir
    Path dir;

    @Test
    void aRunningGatewayRotatesItsKeyAndAVerifierPinnedToTheOldKeyFollows() throws Exception {
        try (WatchedLog log = new WatchedLog(dir.resolve("data"))) {
            log.record(4);
            Path oldKey = log.exportKey(dir.resolve("old.pub"));

            CliRun run = CliRun.withEnvironment(log.env(), "signing-key", "rotate", "--url", log.url());

            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            JsonNode answer = Json.mapper().readTree(run.out());
            assertThat(answer.path("chain").asText()).isEqualTo(WatchedLog.CHAIN);
            assertThat(answer.path("old_key_id").asText()).isEqualTo(
                    SigningKeys.keyIdOf(SigningKeys.parsePublicKey(Files.readString(oldKey))));
            assertThat(answer.path("public_key").asText()).isEqualTo(log.recorder.publicKeyBase64());
            assertThat(answer.path("announcement").path("tree_size").asLong()).isEqualTo(4);
            assertThat(answer.path("announcement").path("next_key").asText()).isEqualTo(answer.path("public_key").asText());
            assertThat(run.err()).contains("now signs with key " + answer.path("key_id").asText());
            assertThat(SigningKeys.loadOrCreate(log.data).keyId()).isEqualTo(answer.path("key_id").asText());

            log.record(4); // heads at 6 and 8, signed by the new key
            CliRun verify = CliRun.of("verify", "--data", log.data.toString(), "--public-key", oldKey.toString());
            assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
            assertThat(verify.out()).contains(WatchedLog.CHAIN);
        }
    }

    @Test
    void aWitnessPinnedToTheOldKeyFollowsARotationThatFellBetweenTwoChecks() throws Exception {
        try (WatchedLog log = new WatchedLog(dir.resolve("data"))) {
            log.record(4);
            Path oldKey = log.exportKey(dir.resolve("old.pub"));
            Path state = dir.resolve("witness.json");
            String[] witness = {"witness", "--url", log.url(), "--state", state.toString(), "--once", "--public-key",
                oldKey.toString()};
            assertThat(CliRun.withEnvironment(log.env(), witness).exitCode()).isZero();

            assertThat(CliRun.withEnvironment(log.env(), "signing-key", "rotate", "--url", log.url()).exitCode()).isZero();
            log.record(4); // the announcement at 4 is no longer the latest head: 8 is, under the new key
            CliRun after = CliRun.withEnvironment(log.env(), witness);
            CliRun again = CliRun.withEnvironment(log.env(), witness);

            assertThat(after.exitCode()).as(after.out() + after.err()).isZero();
            assertThat(after.out()).contains(WatchedLog.CHAIN + " size 8 (+4)");
            assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        }
    }

    @Test
    void aStoppedGatewaysKeyIsRotatedOnItsStoreAndARunningOneIsNotTouched() throws Exception {
        Path data = dir.resolve("data");
        Path own = data.resolve("gateway");
        Files.createDirectories(own);
        Files.writeString(own.resolve("instance-id"), "gw-stopped\n");
        Entries entries = new Entries();
        String oldPublic;
        try (SqliteAuditStore store = SqliteAuditStore.open(data.resolve("tally.db"))) {
            Recorder recorder = Recorder.start(store, RecorderConfig.defaults("gw-stopped", own), Clock.systemUTC());
            oldPublic = recorder.publicKeyBase64();
            for (int i = 1; i <= 3; i++) {
                recorder.record(entries.call(Instant.parse("2026-03-01T10:00:00Z").plusSeconds(i)).build());
            }
            recorder.flush();
            CliRun refused = CliRun.of("signing-key", "rotate", "--data", data.toString());
            assertThat(refused.exitCode()).isEqualTo(TallyCommand.FAILURE);
            assertThat(refused.err()).contains("expected: the gateway stopped, or --url to rotate through it");
            recorder.close();
        }
        Path oldKey = Files.writeString(dir.resolve("old.pub"), oldPublic + "\n");

        CliRun run = CliRun.of("signing-key", "rotate", "--data", data.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        JsonNode answer = Json.mapper().readTree(run.out());
        assertThat(answer.path("chain").asText()).isEqualTo("gw-stopped");
        assertThat(answer.path("announcement").path("tree_size").asLong()).isEqualTo(3);
        assertThat(SigningKeys.loadOrCreate(own).publicKeyBase64()).isEqualTo(answer.path("public_key").asText());
        CliRun verify = CliRun.of("verify", "--data", data.toString(), "--public-key", oldKey.toString());
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    }

    @Test
    void withoutAGatewayThatRanThereIsNoChainToRotate() throws Exception {
        Path data = dir.resolve("empty");
        Files.createDirectories(data);
        SqliteAuditStore.open(data.resolve("tally.db")).close();

        CliRun run = CliRun.of("signing-key", "rotate", "--data", data.toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("instance-id cannot be read").contains("expected: the data directory of a gateway");
    }
}
