package dev.tally.cli;

import static dev.tally.cli.LogsCommandTest.assertUsage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.json.Json;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tally events} on a store written by the real recorder. */
class EventsCommandTest {

    @TempDir
    Path dir;

    @BeforeEach
    void seed() throws InterruptedException {
        SeededStore.write(dir);
    }

    private CliRun events(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "events";
        full[1] = "--data";
        full[2] = dir.toString();
        System.arraycopy(args, 0, full, 3, args.length);
        return CliRun.of(full);
    }

    @Test
    void tableListsSecurityAndAdminEventsNewestFirst() {
        CliRun run = events();

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = Arrays.asList(run.out().split("\n"));
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).containsSubsequence("TIME (UTC)", "KIND", "TYPE", "ACTOR/KEY", "TARGET/CLIENT", "DETAIL", "ID");
        assertThat(lines.get(1)).containsSubsequence("2026-03-02 10:06:00.000", "security", "rate_limited", "tk-3f9a1c",
                "10.0.0.9", "sample rate_limited (model gpt-4o-mini)");
        assertThat(lines.get(2)).contains("auth_failure");
        assertThat(lines.get(3)).containsSubsequence("2026-03-02 09:59:00.000", "admin", "key_created", "admin-api", "key-2",
                "sample change");
        assertThat(lines.get(4)).containsSubsequence("key_created", "key-1");
    }

    @Test
    void typeAndRangeFilterAndJsonIsCanonical() throws Exception {
        CliRun auth = events("--type", "auth_failure", "--json");
        CliRun admin = events("--since", "2026-03-02T09:59:00Z", "--until", "2026-03-02T10:05:00Z", "--json");

        assertThat(auth.exitCode()).isZero();
        assertThat(auth.out().split("\n")).hasSize(1);
        assertThat(Json.mapper().readTree(auth.out()).get("type").asText()).isEqualTo("auth_failure");
        assertThat(Json.mapper().readTree(auth.out()).get("kind").asText()).isEqualTo("security");
        assertThat(admin.out().split("\n")).hasSize(1);
        assertThat(admin.out()).startsWith("{\"kind\":\"admin\"").contains("\"target\":\"key-2\"");
    }

    @Test
    void limitPagesWithACursor() {
        CliRun first = events("--limit", "3", "--json");
        String cursor = first.err().replaceAll("(?s).*--cursor (\\S+).*", "$1");
        CliRun second = events("--limit", "3", "--json", "--cursor", cursor);

        assertThat(first.out().split("\n")).hasSize(3);
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out().split("\n")).hasSize(1);
    }

    @Test
    void unknownTypeIsAUsageErrorListingTheTypes() {
        assertUsage(events("--type", "login"), "--type: 'login' (expected one of: auth_failure, auth_expired");
        assertUsage(events("--limit", "-1"), "--limit: -1 (expected: 1..1000)");
    }
}
