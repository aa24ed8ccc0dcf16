package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tally witness} against a real gateway on a real store, which is then rewritten the ways an
 * attacker with write access to the store (and the signing key beside it) would: cut, forked,
 * deleted. Each is reported on stderr naming the chain, with exit 1 in {@code --once} mode.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WitnessCommandTest {

    @TempDir
    Path dir;

    private WatchedLog log;
    private Path state;

    @BeforeEach
    void start() throws Exception {
        log = new WatchedLog(dir.resolve("data"));
        state = dir.resolve("witness").resolve("state.json");
    }

    @AfterEach
    void stop() {
        log.close();
    }

    private CliRun once(String... extra) {
        String[] args = new String[6 + extra.length];
        System.arraycopy(new String[] {"witness", "--url", log.url(), "--state", state.toString(), "--once"}, 0, args, 0, 6);
        System.arraycopy(extra, 0, args, 6, extra.length);
        return CliRun.withEnvironment(log.env(), args);
    }

    private JsonNode savedHead() throws Exception {
        return new ObjectMapper().readTree(Files.readString(state)).path("heads").get(0);
    }

    @Test
    void aGrowingLogIsWitnessedAndItsHeadsAreSavedPrivately() throws Exception {
        log.record(4);
        Path key = log.exportKey(dir.resolve("signing.pub"));

        CliRun first = once("--public-key", key.toString());
        log.record(4);
        CliRun second = once("--public-key", key.toString());

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("ok, 1 chain(s); " + WatchedLog.CHAIN + " size 4 (new); signatures: pinned key");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains(WatchedLog.CHAIN + " size 8 (+4)");
        assertThat(second.err()).isEmpty();
        assertThat(savedHead().path("tree_size").asLong()).isEqualTo(8);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rw-------");
        assertThat(new ObjectMapper().readTree(Files.readString(state)).path("ok").asBoolean()).isTrue();
    }

    @Test
    void entriesCutFromTheEndAreARollback() throws Exception {
        log.record(6);
        assertThat(once().exitCode()).isZero();

        log.cutAfter(4);
        CliRun run = once();

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("WITNESS ALARM chain " + WatchedLog.CHAIN + ": rollback: tree size 4 is smaller than"
                + " the saved 6");
        assertThat(savedHead().path("tree_size").asLong()).as("the last good head is kept").isEqualTo(6);
        assertThat(once().err()).as("the alarm repeats").contains("rollback");
    }

    @Test
    void aHistoryRewrittenAndReSignedWithTheRealKeyIsAFork() throws Exception {
        log.record(4);
        assertThat(once().exitCode()).isZero();
        log.record(2);

        log.forgeRoot(6, "ab".repeat(32));
        CliRun run = once();

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("WITNESS ALARM chain " + WatchedLog.CHAIN + ": fork: tree size 6 does not extend"
                + " the saved tree size 4");
    }

    @Test
    void theSameSizeWithAnotherRootIsAFork() throws Exception {
        log.record(4);
        assertThat(once().exitCode()).isZero();

        log.forgeRoot(4, "cd".repeat(32));
        CliRun run = once();

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("fork: tree size 4 now has root " + "cd".repeat(32));
    }

    @Test
    void aDeletedChainHasVanished() throws Exception {
        log.record(2);
        assertThat(once().exitCode()).isZero();

        log.deleteChain();
        CliRun run = once();

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("WITNESS ALARM chain " + WatchedLog.CHAIN + ": vanished:");
    }

    @Test
    void aHeadSignedByAKeyThatIsNotPinnedIsRefused() throws Exception {
        log.record(2);
        Path other = Files.writeString(dir.resolve("other.pub"), java.util.Base64.getEncoder().encodeToString(
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded()));

        CliRun run = once("--public-key", other.toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("WITNESS ALARM chain " + WatchedLog.CHAIN + ": bad_signature: new chain's head at"
                + " tree size 2: signed by key id");
    }

    @Test
    void aStateFileEditedToHideACutIsRefusedByTheSavedHeadsSignature() throws Exception {
        log.record(6);
        Path key = log.exportKey(dir.resolve("signing.pub"));
        assertThat(once("--public-key", key.toString()).exitCode()).isZero();
        // Whoever cuts the log to seq 2 also edits the saved head to size 2 and the root there,
        // dropping head_hash (which would not match), keeping the signature of the head at 6.
        dev.tally.audit.chain.SignedHead at2 = log.store.checkpoints(WatchedLog.CHAIN).getFirst();
        assertThat(at2.seq()).isEqualTo(2);
        log.cutAfter(2);
        com.fasterxml.jackson.databind.node.ObjectNode root =
                (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(Files.readString(state));
        com.fasterxml.jackson.databind.node.ObjectNode head =
                (com.fasterxml.jackson.databind.node.ObjectNode) root.path("heads").get(0);
        head.put("tree_size", 2).put("root", at2.root()).put("entry_hash", at2.hash()).remove("head_hash");
        Files.writeString(state, new ObjectMapper().writeValueAsString(root));

        CliRun run = once("--public-key", key.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("WITNESS ALARM chain " + WatchedLog.CHAIN + ": bad_signature: the saved head at"
                + " tree size 2: signature is not valid under key").contains("the state file was edited");
    }

    @Test
    void withoutOnceItKeepsPollingAfterAnAlarm() throws Exception {
        log.record(4);
        FollowTest.Following witness = FollowTest.Following.startWith(log.env(), "witness", "--url", log.url(), "--state",
                state.toString(), "--interval", "20ms");
        witness.awaitOutput("size 4 (new)");

        log.cutAfter(2);
        while (!witness.err().contains("rollback")) {
            assertThat(witness.thread().isAlive()).isTrue();
            Thread.sleep(10);
        }
        int alarms = witness.err().split("rollback", -1).length;
        while (witness.err().split("rollback", -1).length == alarms) { // a later poll repeats it
            assertThat(witness.thread().isAlive()).isTrue();
            Thread.sleep(10);
        }

        assertThat(witness.stop()).isZero();
        assertThat(witness.out()).contains("1 finding(s)");
    }

    @Test
    void theStoreItselfCanBeWatchedWithData() throws Exception {
        log.record(4);
        CliRun first = CliRun.of("witness", "--data", log.data.toString(), "--state", state.toString(), "--once");
        log.cutAfter(2);
        CliRun second = CliRun.of("witness", "--data", log.data.toString(), "--state", state.toString(), "--once");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("signatures: keys the log lists (unpinned)");
        assertThat(second.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(second.err()).contains("rollback: tree size 2 is smaller than the saved 4");
    }

    @Test
    void anUnreachableGatewayFailsTheOnceRun() {
        CliRun run = CliRun.withEnvironment(log.env(), "witness", "--url", "http://127.0.0.1:1", "--state",
                state.toString(), "--once");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("cannot connect to http://127.0.0.1:1");
    }
}
