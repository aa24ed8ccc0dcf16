package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.recorder.Durability;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.gateway.audit.RecorderAuditSink;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.server.Gateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reading commands with {@code --url} against a real gateway (in-process, real socket) running
 * on a seeded store: each prints exactly what it prints when reading the same store with
 * {@code --data}.
 */
class AdminApiModeTest {

    private static final String TOKEN = "tadm-cli-url-mode-token-8a9b0c";

    @TempDir
    Path dir;

    private SeededStore seeded;
    private SqliteAuditStore store;
    private Recorder recorder;
    private Gateway gateway;

    @BeforeEach
    void startGateway() throws Exception {
        seeded = SeededStore.write(dir);
        Path gatewayDir = Files.createDirectories(dir.resolve("gateway"));
        GatewayConfig config = ConfigLoader.parse("server:\n  host: 127.0.0.1\n  port: 0\n", gatewayDir,
                Map.of("TALLY_ADMIN_TOKEN", TOKEN));
        store = SqliteAuditStore.open(dir.resolve("tally.db"));
        recorder = Recorder.start(store, RecorderConfig.defaults("gw-url", gatewayDir), Clock.systemUTC());
        gateway = Gateway.start(config, store, recorder, new RecorderAuditSink(recorder, Durability.ASYNC),
                Clock.systemUTC(), wait -> { }, routing -> { });
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
        recorder.close();
        store.close();
    }

    private String url() {
        return "http://127.0.0.1:" + gateway.port();
    }

    /** Runs {@code args} once on the store and once through the gateway; both must succeed. */
    private void sameBothWays(String... args) {
        List<String> local = new ArrayList<>(List.of(args));
        local.addAll(List.of("--data", dir.toString()));
        List<String> remote = new ArrayList<>(List.of(args));
        remote.addAll(List.of("--url", url()));
        CliRun direct = CliRun.of(local.toArray(String[]::new));
        CliRun through = CliRun.withEnvironment(Map.of("TALLY_ADMIN_TOKEN", TOKEN), remote.toArray(String[]::new));

        assertThat(direct.exitCode()).as(direct.err()).isZero();
        assertThat(through.exitCode()).as(through.err()).isZero();
        assertThat(through.out()).as("tally %s", String.join(" ", args)).isEqualTo(direct.out()).isNotBlank();
        assertThat(through.err()).isEqualTo(direct.err());
    }

    @Test
    void logsAreTheSameThroughTheGateway() {
        sameBothWays("logs");
        sameBothWays("logs", "--json");
        sameBothWays("logs", "--json", "--key", "team-b");
        sameBothWays("logs", "--status", "success", "--since", "2026-03-02T10:00:30Z", "--until", "2026-03-04");
        sameBothWays("logs", "--json", "--tag", "tier=pro", "--model", "gpt-4o-mini", "--provider", "openai");
        sameBothWays("logs", "--json", "--user", "alice", "--limit", "1");
        sameBothWays("logs", "--id", seeded.calls.get(3).id());
        sameBothWays("logs", "--id", seeded.calls.get(3).id(), "--json");
        sameBothWays("logs", "--id", seeded.calls.get(1).id(), "--json");
    }

    @Test
    void theCursorOfOneWayWorksTheOtherWay() {
        CliRun first = CliRun.withEnvironment(Map.of("TALLY_ADMIN_TOKEN", TOKEN), "logs", "--url", url(), "--json",
                "--limit", "4");
        String cursor = first.err().replaceAll("(?s).*--cursor (\\S+).*", "$1");

        CliRun rest = CliRun.of("logs", "--data", dir.toString(), "--json", "--limit", "4", "--cursor", cursor);

        assertThat(LogsCommandTest.ids(rest)).hasSize(2).doesNotContainAnyElementsOf(LogsCommandTest.ids(first));
    }

    @Test
    void usageIsTheSameThroughTheGateway() {
        sameBothWays("usage");
        sameBothWays("usage", "--by", "model");
        sameBothWays("usage", "--by", "key,day", "--json");
        sameBothWays("usage", "--by", "tag:tier,status", "--since", "2026-03-02", "--until", "2026-03-03");
        sameBothWays("usage", "--by", "provider", "--order-by", "cost_micros", "--limit", "1", "--key", "team-a");
    }

