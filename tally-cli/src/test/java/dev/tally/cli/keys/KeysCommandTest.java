package dev.tally.cli.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.json.Json;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.verify.Verifier;
import dev.tally.cli.TallyCommand;
import dev.tally.gateway.auth.AuthOutcome;
import dev.tally.gateway.auth.BruteForcePolicy;
import dev.tally.gateway.auth.KeyAuthenticator;
import dev.tally.gateway.keys.KeySecrets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysCommandTest {

    private static final Pattern SECRET = Pattern.compile("secret: (tk-[0-9A-Za-z]{43})");

    @TempDir
    Path dir;

    private String data() {
        return dir.resolve("data").toString();
    }

    private KeysRun keys(String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "keys";
        full[1] = args[0];
        full[2] = "--data=" + data();
        System.arraycopy(args, 1, full, 3, args.length - 1);
        return KeysRun.of(full);
    }

    private static String secretOf(KeysRun run) {
        Matcher m = SECRET.matcher(run.out());
        assertThat(m.find()).as("secret in %s", run.out()).isTrue();
        return m.group(1);
    }

    private JsonNode listJson() throws Exception {
        KeysRun run = keys("list", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        return Json.mapper().readTree(run.out());
    }

    private SqliteAuditStore openStore() {
        return SqliteAuditStore.open(dir.resolve("data").resolve("tally.db"));
    }

    @Test
    void createPrintsTheSecretOnceAndTheGatewayAcceptsIt() {
        KeysRun run = keys("create", "--name", "ci-bot");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(TallyCommand.OK);
        String secret = secretOf(run);
        assertThat(run.out()).containsOnlyOnce(secret).contains("created key ci-bot", "prefix: " + secret.substring(0, 10));
        try (SqliteAuditStore store = openStore()) {
            KeyAuthenticator auth = new KeyAuthenticator(store::keyBySecretHash, Clock.systemUTC(),
                    BruteForcePolicy.DEFAULT, d -> { });
            assertThat(auth.authenticate(secret, "127.0.0.1")).isInstanceOfSatisfying(AuthOutcome.Allowed.class,
                    a -> assertThat(a.key().name()).isEqualTo("ci-bot"));
        }
    }

    @Test
    void createTakesEverySettingAndListShowsThem() throws Exception {
        KeysRun run = keys("create", "--name", "ci-bot", "--models", "gpt-4o-mini,text-embedding-3-small",
                "--rpm", "60", "--tpm", "100000", "--budget-usd", "25.5", "--budget-period", "month",
                "--expires", "2099-01-01", "--tag", "team=search", "--tag", "env=prod", "--payload-policy", "hash");
        assertThat(run.exitCode()).as(run.err()).isZero();

        JsonNode key = listJson().get(0);
        assertThat(key.get("name").asText()).isEqualTo("ci-bot");
        assertThat(key.get("status").asText()).isEqualTo("active");
        assertThat(key.get("allowed_models").toString()).isEqualTo("[\"gpt-4o-mini\",\"text-embedding-3-small\"]");
        assertThat(key.get("requests_per_minute").asLong()).isEqualTo(60);
        assertThat(key.get("tokens_per_minute").asLong()).isEqualTo(100_000);
        assertThat(key.get("budget_micros").asLong()).isEqualTo(25_500_000);
        assertThat(key.get("budget_period").asText()).isEqualTo("month");
        assertThat(key.get("expires_at").asText()).isEqualTo("2099-01-01T00:00:00.000Z");
        assertThat(key.get("payload_policy").asText()).isEqualTo("hash");
        assertThat(key.get("enabled").asBoolean()).isTrue();
        assertThat(key.get("tags").toString()).isEqualTo("{\"env\":\"prod\",\"team\":\"search\"}");
        assertThat(key.has("secret_hash")).isFalse();

        KeysRun table = keys("list");
        assertThat(table.out().lines().toList()).hasSize(2);
        assertThat(table.out()).contains("NAME", "STATUS", "ci-bot", "active", "gpt-4o-mini,text-embedding-3-small",
                "$25.50/month", "2099-01-01T00:00:00Z");
    }

    @Test
    void returnCostIsSwitchedOffAndOnAndNeverShowsAmongTheTags() throws Exception {
        KeysRun created = keys("create", "--name", "quiet", "--no-return-cost", "--tag", "team=search");
        assertThat(created.exitCode()).as(created.err()).isZero();

        JsonNode key = listJson().get(0);
        assertThat(key.get("return_cost").asBoolean()).isFalse();
        assertThat(key.get("tags").toString()).isEqualTo("{\"team\":\"search\"}");

        KeysRun updated = keys("update", "quiet", "--return-cost");
        assertThat(updated.exitCode()).as(updated.err()).isZero();
        assertThat(updated.out()).contains("return_cost", "false", "true");
        assertThat(listJson().get(0).get("return_cost").asBoolean()).isTrue();
        assertThat(listJson().get(0).get("tags").toString()).isEqualTo("{\"team\":\"search\"}");
    }

    @Test
    void createWithJsonPrintsIdNamePrefixAndSecret() throws Exception {
        KeysRun run = keys("create", "--name", "ci-bot", "--json");

        JsonNode created = Json.mapper().readTree(run.out());
        assertThat(created.get("secret").asText()).startsWith("tk-").hasSize(46);
        assertThat(created.get("prefix").asText()).isEqualTo(created.get("secret").asText().substring(0, 10));
        assertThat(listJson().get(0).get("id").asText()).isEqualTo(created.get("id").asText());
    }

    @Test
    void updateChangesOnlyWhatIsGivenAndPrintsBeforeAndAfter() throws Exception {
        keys("create", "--name", "ci-bot", "--rpm", "60", "--budget-usd", "10", "--budget-period", "day",
                "--tag", "team=search", "--tag", "tier=gold");

        KeysRun run = keys("update", "ci-bot", "--rpm", "120", "--no-budget", "--disable", "--untag", "tier",
                "--name", "ci-bot-2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("updated key ci-bot-2", "  requests_per_minute: 60 -> 120",
                "  budget_micros: 10000000 -> none", "  budget_period: day -> none", "  enabled: true -> false",
                "  name: ci-bot -> ci-bot-2", "  tag:tier: gold -> none");
        assertThat(run.out()).doesNotContain("tag:team");
        JsonNode key = listJson().get(0);
        assertThat(key.get("status").asText()).isEqualTo("disabled");
        assertThat(key.get("requests_per_minute").asLong()).isEqualTo(120);
        assertThat(key.has("budget_micros")).isFalse();
        assertThat(key.get("tags").toString()).isEqualTo("{\"team\":\"search\"}");

        KeysRun budgetOnly = keys("update", "ci-bot-2", "--budget-usd", "5", "--budget-period", "month");
        assertThat(budgetOnly.out()).contains("budget_micros: none -> 5000000");
        KeysRun keepPeriod = keys("update", "ci-bot-2", "--budget-usd", "7");
        assertThat(keepPeriod.exitCode()).as(keepPeriod.err()).isZero();
        assertThat(listJson().get(0).get("budget_period").asText()).isEqualTo("month");
        assertThat(keys("update", "ci-bot-2", "--rpm", "120").out()).contains("nothing changed");
    }

    @Test
    void revokeIsFinalAndRecordedOnTheCliChain() throws Exception {
        String secret = secretOf(keys("create", "--name", "ci-bot"));

        KeysRun run = keys("revoke", "ci-bot");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("revoked key ci-bot (" + secret.substring(0, 10));
        assertThat(listJson().get(0).get("status").asText()).isEqualTo("revoked");
        KeysRun again = keys("revoke", "ci-bot");
        assertThat(again.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(again.err()).contains("is already revoked");
        assertThat(keys("update", "ci-bot", "--enable").exitCode()).isEqualTo(TallyCommand.FAILURE);
        try (SqliteAuditStore store = openStore()) {
            List<AdminEvent> events = store.events(new EventQuery(null, null, null, 100, null)).data().stream()
                    .filter(e -> e.chain().startsWith("cli-")).map(e -> (AdminEvent) e.entry()).toList();
            assertThat(events).extracting(AdminEvent::type)
                    .containsExactly(AdminEventType.KEY_REVOKED, AdminEventType.KEY_CREATED);
            assertThat(events).allSatisfy(e -> assertThat(e.actor()).isEqualTo("cli"));
            assertThat(new Verifier(store).verify().ok()).isTrue();
        }
    }

    @Test
    void worksNextToARunningGatewayOnTheSameStore() throws Exception {
        Path data = dir.resolve("data");
        try (SqliteAuditStore gatewayStore = openStore();
                Recorder gateway = Recorder.start(gatewayStore, RecorderConfig.defaults("gw-1", data),
                        Clock.systemUTC())) {
            IdSource ids = IdSource.system();
            gateway.record(new SecurityEvent(ids.next(), Instant.now(), SecurityEventType.AUTH_FAILURE, null, null,
                    null, "10.0.0.1", "curl/8", null, 401, "no key"));
            String secret = secretOf(keys("create", "--name", "ci-bot"));
            gateway.record(new SecurityEvent(ids.next(), Instant.now(), SecurityEventType.AUTH_FAILURE, null, null,
                    null, "10.0.0.1", "curl/8", null, 401, "no key"));
            assertThat(keys("revoke", "ci-bot").exitCode()).isZero();
            gateway.flush();

            assertThat(gatewayStore.keyBySecretHash(KeySecrets.hash(secret))).get()
                    .satisfies(k -> assertThat(k.revokedAt()).isNotNull());
            assertThat(gatewayStore.chains()).contains("gw-1").anyMatch(chain -> chain.matches("cli-.+-[0-9a-f]{8}"));
        }
        try (SqliteAuditStore store = openStore()) {
            assertThat(new Verifier(store).verify().ok()).isTrue();
        }
    }

    @Test
    void failuresExitOneWithAMessage() {
        keys("create", "--name", "ci-bot");

        KeysRun unknown = keys("revoke", "nope");
        assertThat(unknown.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(unknown.err()).isEqualTo("tally keys revoke: key: 'nope' (expected: the id or name of an existing key)"
                + System.lineSeparator());

        KeysRun taken = keys("create", "--name", "ci-bot");
        assertThat(taken.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(taken.err()).contains("name: 'ci-bot' (expected: a name no other key has)");

        keys("revoke", "ci-bot");
        KeysRun reused = keys("create", "--name", "ci-bot");
        assertThat(reused.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(reused.err()).containsPattern("tally keys create: name: 'ci-bot' is held by revoked key [0-9a-f-]{36} "
                + "\\(revoked at \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\\); a revoked key keeps its name so past records still "
                + "name it \\(expected: another name, e.g. 'ci-bot-2'\\)");

        KeysRun noStore = KeysRun.of("keys", "list", "--data", dir.resolve("elsewhere").toString());
        assertThat(noStore.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(noStore.err()).contains("has no tally.db");
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        keys("create", "--name", "ci-bot");

        assertUsage(KeysRun.of("keys"), "missing command (expected one of: create, list, update, revoke)");
        assertUsage(keys("create"), "Missing required option: '--name=<name>'");
        assertUsage(keys("create", "--name", "x", "--rpm", "0"), "requests_per_minute: 0 (expected: 1..1000000)");
        assertUsage(keys("create", "--name", "x", "--budget-usd", "5"), "--budget-usd: 5 without --budget-period");
        assertUsage(keys("create", "--name", "x", "--budget-usd", "0.0000001", "--budget-period", "day"),
                "--budget-usd: 0.0000001 (expected: dollars with at most 6 decimals");
        assertUsage(keys("create", "--name", "x", "--budget-usd", "1", "--budget-period", "week"),
                "--budget-period: 'week' (expected: day or month)");
        assertUsage(keys("create", "--name", "x", "--expires", "tomorrow"), "--expires: 'tomorrow' (expected:");
        assertUsage(keys("create", "--name", "bad name"), "name: 'bad name'");
        assertUsage(keys("update", "ci-bot"), "nothing to change");
        assertUsage(keys("update", "ci-bot", "--rpm", "5", "--no-rpm"), "--rpm and --no-rpm cannot be used together");
        assertUsage(keys("update", "ci-bot", "--budget-period", "day"), "--budget-period: 'day' without a budget");
        assertUsage(keys("update", "ci-bot", "--tpm", "-1"), "tokens_per_minute: -1");
        assertUsage(keys("revoke"), "Missing required parameter");
    }

    private static void assertUsage(KeysRun run, String message) {
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).contains(message);
    }

    @Test
    void helpIsAvailableForEveryKeysCommand() {
        assertThat(KeysRun.of("keys", "--help").out()).contains("create", "list", "update", "revoke");
        for (String sub : List.of("create", "list", "update", "revoke")) {
            KeysRun run = KeysRun.of("keys", sub, "--help");
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("Usage: tally keys " + sub, "--data");
        }
        assertThat(KeysRun.of("--help").out()).contains("keys");
    }

    @Test
    void withTheGatewaysConfigABudgetOverUnpricedModelsIsWarnedAbout() throws Exception {
        java.nio.file.Path config = dir.resolve("tally.yaml");
        java.nio.file.Files.writeString(config, """
                providers:
                  - name: openai
                    kind: openai
                    api_key: sk-test-provider-key-not-a-secret-01
                models:
                  gpt-4o:
                    provider: openai
                    price: {input: "2.50", output: "10.00"}
                  free-model:
                    provider: openai
                """);

        KeysRun created = keys("create", "--name", "free-bot", "--models", "free-model", "--budget-usd", "5",
                "--budget-period", "day", "--config", config.toString());
        KeysRun priced = keys("create", "--name", "paid-bot", "--models", "gpt-4o", "--budget-usd", "5",
                "--budget-period", "day", "--config", config.toString());
        KeysRun widened = keys("update", "paid-bot", "--all-models", "--config", config.toString());
        KeysRun remote = KeysRun.of("keys", "create", "--url", "http://127.0.0.1:1", "--token", "t", "--name", "x",
                "--config", config.toString());

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.err()).isEqualTo("warning: budget of key 'free-bot': none of the models the key may call has a "
                + "price (free-model), so no call counts toward it and it never triggers (expected: a price under "
                + "models.<name>.price)" + System.lineSeparator());
        assertThat(priced.exitCode()).as(priced.err()).isZero();
        assertThat(priced.err()).isEmpty();
        assertThat(widened.err()).startsWith("warning: budget of key 'paid-bot': calls to free-model have no price");
        assertThat(remote.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(remote.err()).contains("--config and --url cannot be used together");
    }
}
