package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.recorder.Durability;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.gateway.audit.RecorderAuditSink;
import dev.tally.gateway.server.Gateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key changes whose result surprises: a budget over models without a price (accepted, with
 * {@code warnings} in the answer and in the gateway's log at start), and a name held by a
 * revoked key (refused, naming that key). Through the real admin API over a socket.
 */
class AdminKeyMessagesTest {

    private static final String TOKEN = AdminFixture.ADMIN_TOKEN;

    @TempDir
    Path dir;

    private static JsonNode json(HttpResponse<String> res) throws Exception {
        return AdminFixture.JSON.readTree(res.body());
    }

    private static List<String> warnings(HttpResponse<String> res) throws Exception {
        List<String> found = new java.util.ArrayList<>();
        json(res).path("warnings").forEach(w -> found.add(w.asText()));
        return found;
    }

    @Test
    void aBudgetOnlyOverUnpricedModelsIsAcceptedWithAWarning() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            HttpResponse<String> res = fx.send("POST", "/v1/admin/keys", "{\"name\":\"free-only\",\"allowed_models\":"
                    + "[\"free-model\"],\"budget_micros\":1000000,\"budget_period\":\"day\"}", TOKEN);

            assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
            assertThat(warnings(res)).containsExactly("budget of key 'free-only': none of the models the key may call "
                    + "has a price (free-model), so no call counts toward it and it never triggers (expected: a price "
                    + "under models.<name>.price)");
        }
    }

    @Test
    void aBudgetOverSomeUnpricedModelsNamesThemAndAPricedOneHasNoWarning() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            HttpResponse<String> mixed = fx.send("POST", "/v1/admin/keys", "{\"name\":\"mixed\",\"allowed_models\":"
                    + "[\"gpt-4o\",\"free-model\"],\"budget_micros\":1000000,\"budget_period\":\"month\"}", TOKEN);
            HttpResponse<String> priced = fx.send("POST", "/v1/admin/keys", "{\"name\":\"priced\",\"allowed_models\":"
                    + "[\"gpt-4o\"],\"budget_micros\":1000000,\"budget_period\":\"month\"}", TOKEN);
            HttpResponse<String> none = fx.send("POST", "/v1/admin/keys", "{\"name\":\"no-budget\"}", TOKEN);

            assertThat(warnings(mixed)).containsExactly("budget of key 'mixed': calls to free-model have no price and do "
                    + "not count toward it (expected: a price under models.<name>.price for every model the key may call)");
            assertThat(json(priced).has("warnings")).isTrue();
            assertThat(warnings(priced)).isEmpty();
            assertThat(warnings(none)).isEmpty();
        }
    }

    @Test
    void addingABudgetToAKeyForAllModelsWarnsAboutTheUnpricedOnes() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            fx.send("POST", "/v1/admin/keys", "{\"name\":\"any-model\"}", TOKEN);
            HttpResponse<String> res = fx.send("PATCH", "/v1/admin/keys/any-model",
                    "{\"budget_micros\":5000000,\"budget_period\":\"month\"}", TOKEN);

            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(warnings(res)).singleElement().asString().startsWith("budget of key 'any-model': calls to "
                    + "free-model have no price");
        }
    }

    @Test
    void theGatewayLogsUncountableBudgetsAtStart() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(Gateway.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getLevel() + " " + record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try (AdminFixture fx = AdminFixture.start(dir)) {
            fx.send("POST", "/v1/admin/keys", "{\"name\":\"free-only\",\"allowed_models\":[\"free-model\"],"
                    + "\"budget_micros\":1000000,\"budget_period\":\"day\"}", TOKEN);
            fx.recorder.flush();
            logged.clear();
            Path again = java.nio.file.Files.createDirectories(dir.resolve("again"));
            try (Recorder recorder = Recorder.start(fx.store, RecorderConfig.defaults("second", again), Clock.systemUTC());
                    Gateway second = Gateway.start(fx.config, fx.store, recorder,
                            new RecorderAuditSink(recorder, Durability.ASYNC), Clock.systemUTC(), wait -> { }, r -> { })) {
                assertThat(second.port()).isPositive();
            }
        } finally {
            logger.removeHandler(handler);
        }
        assertThat(logged).containsExactly("WARNING budget of key 'free-only': none of the models the key may call has a "
                + "price (free-model), so no call counts toward it and it never triggers (expected: a price under "
                + "models.<name>.price)");
    }

    @Test
    void reusingTheNameOfARevokedKeyNamesThatKeyAndWhatToDo() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            JsonNode old = json(fx.send("POST", "/v1/admin/keys", "{\"name\":\"ci-bot\"}", TOKEN));
            JsonNode revoked = json(fx.send("DELETE", "/v1/admin/keys/ci-bot", null, TOKEN));
            HttpResponse<String> again = fx.send("POST", "/v1/admin/keys", "{\"name\":\"ci-bot\"}", TOKEN);

            assertThat(again.statusCode()).isEqualTo(409);
            JsonNode error = json(again).path("error");
            assertThat(error.path("code").asText()).isEqualTo("key_name_taken");
            assertThat(error.path("message").asText()).isEqualTo("name: 'ci-bot' is held by revoked key "
                    + old.path("id").asText() + " (revoked at " + revoked.path("revoked_at").asText()
                    + "); a revoked key keeps its name so past records still name it (expected: another name, e.g. "
                    + "'ci-bot-2')");
        }
    }
}
