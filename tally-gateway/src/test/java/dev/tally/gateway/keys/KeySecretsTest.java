package dev.tally.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeySecretsTest {

    @Test
    void secretIsSchemeAndFortyThreeBase62Characters() {
        String secret = KeySecrets.generate(new SecureRandom());

        assertThat(secret).startsWith("tk-").hasSize(46);
        assertThat(secret.substring(3)).matches("[0-9A-Za-z]{43}");
        assertThat(KeySecrets.wellFormed(secret)).isTrue();
    }

    @Test
    void secretsDoNotRepeat() {
        SecureRandom random = new SecureRandom();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(KeySecrets.generate(random))).isTrue();
        }
    }

    @Test
    void everyBase62CharacterIsUsedRoughlyEvenly() {
        Random seeded = new Random(42);
        int[] counts = new int[128];
        for (int i = 0; i < 2_000; i++) {
            KeySecrets.generate(seeded).substring(3).chars().forEach(c -> counts[c]++);
        }
        // 86,000 characters over 62 symbols: about 1,387 each; modulo bias would skew the first 8 by ~25%.
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (char c : alphabet.toCharArray()) {
            assertThat(counts[c]).as("count of %s", c).isBetween(1_200, 1_580);
        }
    }

    @Test
    void hashIsHexSha256OfTheWholeSecret() {
        assertThat(KeySecrets.hash("tk-abc")).isEqualTo("9fb0d2e7fbc0556b7090a1c403c8f8c643e4d520a45afd648cf61b515104180e");
    }

    @Test
    void prefixIsTheFirstTenCharacters() {
        assertThat(KeySecrets.prefix("tk-0123456789abcdefghij")).isEqualTo("tk-0123456");
    }

    @Test
    void onlyKeyShapedValuesAreWellFormed() {
        assertThat(KeySecrets.wellFormed(null)).isFalse();
        assertThat(KeySecrets.wellFormed("sk-proj-0123456789abcdefghijklmnop")).isFalse();
        assertThat(KeySecrets.wellFormed("tk-short")).isFalse();
        assertThat(KeySecrets.wellFormed("tk-0123456789abcdefghij klmn")).isFalse();
        assertThat(KeySecrets.wellFormed("tk-" + "a".repeat(198))).isFalse();
        assertThat(KeySecrets.wellFormed("tk-0123456789abcdefghij")).isTrue();
        assertThat(KeySecrets.wellFormed("tk-0123456789_abcdefghi-")).isTrue();
    }

    @Test
    void sameHashComparesWholeValues() {
        String h = KeySecrets.hash("tk-abc");
        assertThat(KeySecrets.sameHash(h, KeySecrets.hash("tk-abc"))).isTrue();
        assertThat(KeySecrets.sameHash(h, KeySecrets.hash("tk-abd"))).isFalse();
        assertThat(KeySecrets.sameHash(h, h.substring(0, 63))).isFalse();
    }
}
