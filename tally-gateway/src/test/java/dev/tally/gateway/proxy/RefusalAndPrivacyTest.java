package dev.tally.gateway.proxy;

import static dev.tally.gateway.fake.FakeProvider.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.gateway.fake.Wire;
import dev.tally.gateway.keys.KeySettings;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits refuse before any upstream call, with a record and an event; privacy switches drop IP and key prefix. */
class RefusalAndPrivacyTest {

    @TempDir
    Path dir;

    @Test
    void a_rate_limited_call_is_refused_with_429_retry_after_a_refused_record_and_a_rate_limited_event() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(dir)) {
            String limited = gw.gateway.keys().create(KeySettings.named("limited").withRequestsPerMinute(1L), "test").secret();
            gw.provider.then(json(200, Wire.chatCompletion("gpt-4o", "ok", 5, 1, 0, 0)));
            String body = "{\"model\":\"gpt-4o\",\"messages\":[]}";

            HttpResponse<String> first = gw.post("/v1/chat/completions", body, "authorization", "Bearer " + limited);
            HttpResponse<String> second = gw.post("/v1/chat/completions", body, "authorization", "Bearer " + limited);

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(second.statusCode()).isEqualTo(429);
            assertThat(second.headers().firstValue("retry-after")).isPresent();
            assertThat(gw.provider.received()).hasSize(1);
            List<CallRecord> calls = gw.calls();
            CallRecord refused = calls.getLast();
            assertThat(refused.status()).isEqualTo(CallStatus.REFUSED);
            assertThat(refused.httpStatus()).isEqualTo(429);
            assertThat(refused.keyName()).isEqualTo("limited");
            assertThat(refused.attempts()).isNull();
            assertThat(gw.securityEvents()).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo(SecurityEventType.RATE_LIMITED);
                assertThat(e.requestId()).isEqualTo(refused.id());
                assertThat(e.keyId()).isEqualTo(refused.keyId());
            });
        }
    }

    @Test
    void a_model_outside_the_keys_scope_is_refused_with_403() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(dir)) {
            String scoped = gw.gateway.keys().create(KeySettings.named("scoped").withAllowedModels(List.of("claude-sonnet")), "test")
                    .secret();

            HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\"}", "authorization", "Bearer " + scoped);

            assertThat(res.statusCode()).isEqualTo(403);
            assertThat(gw.onlyCall().status()).isEqualTo(CallStatus.REFUSED);
            assertThat(gw.securityEvents()).singleElement().satisfies(e -> assertThat(e.type()).isEqualTo(SecurityEventType.SCOPE_VIOLATION));
            assertThat(gw.provider.received()).isEmpty();
        }
    }

    @Test
    void with_ip_and_prefix_logging_off_neither_reaches_records_or_events() throws Exception {
        try (GatewayFixture gw = GatewayFixture.startWithAudit(dir, "  log_client_ip: false\n  log_key_prefix: false\n")) {
            gw.provider.then(json(200, Wire.chatCompletion("gpt-4o", "ok", 5, 1, 0, 0)));

            gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");
            gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\"}", "authorization", "Bearer tk-wrongwrongwrongwrongwrong00");

            CallRecord r = gw.onlyCall();
            assertThat(r.clientIp()).isNull();
            assertThat(r.keyPrefix()).isNull();
            assertThat(r.keyName()).isEqualTo("team-a");
            assertThat(gw.securityEvents()).singleElement().satisfies(e -> {
                assertThat(e.clientIp()).isNull();
                assertThat(e.keyPrefix()).isNull();
            });
        }
    }
}
