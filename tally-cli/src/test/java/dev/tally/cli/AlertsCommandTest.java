package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.alert.AlertBudget;
import dev.tally.audit.alert.AlertRules;
import dev.tally.audit.alert.BudgetKind;
import dev.tally.audit.json.Json;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.Entries;
import dev.tally.audit.testing.TestChain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tally alerts} on a store whose commits crossed a tag budget's thresholds. */
class AlertsCommandTest {

    @TempDir
    Path dir;

    private String delivered;

    @BeforeEach
    void seed() {
        Entries entries = new Entries();
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"))) {
            store.alertRules(new AlertRules(List.of(), List.of(
                    new AlertBudget(BudgetKind.TAG, "team=search", 100_000_000L, BudgetPeriod.MONTH, List.of(50, 80, 100)))));
            new TestChain(store, "gw-1").append(entries.call(Entries.T0).tags(Map.of("team", "search"))
                    .costMicros(85_000_000L).build());
            delivered = store.claimAlerts("gw-1", Entries.T0.plusSeconds(1), Duration.ofMinutes(1), 1).getFirst().id();
            store.alertDelivered(delivered, "gw-1", 1, Entries.T0.plusSeconds(2));
        }
    }

    private CliRun alerts(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "alerts";
        full[1] = "--data";
        full[2] = dir.toString();
        System.arraycopy(args, 0, full, 3, args.length);
        return CliRun.of(full);
    }

    @Test
    void tableListsEveryCrossedThreshold() {
        CliRun run = alerts();

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = Arrays.asList(run.out().split("\n"));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).containsSubsequence("CROSSED (UTC)", "BUDGET", "THRESHOLD", "SPENT THEN", "STATE",
                "ATTEMPTS", "DELIVERY ID", "LAST ERROR");
        assertThat(lines.subList(1, 3)).allSatisfy(l -> assertThat(l).containsSubsequence("2026-03-02 10:00:00.000",
                "tag:team=search", "of $100.00/month", "$85.00"));
        assertThat(String.join("\n", lines)).contains("50% of", "80% of", "delivered", "pending", delivered);
    }

    @Test
    void stateFiltersAndJsonIsTheAdminApisShape() throws Exception {
        CliRun run = alerts("--state", "delivered", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().split("\n")).hasSize(1);
        JsonNode alert = Json.mapper().readTree(run.out());
        assertThat(alert.get("delivery_id").asText()).isEqualTo(delivered);
        assertThat(alert.get("state").asText()).isEqualTo("delivered");
        assertThat(alert.get("budget").asText()).isEqualTo("tag:team=search");
        assertThat(alert.get("spent_micros").asLong()).isEqualTo(85_000_000L);
        assertThat(alert.get("finished_at").asText()).isEqualTo("2026-03-02T10:00:02.000Z");
    }

    @Test
    void aWrongStateIsAUsageError() {
        CliRun run = alerts("--state", "sent");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).contains("--state: 'sent' (expected one of: pending, delivered, failed)");
    }
}