    @Test
    void eventsAreTheSameThroughTheGateway() {
        sameBothWays("events");
        sameBothWays("events", "--json", "--type", "key_created");
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // polls instead of hanging
    void followThroughTheGatewayShowsANewRecord() throws Exception {
        FollowTest.Following following = FollowTest.Following.startWith(Map.of("TALLY_ADMIN_TOKEN", TOKEN), "logs",
                "--url", url(), "--follow", "--json", "--interval", "20ms");
        following.awaitErr("following new call records in " + url());
        dev.tally.audit.entry.CallRecord fresh = new dev.tally.audit.testing.Entries().call(java.time.Instant.now()).build();

        recorder.record(fresh);
        recorder.flush();
        following.awaitOutput(fresh.id());

        assertThat(following.stop()).isZero();
        assertThat(following.out().split("\n")).hasSize(1);
        assertThat(following.out()).contains(fresh.id()).doesNotContain(seeded.calls.getLast().id());
    }

    @Test
    void exportIsTheSameThroughTheGateway() throws Exception {
        sameBothWays("export");
        sameBothWays("export", "--format", "csv");
        sameBothWays("export", "--format", "csv", "--status", "error");
        sameBothWays("export", "--tag", "tier=free", "--since", "2026-03-02");
        Path out = dir.resolve("through.csv");
        CliRun toFile = CliRun.withEnvironment(Map.of("TALLY_ADMIN_TOKEN", TOKEN), "export", "--url", url(), "--format",
                "csv", "--out", out.toString());

        assertThat(toFile.exitCode()).as(toFile.err()).isZero();
        assertThat(Files.readString(out)).isEqualTo(CliRun.of("export", "--data", dir.toString(), "--format", "csv").out())
                .contains(",\"'=HYPERLINK(");
    }

    @Test
    void keysAreManagedThroughTheGateway() throws Exception {
        Map<String, String> env = Map.of("TALLY_ADMIN_TOKEN", TOKEN);
        CliRun created = CliRun.withEnvironment(env, "keys", "create", "--url", url(), "--name", "remote-app",
                "--models", "gpt-4o", "--rpm", "60", "--budget-usd", "25", "--budget-period", "month", "--tag", "team=ml");
        CliRun updated = CliRun.withEnvironment(env, "keys", "update", "remote-app", "--url", url(), "--rpm", "120",
                "--no-budget", "--untag", "team");
        CliRun listed = CliRun.withEnvironment(env, "keys", "list", "--url", url());
        CliRun revoked = CliRun.withEnvironment(env, "keys", "revoke", "remote-app", "--url", url());
        CliRun events = CliRun.of("events", "--data", dir.toString(), "--json");

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).containsPattern("secret: tk-[0-9A-Za-z]{43}");
        assertThat(created.err()).isEqualTo("warning: budget of key 'remote-app': no model has a price (the configuration "
                + "has no models section), so no call counts toward it and it never triggers (expected: models with a "
                + "price, models.<name>.price)\n");
        assertThat(updated.exitCode()).as(updated.err()).isZero();
        assertThat(updated.out()).contains("updated key remote-app", "requests_per_minute: 60 -> 120",
                "budget_micros: 25000000 -> none", "tag:team: ml -> none");
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out()).containsPattern("remote-app +\\S+ +tk-\\S+ +active +gpt-4o +120 +- +-");
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        assertThat(revoked.out()).startsWith("revoked key remote-app (tk-");
        recorder.flush();
        assertThat(events.out()).contains("\"type\":\"key_created\"", "\"type\":\"key_updated\"",
                "\"type\":\"key_revoked\"", "\"actor\":\"admin-api\"");
        sameBothWays("keys", "list");
        sameBothWays("keys", "list", "--json");
    }

    @Test
    void keyMistakesThroughTheGatewayFailLikeOnTheStore() {
        Map<String, String> env = Map.of("TALLY_ADMIN_TOKEN", TOKEN);
        CliRun unknown = CliRun.withEnvironment(env, "keys", "revoke", "no-such-key", "--url", url());
        CliRun taken = CliRun.withEnvironment(env, "keys", "create", "--url", url(), "--name", "team-a");

        assertThat(unknown.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(unknown.err()).contains("404", "no-such-key");
        assertThat(taken.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(taken.err()).contains("team-a");
    }

    @Test
    void verifyAsksTheGateway() {
        CliRun text = CliRun.withEnvironment(Map.of("TALLY_ADMIN_TOKEN", TOKEN), "verify", "--url", url());
        CliRun json = CliRun.withEnvironment(Map.of("TALLY_ADMIN_TOKEN", TOKEN), "verify", "--url", url(), "--json");

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).startsWith("store " + url() + ": ").contains("chain " + SeededStore.CHAIN + ": ",
                "OK: every chain verifies");
        assertThat(json.exitCode()).isZero();
        assertThat(json.out()).startsWith("{\"ok\":true,\"chains\":[").contains("\"first_bad\":null");
    }

    @Test
    void aWrongTokenIsRefusedAndABadParameterIsAUsageError() {
        CliRun wrong = CliRun.of("logs", "--url", url(), "--token", "tadm-not-the-token-000000");
        CliRun badCursor = CliRun.of("logs", "--url", url(), "--token", TOKEN, "--cursor", "not-a-cursor");

        assertThat(wrong.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(wrong.err()).contains("refused the admin token (401");
        assertThat(badCursor.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(badCursor.err()).contains("cursor: 'not-a-cursor'");
    }
}
