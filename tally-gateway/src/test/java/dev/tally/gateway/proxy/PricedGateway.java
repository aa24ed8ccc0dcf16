package dev.tally.gateway.proxy;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.pricing.PriceBook;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.recorder.Durability;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.gateway.audit.RecorderAuditSink;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.fake.FakeProvider;
import dev.tally.gateway.keys.KeySettings;
import dev.tally.gateway.keys.MutableClock;
import dev.tally.gateway.server.Gateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A whole gateway over real sockets whose prices change over time: a {@link FakeProvider}, a real
 * SQLite store, and a {@link MutableClock} the test moves across a price version's {@code from}.
 */
final class PricedGateway implements AutoCloseable {

    static final String ADMIN_TOKEN = "tadm-priced-admin-token-0001";

    final FakeProvider provider;
    final MutableClock clock;
    final AuditStore store;
    final Recorder recorder;
    final GatewayConfig config;
    final Gateway gateway;
    final String clientKey;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    PricedGateway(Path dir, String start) throws Exception {
        provider = new FakeProvider();
        clock = MutableClock.at(start);
        String fake = provider.baseUrl();
        config = ConfigLoader.parse("""
                server: {host: 127.0.0.1, port: 0}
                admin: {token: %s}
                providers:
                  - {name: openai, kind: openai, base_url: "%s/v1", api_key: sk-fake-openai-0001, retries: {max: 0}}
                  - {name: backup, kind: openai, base_url: "%s/backup/v1", api_key: sk-fake-backup-0002, retries: {max: 0}}
                  - {name: anthropic, kind: anthropic, base_url: "%s", api_key: sk-ant-fake-0003, retries: {max: 0}}
                models:
                  gpt-4o:
                    provider: openai
                    fallbacks: [gpt-4o-backup]
                    price:
                      - input: "2.50"
                        cached_input: "1.25"
                        output: "10"
                        audio_input: "40"
                        audio_output: "80"
                        image_input: "5"
                        service_tiers: {flex: 0.5, priority: 2}
                      - from: 2026-06-01
                        input: "2"
                        output: "8"
                        service_tiers: {flex: 0.5, priority: 2}
                  gpt-4o-backup:
                    provider: backup
                    price: {input: "1", output: "1"}
                  claude:
                    provider: anthropic
                    price:
                      input: "3"
                      cached_input: "0.30"
                      cache_write: "3.75"
                      cache_write_1h: "6"
                      output: "15"
                      tiers:
                        - {above_input_tokens: 200000, input: "6", cached_input: "0.60", cache_write: "7.50", cache_write_1h: "12", output: "22.50"}
                      service_tiers: {batch: 0.5, priority: 1.25}
                  unpriced:
                    provider: openai
                """.formatted(ADMIN_TOKEN, fake, fake, fake), dir, Map.of());
        store = SqliteAuditStore.open(dir.resolve("tally.db"));
        recorder = Recorder.start(store, RecorderConfig.defaults("priced-chain", dir), Clock.systemUTC());
        gateway = Gateway.start(config, store, recorder, new RecorderAuditSink(recorder, Durability.ASYNC), clock,
                wait -> { }, routing -> { });
        clientKey = gateway.keys().create(KeySettings.named("team-a"), "test").secret();
    }

    PriceBook book() {
        return Gateway.priceBook(config);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json").header("authorization", "Bearer " + clientKey).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().header("authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every call record, oldest first, after the recorder flushed. */
    List<CallRecord> calls() throws InterruptedException {
        recorder.flush();
        List<CallRecord> out = new ArrayList<>();
        store.calls(CallQuery.all(1000)).data().forEach(e -> out.add((CallRecord) e.entry()));
        out.sort(Comparator.comparing(CallRecord::id));
        return out;
    }

    /** The latest call record. */
    CallRecord last() throws InterruptedException {
        return calls().getLast();
    }

    @Override
    public void close() {
        gateway.close();
        recorder.close();
        store.close();
        provider.close();
    }
}
