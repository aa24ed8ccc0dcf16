package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.json.Json;
import dev.tally.audit.recorder.Durability;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.Entries;
import dev.tally.gateway.audit.RecorderAuditSink;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.server.Gateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tally reprice} end to end: through a running gateway's admin API (its prices, its chain),
 * and on the store of a stopped gateway with {@code --config}'s prices. Either way the calls are
 * adjusted once, a second run adds nothing, {@code tally usage} shows the original, the adjustment
 * and the adjusted spend, and {@code tally verify --deep} passes until a row is edited.
 *
 * <p>The calls are {@link Entries#call}'s: gpt-4o-mini, 100 input and 40 output tokens, recorded at
 * 150 micro-USD; the configured price ($2 / $4 per million) makes them 360.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RepriceCommandTest {

    private static final String TOKEN = "tadm-reprice-test-admin-token-0001";
    private static final String CONFIG = """
            server:
              host: 127.0.0.1
              port: 0
              instance_id: gw-reprice
            providers:
              - name: openai
                kind: openai
                base_url: http://127.0.0.1:9/v1
                api_key: sk-unused-provider-secret-0001
            models:
              gpt-4o-mini:
                provider: openai
                price: {input: "2", output: "4"}
            """;
    private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");
    private static final String[] RANGE = {"--model", "gpt-4o-mini", "--since", "2026-03-02", "--until", "2026-03-03"};

    @TempDir
    Path dir;

    private final Entries entries = new Entries();

    @Test
    void aRunningGatewayRepricesOnceAndUsageShowsTheAdjustedSpend() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        GatewayConfig config = ConfigLoader.parse(CONFIG, data, Map.of("TALLY_ADMIN_TOKEN", TOKEN));
        try (SqliteAuditStore store = SqliteAuditStore.open(data.resolve("tally.db"))) {
            Recorder recorder = Recorder.start(store, RecorderConfig.defaults("gw-reprice", data), Clock.systemUTC());
            Gateway gateway = Gateway.start(config, store, recorder, new RecorderAuditSink(recorder, Durability.ASYNC),
                    Clock.systemUTC(), wait -> { }, routing -> { });
            try {
                recorder.recordAndWait(entries.call(T).build());
                recorder.recordAndWait(entries.call(T.plusSeconds(60)).build());
                String url = "http://127.0.0.1:" + gateway.port();
                Map<String, String> env = Map.of("TALLY_ADMIN_TOKEN", TOKEN);

                CliRun dry = CliRun.withEnvironment(env, concat("reprice", "--url", url, "--dry-run"));
                assertThat(dry.exitCode()).as(dry.out() + dry.err()).isZero();
                assertThat(Json.mapper().readTree(dry.out()).path("adjusted").asLong()).isEqualTo(2);
                assertThat(dry.err()).startsWith("dry run: would adjust 2 of 2 calls of gpt-4o-mini, total +0.000420 USD");

                CliRun run = CliRun.withEnvironment(env, concat("reprice", "--url", url, "--reason", "price fix"));
                assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
                JsonNode answer = Json.mapper().readTree(run.out());
                assertThat(answer.path("adjusted").asLong()).isEqualTo(2);
                assertThat(answer.path("delta_micros").asLong()).isEqualTo(420);
                assertThat(answer.path("reason").asText()).isEqualTo("price fix");

                CliRun again = CliRun.withEnvironment(env, concat("reprice", "--url", url));
                assertThat(Json.mapper().readTree(again.out()).path("adjusted").asLong()).isZero();
                assertThat(again.err()).startsWith("adjusted 0 of 2 calls");

                CliRun table = CliRun.withEnvironment(env, "usage", "--url", url, "--by", "model");
                assertThat(table.exitCode()).as(table.out() + table.err()).isZero();
                assertThat(table.out()).contains("ADJUSTMENT").contains("ADJUSTED COST").contains("+$0.00042")
                        .contains("$0.00072");
                CliRun json = CliRun.withEnvironment(env, "usage", "--url", url, "--by", "model", "--json");
                JsonNode group = Json.mapper().readTree(json.out()).path("groups").get(0);
                assertThat(group.path("cost_micros").asLong()).isEqualTo(300);
                assertThat(group.path("adjustment_micros").asLong()).isEqualTo(420);
                assertThat(group.path("adjusted_cost_micros").asLong()).isEqualTo(720);

                CliRun events = CliRun.withEnvironment(env, "events", "--url", url, "--type", "cost_adjustment");
                assertThat(events.exitCode()).as(events.out() + events.err()).isZero();
            } finally {
                gateway.close();
                recorder.close();
            }
        }
        CliRun deep = CliRun.of("verify", "--deep", "--data", data.toString());
        assertThat(deep.exitCode()).as(deep.out() + deep.err()).isZero();
    }

    @Test
    void aStoppedGatewaysCallsAreRepricedOnItsStoreAtTheConfiguredPrices() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data").resolve("gateway")).getParent();
        Path configFile = Files.writeString(dir.resolve("tally.yaml"), CONFIG);
        CallRecord unpriced;
        try (SqliteAuditStore store = SqliteAuditStore.open(data.resolve("tally.db"))) {
            Recorder recorder = Recorder.start(store, RecorderConfig.defaults("gw-reprice", data.resolve("gateway")),
                    Clock.systemUTC());
            recorder.recordAndWait(entries.call(T).build());
            unpriced = entries.call(T.plusSeconds(5)).costMicros(null).priceId(null).build();
            recorder.recordAndWait(unpriced);
            recorder.recordAndWait(entries.call(T.minusSeconds(86_400)).build()); // the day before: not in range
            recorder.close();
        }
        CliRun noConfig = CliRun.of(concat("reprice", "--data", data.toString()));
        assertThat(noConfig.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(noConfig.err()).contains("--config: missing");

        String[] onStore = concat("reprice", "--data", data.toString(), "--config", configFile.toString());
        CliRun run = CliRun.of(onStore);

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        JsonNode answer = Json.mapper().readTree(run.out());
        assertThat(answer.path("records_seen").asLong()).isEqualTo(2);
        assertThat(answer.path("adjusted").asLong()).isEqualTo(2);
        assertThat(answer.path("from_unpriced").asLong()).isEqualTo(1);
        assertThat(answer.path("delta_micros").asLong()).isEqualTo(210 + 360);
        assertThat(answer.path("delta_usd").asText()).isEqualTo("0.000570");
        assertThat(CliRun.of(onStore).err()).startsWith("adjusted 0 of 2 calls");

        CliRun usage = CliRun.of("usage", "--data", data.toString(), "--json");
        JsonNode summary = Json.mapper().readTree(usage.out()).path("summary");
        assertThat(summary.path("cost_micros").asLong()).isEqualTo(300);
        assertThat(summary.path("adjustment_micros").asLong()).isEqualTo(570);
        assertThat(summary.path("adjusted_cost_micros").asLong()).isEqualTo(870);

        CliRun deep = CliRun.of("verify", "--deep", "--data", data.toString());
        assertThat(deep.exitCode()).as(deep.out() + deep.err()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("tally.db"));
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE cost_adjustments SET new_micros = 1, delta_micros = 1 WHERE record_id = '"
                    + unpriced.id() + "'");
        }
        CliRun tampered = CliRun.of("verify", "--deep", "--data", data.toString());
        assertThat(tampered.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(tampered.out() + tampered.err()).contains("cost_adjustments").contains("new_micros");
    }

    private static String[] concat(String... head) {
        String[] all = new String[head.length + RANGE.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(RANGE, 0, all, head.length, RANGE.length);
        return all;
    }
}
