package dev.tally.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SignedHeadJson;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.proof.Proofs;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed heads as {@code tally serve} makes them: signed with {@code audit.signing_key_file} kept
 * outside the data directory, and each one appended to the {@code audit.publish_heads} file.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServeHeadsTest {

    @TempDir
    Path dir;

    @Test
    void heads_are_signed_with_the_key_outside_the_data_directory_and_each_is_published() throws Exception {
        Path data = dir.resolve("data");
        Path keyFile = dir.resolve("secrets").resolve("tally-signing.key");
        Path published = dir.resolve("published").resolve("heads.jsonl");
        GatewayConfig config = ConfigLoader.parse("""
                server: {host: 127.0.0.1, port: 0}
                admin: {token: an-admin-token-for-tests}
                audit:
                  checkpoint_every: 1
                  sign_interval: 50ms
                  signing_key_file: %s
                  publish_heads: %s
                """.formatted(keyFile, published), data, Map.of());

        String chain;
        try (GatewayRuntime serve = GatewayRuntime.start(config, data, Clock.systemUTC())) {
            chain = serve.chain();
            // The start records its audit settings; with a head every entry, that one is published.
            while (!Files.exists(published) || Files.readAllLines(published).isEmpty()) {
                Thread.sleep(10);
            }
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + serve.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).containsPattern("(?m)^tally_heads_published_total [1-9]")
                    .contains("tally_heads_publish_failures_total 0.0", "tally_heads_publish_dropped_total 0.0",
                            "tally_heads_publish_pending");
        }

        PublicKey key = SigningKeys.parsePublicKey(Files.readString(keyFile.resolveSibling(SigningKeys.PUBLIC_FILE)));
        List<SignedHead> heads = new ArrayList<>();
        for (String line : Files.readAllLines(published)) {
            heads.add(SignedHeadJson.read(new ObjectMapper().readTree(line)));
        }
        assertThat(heads).isNotEmpty().allSatisfy(head -> {
            assertThat(head.chain()).isEqualTo(chain);
            assertThat(SigningKeys.verify(head, key)).as("signed by the key in %s", keyFile).isTrue();
        });
        // The last one published is the head the store keeps as the chain's latest (the closing head).
        try (SqliteAuditStore store = SqliteAuditStore.open(data.resolve("tally.db"))) {
            assertThat(heads.getLast().headHash()).isEqualTo(new Proofs(store).latestHeads().get(chain).headHash());
            assertThat(heads.getLast().closed()).isTrue();
        }
        assertThat(data.resolve("gateway").resolve(SigningKeys.PRIVATE_FILE)).doesNotExist();
    }
}
