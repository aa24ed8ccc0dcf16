package dev.tally.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.Protocol;
import dev.tally.gateway.config.GatewayConfig.Provider;
import dev.tally.gateway.config.GatewayConfig.Retries;
import dev.tally.gateway.config.GatewayConfig.Timeouts;
import dev.tally.gateway.config.Secret;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Backoff, retry-after (seconds and HTTP date) and the order of retries and fallbacks, with a scripted client. */
class UpstreamCallerTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final Retries RETRIES = new Retries(3, Duration.ofMillis(100), Duration.ofSeconds(1));

    private final List<Duration> waits = new ArrayList<>();
    private final Deque<Object> script = new ArrayDeque<>();
    private final List<String> sentTo = new ArrayList<>();
    private final UpstreamClient client = new UpstreamClient() {
        @Override
        public UpstreamResponse send(UpstreamRequest request) throws java.io.IOException {
            sentTo.add(request.provider().name());
            Object next = script.removeFirst();
            if (next instanceof java.io.IOException e) {
                throw e;
            }
            return (UpstreamResponse) next;
        }

        @Override
        public void close() {
        }
    };
    private final UpstreamCaller caller = new UpstreamCaller(client, waits::add, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void backoff_doubles_and_is_capped() {
        assertThat(UpstreamCaller.backoff(RETRIES, 0)).isEqualTo(Duration.ofMillis(100));
        assertThat(UpstreamCaller.backoff(RETRIES, 2)).isEqualTo(Duration.ofMillis(400));
        assertThat(UpstreamCaller.backoff(RETRIES, 5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(UpstreamCaller.backoff(RETRIES, 60)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void retry_after_as_an_http_date_is_honoured() throws Exception {
        script.add(response(503, "retry-after", "Thu, 01 Jan 2026 12:00:01 GMT"));
        script.add(response(200));

        Attempt attempt = caller.call(List.of(target("a")), t -> request(t));

        assertThat(attempt).isInstanceOf(Attempt.Answered.class);
        assertThat(attempt.attempts()).isEqualTo(2);
        assertThat(waits).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void a_non_retryable_client_error_ends_the_search_at_once() throws Exception {
        script.add(response(400));

        Attempt attempt = caller.call(List.of(target("a"), target("b")), t -> request(t));

        assertThat(((Attempt.Answered) attempt).response().status()).isEqualTo(400);
        assertThat(sentTo).containsExactly("a");
        assertThat(waits).isEmpty();
    }

    @Test
    void connect_failures_exhaust_retries_then_fall_back_and_report_the_last_failure() throws Exception {
        for (int i = 0; i < 4; i++) {
            script.add(new java.net.ConnectException("Connection refused"));
        }
        script.add(new UpstreamTimeoutException(UpstreamTimeoutException.Which.FIRST_BYTE, "no answer within 1 ms"));

        Attempt attempt = caller.call(List.of(target("a"), target("b")), t -> request(t));

        assertThat(sentTo).containsExactly("a", "a", "a", "a", "b");
        assertThat(attempt).isInstanceOfSatisfying(Attempt.Unreachable.class, u -> {
            assertThat(u.httpStatus()).isEqualTo(504);
            assertThat(u.code()).isEqualTo("upstream_timeout");
            assertThat(u.attempts()).isEqualTo(5);
            assertThat(u.target().provider().name()).isEqualTo("b");
        });
        assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    }

    private static Target target(String provider) {
        return new Target("m", new Provider(provider, Protocol.OPENAI, URI.create("http://127.0.0.1:1/v1"), new Secret("k"),
                Timeouts.DEFAULTS, RETRIES), "m");
    }

    private static UpstreamRequest request(Target t) {
        return new UpstreamRequest(t.provider(), "/chat/completions", new byte[0], Map.of(), false);
    }

    private static UpstreamResponse response(int status, String... header) {
        Map<String, List<String>> headers = header.length == 2 ? Map.of(header[0], List.of(header[1])) : Map.of();
        return new UpstreamResponse() {
            @Override
            public int status() {
                return status;
            }

            @Override
            public Map<String, List<String>> headers() {
                return headers;
            }

            @Override
            public InputStream body() {
                return new ByteArrayInputStream(new byte[0]);
            }

            @Override
            public void close() {
            }
        };
    }
}
