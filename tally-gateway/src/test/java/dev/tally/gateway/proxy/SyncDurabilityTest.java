package dev.tally.gateway.proxy;

import dev.tally.audit.testing.FaultyStore;
import static dev.tally.gateway.fake.FakeProvider.json;
import static dev.tally.gateway.fake.FakeProvider.sse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.recorder.Durability;
import dev.tally.gateway.fake.Wire;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit.durability: sync}: records durable before the answer completes; fail closed (503
 * {@code audit_unavailable}, counted in summaries rather than recorded one by one) and self-recovery.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // its polling loops fail instead of hanging
class SyncDurabilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @TempDir
    Path dir;

    private GatewayFixture gw;
    private FaultyStore flaky;

    @BeforeEach
    void start() throws Exception {
        gw = GatewayFixture.start(dir, Durability.SYNC, store -> flaky = new FaultyStore(store));
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void the_record_is_in_the_store_by_the_time_the_client_has_its_answer() throws Exception {
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o", "ok", 10, 2, 0, 0)),
                sse(Wire.chatStream("gpt-4o", List.of("a", "b"), 5L, 2L, true)));

        HttpResponse<String> plain = gw.post("/v1/chat/completions", CHAT);
        List<CallRecord> afterPlain = storedCallsWithoutFlush();
        HttpResponse<String> streamed = gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}");
        List<CallRecord> afterStream = storedCallsWithoutFlush();

        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(afterPlain).singleElement().satisfies(r -> assertThat(r.id()).isEqualTo(plain.headers().firstValue("x-request-id").orElseThrow()));
        assertThat(plain.headers().firstValue("x-tally-cost-usd")).as("sync mode writes the body early, after the cost header")
                .hasValue("0.000045"); // 10 x 2.50 + 2 x 10.00 micro-USD
        assertThat(streamed.body()).endsWith("data: [DONE]\n\n");
        assertThat(afterStream).hasSize(2).allSatisfy(r -> assertThat(r.status()).isEqualTo(CallStatus.SUCCESS));
    }

    @Test
    void when_the_store_cannot_be_written_calls_are_refused_with_503_counted_not_recorded_and_served_again_once_it_recovers()
            throws Exception {
        flaky.down = true;

        HttpResponse<String> first = gw.post("/v1/chat/completions", CHAT);
        HttpResponse<String> second = gw.post("/v1/chat/completions", CHAT);

        for (HttpResponse<String> refused : List.of(first, second)) {
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("retry-after")).contains("1");
            assertThat(JSON.readTree(refused.body()).path("error").path("code").asText()).isEqualTo("audit_unavailable");
        }
        assertThat(gw.provider.received()).isEmpty();
        HttpResponse<String> health = gw.get("/health");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("\"store\":\"unavailable\"");

        flaky.down = false;
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o", "back", 10, 2, 0, 0)));
        HttpResponse<String> served = null;
        int refusedWhileRecovering = 0;
        for (int i = 0; i < 100 && (served == null || served.statusCode() == 503); i++) {
            Thread.sleep(100); // the recorder retries the store on its own backoff
            served = gw.post("/v1/chat/completions", CHAT);
            refusedWhileRecovering += served.statusCode() == 503 ? 1 : 0;
        }

        assertThat(served.statusCode()).isEqualTo(200);
        gw.gateway.gate().summaries().drain();
        List<CallRecord> calls = gw.calls();
        // The first call got as far as its opening marker (the store failed under it, the marker was
        // spilled), so it is closed with a record of its own; later ones were refused at the door.
        assertThat(calls.getFirst()).satisfies(r -> {
            assertThat(r.id()).isEqualTo(first.headers().firstValue("x-request-id").orElseThrow());
            assertThat(r.status()).isEqualTo(CallStatus.ERROR);
            assertThat(r.httpStatus()).isEqualTo(503);
            assertThat(r.errorCode()).isEqualTo("audit_unavailable");
        });
        assertThat(first.headers().firstValue("x-tally-record-id")).isEqualTo(first.headers().firstValue("x-request-id"));
        String secondId = second.headers().firstValue("x-request-id").orElseThrow();
        assertThat(calls).noneMatch(r -> r.id().equals(secondId));
        assertThat(second.headers().firstValue("x-tally-record-id")).as("no record, so no record id").isEmpty();
        assertThat(calls.getLast().status()).isEqualTo(CallStatus.SUCCESS);
        assertThat(calls).filteredOn(r -> r.status() == CallStatus.SUCCESS).hasSize(1);
        List<SecurityEvent> summaries = gw.securityEvents().stream()
                .filter(e -> e.type() == SecurityEventType.CALLS_REFUSED_UNRECORDABLE).toList();
        assertThat(summaries).isNotEmpty().allSatisfy(e -> assertThat(e.detail()).contains("audit_unavailable"));
        assertThat(summaries.stream().mapToLong(e -> Long.parseLong(e.detail().split(" ")[0])).sum())
                .as("the second call, and those refused at the door while recovering, each counted once")
                .isBetween(1L, 1L + refusedWhileRecovering);
        assertThat(gw.get("/health").statusCode()).isEqualTo(200);
    }

    private List<CallRecord> storedCallsWithoutFlush() {
        return gw.store.calls(CallQuery.all(100)).data().stream().map(e -> (CallRecord) e.entry()).toList();
    }
}
