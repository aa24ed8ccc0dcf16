package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.json.Json;
import dev.tally.audit.recorder.Durability;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.Entries;
import dev.tally.audit.testing.TestChain;
import dev.tally.gateway.audit.RecorderAuditSink;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.server.Gateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tally prices check} on a store with unpriced calls inside and outside the last 7 days,
 * read directly ({@code --config}, {@code --data}) and through a gateway's admin API ({@code --url}).
 */
class PricesCheckCommandTest {

    private static final String TOKEN = "tadm-cli-prices-check-token-1a2b";
    private static final String MODELS = """
            providers: [{name: p, kind: openai, api_key: sk-test-provider-key}]
            models:
              gpt-4o: {provider: p, price: [{input: "2.50", output: "10"}, {from: 2026-06-01, input: 2, output: 8}]}
              free-model: {provider: p}
              local-model: {provider: p}
            """;

    @TempDir
    Path dir;

    private Path config;

    @BeforeEach
    void seed() throws Exception {
        // Times relative to the real now: the command counts from "7d" before it runs.
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Entries entries = new Entries();
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"))) {
            new TestChain(store, "gw-1").append(
                    entries.call(now.minus(Duration.ofDays(10))).model("old-model").costMicros(null).priceId(null).build(),
                    entries.call(now.minus(Duration.ofDays(2))).model("gpt-4o").costMicros(7_500L).priceId("p-0123456789ab").build(),
                    entries.call(now.minus(Duration.ofDays(1))).model("free-model").costMicros(null).priceId(null).build(),
                    entries.call(now.minus(Duration.ofHours(1))).model("free-model").costMicros(null).priceId(null).build());
        }
        config = Files.writeString(dir.resolve("tally.yaml"), MODELS + "store: {url: \"sqlite:" + dir.resolve("tally.db") + "\"}\n");
    }

    @Test
    void listsModelsWithoutAPriceAndUnpricedCallsOfTheLastSevenDays() {
        CliRun run = CliRun.of("prices", "check", "--config", config.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.out()).contains("models without a price (2): free-model, local-model");
        assertThat(run.out()).containsSubsequence("unpriced calls since", "by model asked for:", "MODEL", "UNPRICED CALLS",
                "ALL CALLS", "free-model", "2", "2");
        assertThat(run.out()).doesNotContain("old-model").doesNotContain("gpt-4o ");
    }

    @Test
    void withOnlyTheDataDirectoryTheModelsAreUnknownButTheCallsAreChecked() {
        CliRun run = CliRun.of("prices", "check", "--data", dir.toString(), "--since", "30d");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.out()).contains("models without a price: unknown (give --config <tally.yaml> or --url");
        assertThat(run.out()).contains("free-model", "old-model");
    }

    @Test
    void jsonForScriptsAndExitZeroWhenEverythingIsPriced() throws Exception {
        CliRun run = CliRun.of("prices", "check", "--config", config.toString(), "--json");
        JsonNode found = Json.mapper().readTree(run.out());

        assertThat(found.get("unpriced_models").toString()).isEqualTo("[\"free-model\",\"local-model\"]");
        assertThat(found.get("unpriced_calls").toString()).isEqualTo("[{\"model\":\"free-model\",\"unpriced_calls\":2,\"calls\":2}]");

        Path priced = Files.writeString(dir.resolve("priced.yaml"), """
                providers: [{name: p, kind: openai, api_key: sk-test-provider-key}]
                models: {gpt-4o: {provider: p, price: {input: 1, output: 1}}}
                store: {url: "sqlite:%s"}
                """.formatted(dir.resolve("tally.db")));
        CliRun clean = CliRun.of("prices", "check", "--config", priced.toString(), "--since", "2026-01-01T00:00:00Z",
                "--json");
        // No configured model is unpriced, but the store still has unpriced calls since then.
        assertThat(Json.mapper().readTree(clean.out()).get("unpriced_models").toString()).isEqualTo("[]");
        assertThat(clean.exitCode()).isEqualTo(TallyCommand.FAILURE);
        CliRun none = CliRun.of("prices", "check", "--config", priced.toString(), "--since", "1m");
        assertThat(none.exitCode()).as(none.out() + none.err()).isEqualTo(TallyCommand.OK);
        assertThat(none.out()).contains("models without a price: none", "unpriced calls since", ": none");
    }

    @Test
    void throughTheAdminApiItPrintsWhatItPrintsReadingTheStore() throws Exception {
        Path gatewayDir = Files.createDirectories(dir.resolve("gateway"));
        GatewayConfig settings = ConfigLoader.parse("server: {host: 127.0.0.1, port: 0}\n" + MODELS, gatewayDir,
                Map.of("TALLY_ADMIN_TOKEN", TOKEN));
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"))) {
            Recorder recorder = Recorder.start(store, RecorderConfig.defaults("gw-url", gatewayDir), Clock.systemUTC());
            Gateway gateway = Gateway.start(settings, store, recorder, new RecorderAuditSink(recorder, Durability.ASYNC),
                    Clock.systemUTC(), wait -> { }, routing -> { });
            try {
                CliRun through = CliRun.withEnvironment(Map.of("TALLY_ADMIN_TOKEN", TOKEN), "prices", "check", "--url",
                        "http://127.0.0.1:" + gateway.port(), "--since", "2026-01-01");
                CliRun direct = CliRun.of("prices", "check", "--config", config.toString(), "--since", "2026-01-01");

                assertThat(through.exitCode()).as(through.err()).isEqualTo(TallyCommand.FAILURE);
                assertThat(through.out()).isEqualTo(direct.out()).contains("free-model, local-model");
            } finally {
                gateway.close();
                recorder.close();
            }
        }
    }

    @Test
    void aBadSinceIsAUsageError() {
        CliRun run = CliRun.of("prices", "check", "--data", dir.toString(), "--since", "last week");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).contains("--since: 'last week'");
    }
}
