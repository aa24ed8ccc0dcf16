package dev.tally.gateway.upstream;

import static dev.tally.gateway.upstream.RawHttpServer.fixed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.entry.Protocol;
import dev.tally.gateway.config.GatewayConfig.Provider;
import dev.tally.gateway.config.GatewayConfig.Retries;
import dev.tally.gateway.config.GatewayConfig.Timeouts;
import dev.tally.gateway.config.Secret;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket client over TLS: a server with a certificate made for the test by the JDK's
 * {@code keytool}, trusted by the client's own {@link SSLContext}; hostname checked.
 */
class SocketUpstreamTlsTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;
    private static KeyStore keyStore;

    @BeforeAll
    static void certificate() throws Exception {
        Path file = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "tally", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-keystore", file.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keyStore.load(in, PASSWORD);
        }
    }

    private static SSLContext serverContext() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static SSLContext clientContext() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keyStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static RawHttpServer tlsServer() throws Exception {
        SSLServerSocket socket = (SSLServerSocket) serverContext().getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return new RawHttpServer(socket);
    }

    private static Provider provider(String host, int port) {
        return new Provider("tls", Protocol.OPENAI, URI.create("https://" + host + ":" + port + "/v1"), new Secret("sk-tls"),
                Timeouts.DEFAULTS, Retries.DEFAULTS);
    }

    @Test
    void speaks_https_and_keeps_the_tls_connection_for_the_next_call() throws Exception {
        try (RawHttpServer server = tlsServer().then(fixed(200, "{\"a\":1}"), fixed(200, "{\"b\":2}"));
                SocketUpstreamClient client = new SocketUpstreamClient(clientContext())) {
            Provider p = provider("127.0.0.1", server.port());
            for (String expected : List.of("{\"a\":1}", "{\"b\":2}")) {
                try (UpstreamResponse r = client.send(new UpstreamRequest(p, "/chat/completions",
                        "{}".getBytes(StandardCharsets.UTF_8), Map.of(), false))) {
                    assertThat(new String(r.readAll(), StandardCharsets.UTF_8)).isEqualTo(expected);
                }
            }
            assertThat(server.connections()).isEqualTo(1);
            assertThat(server.received().getFirst().header("authorization")).isEqualTo("Bearer sk-tls");
        }
    }

    @Test
    void a_tls_provider_that_stops_answering_is_a_timeout_and_its_connection_is_not_kept() throws Exception {
        try (RawHttpServer server = tlsServer().then(fixed(200, "{\"a\":1}"), RawHttpServer.silent(), fixed(200, "{\"c\":3}"));
                SocketUpstreamClient client = new SocketUpstreamClient(clientContext())) {
            Timeouts t = new Timeouts(Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(30), Duration.ofSeconds(60));
            Provider p = new Provider("tls", Protocol.OPENAI, URI.create("https://127.0.0.1:" + server.port() + "/v1"),
                    new Secret("sk-tls"), t, Retries.DEFAULTS);
            UpstreamRequest request = new UpstreamRequest(p, "/chat/completions", "{}".getBytes(StandardCharsets.UTF_8),
                    Map.of(), false);
            try (UpstreamResponse r = client.send(request)) {
                assertThat(new String(r.readAll(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
            }
            assertThatThrownBy(() -> client.send(request))
                    .isInstanceOfSatisfying(UpstreamTimeoutException.class,
                            e -> assertThat(e.which()).isEqualTo(UpstreamTimeoutException.Which.FIRST_BYTE));
            try (UpstreamResponse r = client.send(request)) {
                assertThat(new String(r.readAll(), StandardCharsets.UTF_8)).isEqualTo("{\"c\":3}");
            }
            assertThat(server.connections()).as("the timed-out connection was closed, the next call opened one").isEqualTo(2);
        }
    }

    @Test
    void refuses_a_server_whose_certificate_it_does_not_trust() throws Exception {
        try (RawHttpServer server = tlsServer().then(fixed(200, "{}"));
                SocketUpstreamClient client = new SocketUpstreamClient()) {
            Provider p = provider("127.0.0.1", server.port());
            assertThatThrownBy(() -> client.send(new UpstreamRequest(p, "/x", new byte[0], Map.of(), false)))
                    .isInstanceOf(SSLException.class);
            assertThat(server.received()).isEmpty();
        }
    }
}
