package dev.tally.gateway.upstream;

import static dev.tally.gateway.upstream.RawHttpServer.fixed;
import static dev.tally.gateway.upstream.RawHttpServer.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.entry.Protocol;
import dev.tally.audit.testing.Await;
import dev.tally.gateway.config.GatewayConfig.Provider;
import dev.tally.gateway.config.GatewayConfig.Retries;
import dev.tally.gateway.config.GatewayConfig.Timeouts;
import dev.tally.gateway.config.Secret;
import dev.tally.gateway.upstream.UpstreamTimeoutException.Which;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The socket client against a bare HTTP/1.1 server on a real socket. */
class SocketUpstreamClientTest {

    private static final Timeouts GENEROUS = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofSeconds(30), Duration.ofSeconds(60));

    private final SocketUpstreamClient client = new SocketUpstreamClient();
    private RawHttpServer server;

    @AfterEach
    void stop() throws IOException {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    private Provider provider(Protocol kind, Timeouts timeouts) {
        return new Provider("fake", kind, URI.create("http://127.0.0.1:" + server.port() + "/v1"), new Secret("sk-up-0001"),
                timeouts, Retries.DEFAULTS);
    }

    private UpstreamResponse send(Provider provider, String body, boolean stream) throws Exception {
        return client.send(new UpstreamRequest(provider, "/chat/completions", body.getBytes(StandardCharsets.UTF_8),
                Map.of("openai-beta", "assistants=v2"), stream));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void sends_a_complete_request_and_reuses_one_keep_alive_connection() throws Exception {
        server = new RawHttpServer().then(fixed(200, "{\"n\":1}", "content-type: application/json"),
                fixed(200, "{\"n\":2}"), fixed(200, "{\"n\":3}"));
        Provider p = provider(Protocol.OPENAI, GENEROUS);
        for (int i = 1; i <= 3; i++) {
            try (UpstreamResponse r = send(p, "{\"model\":\"m\"}", false)) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(text(r.readAll())).isEqualTo("{\"n\":" + i + "}");
            }
        }
        assertThat(server.connections()).isEqualTo(1);
        RawHttpServer.Request first = server.received().getFirst();
        assertThat(first.requestLine()).isEqualTo("POST /v1/chat/completions HTTP/1.1");
        assertThat(first.header("host")).isEqualTo("127.0.0.1:" + server.port());
        assertThat(first.header("authorization")).isEqualTo("Bearer sk-up-0001");
        assertThat(first.header("accept")).isEqualTo("application/json");
        assertThat(first.header("openai-beta")).isEqualTo("assistants=v2");
        assertThat(first.header("content-length")).isEqualTo("13");
        assertThat(text(first.body())).isEqualTo("{\"model\":\"m\"}");
        assertThat(client.idleConnections(p.baseUrl())).isEqualTo(1);
    }

    @Test
    void empty_bodies_hand_the_connection_back_too() throws Exception {
        server = new RawHttpServer().then(fixed(200, ""), (req, out, socket) -> {
            write(out, "HTTP/1.1 204 No Content\r\n\r\n");
            return true;
        }, fixed(200, "last"));
        Provider p = provider(Protocol.OPENAI, GENEROUS);
        for (String expected : new String[] {"", "", "last"}) {
            try (UpstreamResponse r = send(p, "{}", false)) {
                assertThat(text(r.readAll())).isEqualTo(expected);
            }
        }
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void anthropic_providers_get_their_key_in_x_api_key() throws Exception {
        server = new RawHttpServer().then(fixed(200, "{}"));
        try (UpstreamResponse r = send(provider(Protocol.ANTHROPIC, GENEROUS), "{}", true)) {
            r.readAll();
        }
        assertThat(server.received().getFirst().header("x-api-key")).isEqualTo("sk-up-0001");
        assertThat(server.received().getFirst().header("authorization")).isNull();
        assertThat(server.received().getFirst().header("accept")).isEqualTo("text/event-stream");
    }

    @Test
    void decodes_a_chunked_body_with_extensions_and_trailers_then_reuses_the_connection() throws Exception {
        server = new RawHttpServer().then((req, out, socket) -> {
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Multi: a\r\nx-multi: b\r\n\r\n");
            write(out, "5;ext=1\r\nhello\r\n");
            write(out, "7\r\n, world\r\n");
            write(out, "0\r\ntrailer: yes\r\n\r\n");
            return true;
        }, fixed(200, "again"));
        Provider p = provider(Protocol.OPENAI, GENEROUS);
        try (UpstreamResponse r = send(p, "{}", false)) {
            assertThat(r.headers().get("x-multi")).containsExactly("a", "b");
            assertThat(r.header("Transfer-Encoding")).contains("chunked");
            assertThat(text(r.readAll())).isEqualTo("hello, world");
        }
        try (UpstreamResponse r = send(p, "{}", false)) {
            assertThat(text(r.readAll())).isEqualTo("again");
        }
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void a_streamed_chunk_can_be_read_before_the_provider_sends_the_next() throws Exception {
        CountDownLatch firstRead = new CountDownLatch(1);
        server = new RawHttpServer().then((req, out, socket) -> {
            write(out, "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n");
            write(out, "d\r\ndata: first\n\n\r\n");
            if (!firstRead.await(30, TimeUnit.SECONDS)) {
                return false; // the client never got the first event on its own: the test fails below
            }
            write(out, "e\r\ndata: second\n\n\r\n0\r\n\r\n");
            return true;
        });
        try (UpstreamResponse r = send(provider(Protocol.OPENAI, GENEROUS), "{}", true)) {
            InputStream body = r.body();
            byte[] buffer = new byte[100];
            int n = body.read(buffer, 0, buffer.length);
            assertThat(new String(buffer, 0, n, StandardCharsets.UTF_8)).isEqualTo("data: first\n\n");
            firstRead.countDown();
            assertThat(text(body.readAllBytes())).isEqualTo("data: second\n\n");
        }
    }

    @Test
    void a_connection_the_provider_closes_is_not_reused() throws Exception {
        server = new RawHttpServer().then(
                (req, out, socket) -> {
                    write(out, "HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\none");
                    return false;
                },
                (req, out, socket) -> {
                    write(out, "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\ntwo");
                    return false; // closed without saying so: the pooled connection is found dead
                },
                fixed(200, "three"));
        Provider p = provider(Protocol.OPENAI, GENEROUS);
        for (String expected : new String[] {"one", "two", "three"}) {
            try (UpstreamResponse r = send(p, "{}", false)) {
                assertThat(text(r.readAll())).isEqualTo(expected);
            }
            if (!expected.equals("three")) {
                // the server has closed the connection (its FIN sent) before the next send
                assertThat(server.serverClosed.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            }
        }
        assertThat(server.connections()).isEqualTo(3);
        assertThat(server.received()).hasSize(3);
    }

    @Test
    void a_body_without_length_is_read_until_the_provider_closes() throws Exception {
        server = new RawHttpServer().then((req, out, socket) -> {
            write(out, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{\"whole\":");
            write(out, "true}");
            return false;
        }, fixed(200, "next"));
        Provider p = provider(Protocol.OPENAI, GENEROUS);
        try (UpstreamResponse r = send(p, "{}", false)) {
            assertThat(text(r.readAll())).isEqualTo("{\"whole\":true}");
        }
        try (UpstreamResponse r = send(p, "{}", false)) {
            assertThat(text(r.readAll())).isEqualTo("next");
        }
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void interim_100_continue_is_skipped() throws Exception {
        server = new RawHttpServer().then((req, out, socket) -> {
            write(out, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok");
            return true;
        });
        try (UpstreamResponse r = send(provider(Protocol.OPENAI, GENEROUS), "{}", false)) {
            assertThat(r.status()).isEqualTo(201);
            assertThat(text(r.readAll())).isEqualTo("ok");
        }
    }

    @Test
    void a_body_cut_short_of_its_content_length_is_an_error() throws Exception {
        server = new RawHttpServer().then((req, out, socket) -> {
            write(out, "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"partial\"");
            return false;
        });
        try (UpstreamResponse r = send(provider(Protocol.OPENAI, GENEROUS), "{}", false)) {
            assertThatThrownBy(r::readAll).isInstanceOf(EOFException.class).hasMessageContaining("missing");
        }
    }

    @Test
    void no_answer_head_within_first_byte_is_a_first_byte_timeout() throws Exception {
        server = new RawHttpServer().then(RawHttpServer.silent());
        Timeouts t = new Timeouts(Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(60));
        assertThatThrownBy(() -> send(provider(Protocol.OPENAI, t), "{}", false))
                .isInstanceOfSatisfying(UpstreamTimeoutException.class, e -> assertThat(e.which()).isEqualTo(Which.FIRST_BYTE))
                .hasMessageContaining("first_byte timeout");
    }

    @Test
    void a_read_that_ended_in_time_leaves_its_connection_alone_after_its_deadline_passes() throws Exception {
        server = new RawHttpServer().then(fixed(200, "one"), fixed(200, "two"));
        Timeouts t = new Timeouts(Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(300));
        Provider p = provider(Protocol.OPENAI, t);
        try (UpstreamResponse r = send(p, "{}", false)) {
            assertThat(text(r.readAll())).isEqualTo("one");
        }
        long naps = ReadDeadlines.SHARED.naps();
        // the deadline thread sleeps only after 1 s without reads: past every deadline of the first exchange
        Await.until("the deadline thread asleep again", () -> ReadDeadlines.SHARED.naps() > naps);
        try (UpstreamResponse r = send(p, "{}", false)) {
            assertThat(text(r.readAll())).isEqualTo("two");
        }
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void a_read_timeout_still_fires_after_the_deadline_thread_went_to_sleep() throws Exception {
        server = new RawHttpServer().then(RawHttpServer.silent(), RawHttpServer.silent());
        Timeouts t = new Timeouts(Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(60));
        Provider p = provider(Protocol.OPENAI, t);
        long naps = ReadDeadlines.SHARED.naps();
        assertThatThrownBy(() -> send(p, "{}", false))
                .isInstanceOfSatisfying(UpstreamTimeoutException.class, e -> assertThat(e.which()).isEqualTo(Which.FIRST_BYTE));
        Await.until("the deadline thread asleep once no read is in progress", () -> ReadDeadlines.SHARED.naps() > naps);
        assertThatThrownBy(() -> send(p, "{}", false))
                .isInstanceOfSatisfying(UpstreamTimeoutException.class, e -> assertThat(e.which()).isEqualTo(Which.FIRST_BYTE))
                .hasMessageContaining("first_byte timeout");
    }

    @Test
    void silence_inside_a_stream_is_an_idle_timeout_and_a_long_stream_hits_the_total_deadline() throws Exception {
        RawHttpServer.Answer stalls = (req, out, socket) -> {
            write(out, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n");
            return RawHttpServer.holdUntilClosed(socket);
        };
        server = new RawHttpServer().then(stalls, stalls);
        Timeouts idle = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(60));
        try (UpstreamResponse r = send(provider(Protocol.OPENAI, idle), "{}", true)) {
            assertThat(r.body().read(new byte[10], 0, 10)).isEqualTo(5);
            assertThatThrownBy(() -> r.body().read(new byte[10], 0, 10))
                    .isInstanceOfSatisfying(UpstreamTimeoutException.class, e -> assertThat(e.which()).isEqualTo(Which.IDLE))
                    .hasMessageContaining("idle timeout");
        }
        Timeouts total = new Timeouts(Duration.ofSeconds(5), Duration.ofMillis(400), Duration.ofSeconds(30), Duration.ofMillis(400));
        try (UpstreamResponse r = send(provider(Protocol.OPENAI, total), "{}", true)) {
            byte[] buffer = new byte[10];
            assertThatThrownBy(() -> {
                while (r.body().read(buffer, 0, 10) >= 0) {
                    // reads the first chunk, then waits for more until the deadline
                }
            }).isInstanceOfSatisfying(UpstreamTimeoutException.class, e -> assertThat(e.which()).isEqualTo(Which.TOTAL));
        }
    }

    @Test
    void close_from_another_thread_stops_a_blocked_read_at_once_and_drops_the_connection() throws Exception {
        server = new RawHttpServer().then((req, out, socket) -> {
            write(out, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n");
            // then silence until the client goes away: the server's next read sees the close
            return socket.getInputStream().read() >= 0;
        });
        Provider p = provider(Protocol.OPENAI, GENEROUS);
        UpstreamResponse r = send(p, "{}", true);
        assertThat(r.body().read(new byte[10], 0, 10)).isEqualTo(5);
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                r.body().read(new byte[10], 0, 10);
                return null;
            } catch (IOException e) {
                return e;
            }
        }, runnable -> Thread.ofVirtual().start(runnable));
        Thread.sleep(100); // let the reader block (the test passes either way: close wins)
        r.close();
        assertThat(blocked.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        // the server's read returned: the client closed the connection
        assertThat(server.serverClosed.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        assertThat(client.idleConnections(p.baseUrl())).isZero();
    }

    @Test
    void a_refused_connection_is_a_connect_exception() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Provider p = new Provider("gone", Protocol.OPENAI, URI.create("http://127.0.0.1:" + port), new Secret("k"), GENEROUS,
                Retries.DEFAULTS);
        assertThatThrownBy(() -> client.send(new UpstreamRequest(p, "/x", new byte[0], Map.of(), false)))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void header_values_that_would_break_the_request_head_are_refused_before_sending() throws Exception {
        server = new RawHttpServer();
        Provider p = provider(Protocol.OPENAI, GENEROUS);
        assertThatThrownBy(() -> client.send(new UpstreamRequest(p, "/x", new byte[0],
                Map.of("anthropic-beta", "x\r\nhost: evil"), false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("anthropic-beta");
        assertThat(server.received()).isEmpty();
    }
}
