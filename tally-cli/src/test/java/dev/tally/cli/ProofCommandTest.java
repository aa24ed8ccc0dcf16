package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tally proof} and {@code tally heads} through a real gateway and on the store directly: a
 * proof that checks out, one saved and checked offline, one edited after it was saved, an entry no
 * head covers yet, an unknown id.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProofCommandTest {

    @TempDir
    Path dir;

    private WatchedLog log;
    private Path key;

    @BeforeEach
    void start() throws Exception {
        log = new WatchedLog(dir.resolve("data"));
        log.record(4); // heads at tree sizes 2 and 4
        key = log.exportKey(dir.resolve("signing.pub"));
    }

    @AfterEach
    void stop() {
        log.close();
    }

    @Test
    void aProofFetchedFromTheGatewayChecksOutUnderThePinnedKey() {
        String id = log.idAt(3);

        CliRun run = CliRun.withEnvironment(log.env(), "proof", id, "--url", log.url(), "--public-key", key.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("entry " + id + ": chain " + WatchedLog.CHAIN + " seq 3, leaf 2 of tree size 4",
                "(pinned key)", "OK: the entry is in the log under this signed head");
    }

    @Test
    void onTheStoreWithoutAPinnedKeyTheKeyIsSaidToBeUnpinned() {
        CliRun run = CliRun.of("proof", log.idAt(1), "--data", log.data.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("leaf 0 of tree size", "(a key the log lists (unpinned))", "OK:");
    }

    @Test
    void aSavedProofIsCheckedOfflineAndAnEditAfterSavingIsCaught() throws Exception {
        Path saved = dir.resolve("proof.json");
        CliRun fetched = CliRun.withEnvironment(log.env(), "proof", log.idAt(2), "--url", log.url(), "--public-key",
                key.toString(), "--save", saved.toString());
        CliRun offline = CliRun.of("proof", "--check", saved.toString(), "--public-key", key.toString());
        Path edited = Files.writeString(dir.resolve("edited.json"), Files.readString(saved).replace("gpt-4o", "gpt-4x"));
        CliRun tampered = CliRun.of("proof", "--check", edited.toString(), "--public-key", key.toString());

        assertThat(fetched.exitCode()).as(fetched.err()).isZero();
        assertThat(offline.exitCode()).as(offline.out() + offline.err()).isZero();
        assertThat(offline.out()).contains("OK: the entry is in the log under this signed head");
        assertThat(Files.readString(saved)).isNotEqualTo(Files.readString(edited));
        assertThat(tampered.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(tampered.out()).contains("FAILED: ");
    }

    @Test
    void aProofUnderAnotherKeyFails() throws Exception {
        Path saved = dir.resolve("proof.json");
        CliRun.of("proof", log.idAt(2), "--data", log.data.toString(), "--save", saved.toString());
        Path other = Files.writeString(dir.resolve("other.pub"), Base64.getEncoder().encodeToString(
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded()));

        CliRun run = CliRun.of("proof", "--check", saved.toString(), "--public-key", other.toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.out()).contains("FAILED: ");
    }

    @Test
    void anOfflineCheckNeedsAPinnedKey() {
        CliRun run = CliRun.of("proof", "--check", dir.resolve("proof.json").toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).contains("--check needs --public-key");
    }

    @Test
    void anEntryNoHeadCoversYetIsToldToRetry() throws Exception {
        log.record(1); // seq 5: the next head comes at 6

        CliRun remote = CliRun.withEnvironment(log.env(), "proof", log.idAt(5), "--url", log.url());
        CliRun local = CliRun.of("proof", log.idAt(5), "--data", log.data.toString());

        assertThat(remote.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(remote.err()).contains("is not yet covered by a signed head (expected: retry in a second");
        assertThat(local.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(local.err()).isEqualTo(remote.err());
    }

    @Test
    void anUnknownIdFails() {
        CliRun run = CliRun.withEnvironment(log.env(), "proof", "0190aaaa-0000-7000-8000-000000000000", "--url", log.url());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("404", "0190aaaa-0000-7000-8000-000000000000");
    }

    @Test
    void headsPrintTheSameJsonFromTheGatewayAndFromTheStore() throws Exception {
        CliRun remote = CliRun.withEnvironment(log.env(), "heads", "--url", log.url());
        CliRun local = CliRun.of("heads", "--data", log.data.toString());

        assertThat(remote.exitCode()).as(remote.err()).isZero();
        assertThat(local.exitCode()).as(local.err()).isZero();
        assertThat(remote.out()).isEqualTo(local.out()).startsWith("{\"heads\":[{\"chain\":\"" + WatchedLog.CHAIN + "\"")
                .contains("\"tree_size\":4");
    }
}
