package dev.tally.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.chain.SigningKeys;
import dev.tally.gateway.config.Integrity.FileTarget;
import dev.tally.gateway.config.Integrity.UrlTarget;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the defaults, the full mapping and the validation messages of the integrity keys of
 * {@code audit}: {@code sign_interval}, {@code signing_key_file}, {@code trusted_keys},
 * {@code publish_heads}, {@code witness_state}.
 */
class IntegrityConfigTest {

    private static final Path DATA = Path.of("./data");

    @TempDir
    Path dir;

    private static String newPublicKey() throws Exception {
        PublicKey key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    private static String idOf(String base64) {
        return SigningKeys.keyIdOf(SigningKeys.parsePublicKey(base64));
    }

    @Test
    void by_default_a_head_is_signed_within_a_second_with_the_key_in_the_data_directory_and_nothing_is_pinned() {
        Integrity integrity = ConfigLoader.parse("", DATA, Map.of()).audit().integrity();

        assertThat(integrity).isEqualTo(Integrity.DEFAULTS).isEqualTo(new Integrity(Duration.ofSeconds(1), Optional.empty(),
                Map.of(), Optional.empty(), Optional.empty()));
        assertThat(integrity.pinnedKeys()).isEmpty();
    }

    @Test
    void every_key_maps_to_its_field_and_key_files_are_read_once() throws Exception {
        String inline = newPublicKey();
        String inFile = newPublicKey();
        Path pub = Files.writeString(dir.resolve("auditor.pub"), inFile + "\n");
        Path secret = dir.resolve("secrets").resolve("signing.key");

        Integrity integrity = ConfigLoader.parse("""
                audit:
                  sign_interval: 250ms
                  signing_key_file: %s
                  trusted_keys: ["%s", "file:%s"]
                  publish_heads: https://heads.example.com/tally/ingest?source=eu-1
                  witness_state: /var/lib/tally-witness/state.json
                """.formatted(secret, inline, pub), DATA, Map.of()).audit().integrity();

        assertThat(integrity.signInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(integrity.signingKeyFile()).contains(secret);
        assertThat(integrity.trustedKeys()).containsExactly(Map.entry(idOf(inline), inline), Map.entry(idOf(inFile), inFile));
        assertThat(integrity.pinnedKeys().keySet()).containsExactly(idOf(inline), idOf(inFile));
        assertThat(integrity.publishHeads()).contains(
                new UrlTarget(URI.create("https://heads.example.com/tally/ingest?source=eu-1")));
        assertThat(integrity.witnessState()).contains(Path.of("/var/lib/tally-witness/state.json"));
    }

    @Test
    void a_path_that_is_not_a_url_publishes_to_a_file() {
        Integrity integrity = ConfigLoader.parse("audit: {publish_heads: ./heads/published.jsonl}", DATA, Map.of())
                .audit().integrity();

        assertThat(integrity.publishHeads()).contains(new FileTarget(Path.of("./heads/published.jsonl")));
    }

    @Test
    void bad_values_name_the_key_the_value_and_the_expectation() throws Exception {
        assertError("audit: {sign_interval: 5ms}", "audit.sign_interval: '5ms' (expected: 10ms..1h)");
        assertError("audit: {sign_interval: 2h}", "audit.sign_interval: '2h' (expected: 10ms..1h)");
        assertError("audit: {sign_interval: often}",
                "audit.sign_interval: 'often' (expected: a duration such as 250ms, 30s, 5m, 2h or 90d)");
        assertError("audit: {signing_key_file: " + dir + "}", "audit.signing_key_file: '" + dir
                + "' is a directory (expected: a file path)");
        assertError("audit: {trusted_keys: not-a-key}", "audit.trusted_keys: '\"not-a-key\"' (expected: a list)");
        assertError("audit: {trusted_keys: [\"" + newPublicKey() + "\", not-a-key]}",
                "audit.trusted_keys[1]: 'not-a-key' (expected: a base64 X.509 Ed25519 public key as in signing.pub,"
                        + " or file:<path> of such a file)");
        assertError("audit: {trusted_keys: [\"file:" + dir.resolve("missing.pub") + "\"]}",
                "audit.trusted_keys[0]: 'file:" + dir.resolve("missing.pub") + "' cannot be read (NoSuchFileException;");
        assertError("audit: {publish_heads: \"ftp://heads.example.com/x\"}",
                "audit.publish_heads: 'ftp://heads.example.com/x' (expected: a file path, or an http:// or https:// URL)");
        assertError("audit: {publish_heads: \"https://user:hunter2@heads.example.com/x\"}",
                "audit.publish_heads: 'https://****@heads.example.com/x' (expected: an http:// or https:// URL with a host,"
                        + " without user info or fragment)");
        assertError("audit: {publish_heads: " + dir + "}", "audit.publish_heads: '" + dir
                + "' is a directory (expected: a file path)");
        assertError("audit: {witness_state: ''}", "audit.witness_state: '' (expected: a file path)");
        assertError("audit: {sign_intervall: 1s}", "audit.sign_intervall: unknown key (expected one of:");
    }

    @Test
    void a_password_in_a_publish_url_never_appears_in_the_error() {
        assertThatThrownBy(() -> ConfigLoader.parse("audit: {publish_heads: \"https://u:hunter2@/x\"}", DATA, Map.of()))
                .hasMessageNotContaining("hunter2");
    }

    private static void assertError(String yaml, String message) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, DATA, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
